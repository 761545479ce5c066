/// One training or evaluation batch: `sequences` rows of `sequenceLength` input tokens, the next
/// token to predict at each position, and a loss weight per position (0 = not scored).
public struct TokenBatch: Sendable, Equatable {
    public let sequences: Int
    public let sequenceLength: Int
    /// Input token ids, sequence-major (position fastest).
    public var inputs: [Int32]
    /// Target token ids, same layout.
    public var targets: [Int32]
    /// Loss weight per position, same layout.
    public var weights: [Float]

    /// A batch; the three arrays must each hold sequences × sequenceLength entries.
    /// - Throws: `KernelError.shapeMismatch` otherwise.
    public init(sequences: Int, sequenceLength: Int, inputs: [Int32], targets: [Int32], weights: [Float]) throws {
        let count = sequences * sequenceLength
        guard inputs.count == count, targets.count == count, weights.count == count else {
            throw KernelError.shapeMismatch(
                "a batch of \(sequences) × \(sequenceLength) tokens needs \(count) inputs, targets and weights, "
                    + "got \(inputs.count), \(targets.count) and \(weights.count)")
        }
        self.sequences = sequences
        self.sequenceLength = sequenceLength
        self.inputs = inputs
        self.targets = targets
        self.weights = weights
    }

    /// Tokens in the batch.
    public var tokens: Int { sequences * sequenceLength }
}
