import PlanRandom

/// Examples packed into fixed-length sequences for training: each sequence holds
/// ⌊S / (2k + 3)⌋ whole examples and is padded to S; the loss covers the answer and end tokens
/// (the prompt is given, not predicted).
public struct PackedSequences: Sendable {
    public let sequenceLength: Int
    /// Examples per sequence.
    public let examplesPerSequence: Int
    /// Number of examples packed.
    public let exampleCount: Int
    /// Inputs, targets and weights of every sequence, sequence-major.
    let inputs: [Int32]
    let targets: [Int32]
    let weights: [Float]

    /// Packs `examples` (all of one length) in order.
    /// - Throws: `KernelError.invalidArgument` when there are no examples, they differ in length,
    ///   or one does not fit in a sequence.
    public init(examples: [[Int32]], sequenceLength: Int) throws {
        guard let length = examples.first?.count, examples.allSatisfy({ $0.count == length }) else {
            throw KernelError.invalidArgument("packing needs at least one example, all of one length")
        }
        guard length <= sequenceLength, length > 0 else {
            throw KernelError.invalidArgument("examples of \(length) tokens do not fit sequences of \(sequenceLength)")
        }
        let perSequence = sequenceLength / length
        let sequences = (examples.count + perSequence - 1) / perSequence
        var stream = [Int32](repeating: MultilingualTask.padding, count: sequences * sequenceLength)
        var scored = [Float](repeating: 0, count: stream.count)
        for (index, example) in examples.enumerated() {
            let start = (index / perSequence) * sequenceLength + (index % perSequence) * length
            let separator = example.firstIndex(of: MultilingualTask.separator) ?? length - 1
            for (offset, token) in example.enumerated() {
                stream[start + offset] = token
                // Position p predicts token p + 1: score the answer and the end token.
                if offset >= separator, offset < length - 1 { scored[start + offset] = 1 }
            }
        }
        var targets = [Int32](repeating: MultilingualTask.padding, count: stream.count)
        for s in 0..<sequences {
            for p in 0..<(sequenceLength - 1) { targets[s * sequenceLength + p] = stream[s * sequenceLength + p + 1] }
        }
        self.sequenceLength = sequenceLength
        examplesPerSequence = perSequence
        exampleCount = examples.count
        inputs = stream
        self.targets = targets
        weights = scored
    }

    /// Number of sequences.
    public var count: Int { inputs.count / sequenceLength }

    /// Batches of `size` sequences, in a seeded shuffled order (nil: stored order); the last
    /// batch is filled with unscored padding sequences.
    /// - Throws: `KernelError.invalidArgument` when `size < 1`.
    public func batches(size: Int, shuffleSeed: UInt64?) throws -> [TokenBatch] {
        guard size >= 1 else { throw KernelError.invalidArgument("batch size must be at least 1") }
        var order = Array(0..<count)
        if let shuffleSeed {
            var generator = Xoshiro256StarStar(seed: shuffleSeed)
            order = SyntheticCorpus.permutation(count, &generator).map { order[$0] }
        }
        let s = sequenceLength
        return try stride(from: 0, to: count, by: size).map { first in
            var inputs = [Int32](repeating: MultilingualTask.padding, count: size * s)
            var targets = inputs
            var weights = [Float](repeating: 0, count: size * s)
            for (slot, sequence) in order[first..<min(count, first + size)].enumerated() {
                inputs.replaceSubrange(slot * s..<(slot + 1) * s, with: self.inputs[sequence * s..<(sequence + 1) * s])
                targets.replaceSubrange(slot * s..<(slot + 1) * s, with: self.targets[sequence * s..<(sequence + 1) * s])
                weights.replaceSubrange(slot * s..<(slot + 1) * s, with: self.weights[sequence * s..<(sequence + 1) * s])
            }
            return try TokenBatch(sequences: size, sequenceLength: s, inputs: inputs, targets: targets, weights: weights)
        }
    }
}
