/// The one merge pipeline every method is a preset of:
/// task vectors → sparsify → (sign consensus) → weight → disjoint mean or linear sum.
///
/// Semantics follow PEFT's `merge_utils` (0.19+): magnitude pruning keeps exactly
/// k = floor(density · count) entries; DARE keeps each entry with probability `density` and divides
/// kept ones by it; the majority sign is elected on the sparsified, unweighted values (ties → +);
/// the disjoint merge is Σ_t w_t x_t [sign(x_t) = majority] / max(1, #agreeing); density ≥ 1
/// prunes nothing. Without consensus the result is Σ_t w_t x_t.
///
/// Tasks are flat arrays of equal length in any layout shared by all tasks. The work is one fused
/// pass over contiguous memory in chunks spread over the cores; DARE draws from a xoshiro256**
/// stream per (seed, stream, task, chunk), so results do not depend on the thread count.
public struct TaskVectorMerge: Sendable {
    /// How task vectors are thinned.
    public var sparsification: Sparsification
    /// Sign election, or nil for a plain weighted sum.
    public var consensus: MajoritySign?
    /// Seed for DARE's random masks.
    public var seed: UInt64

    /// A pipeline configuration.
    public init(sparsification: Sparsification, consensus: MajoritySign?, seed: UInt64 = 0) {
        self.sparsification = sparsification
        self.consensus = consensus
        self.seed = seed
    }

    static let chunkSize = 1 << 16
    static let blockSize = 16384

    /// What the fused pass does with one task.
    enum Keep {
        case all
        case nothing
        /// Keep |x| > threshold, and |x| == threshold at indices below tieCutoff (exactly k in all).
        case magnitude(threshold: Float, tieCutoff: Int)
        case bernoulli(limit: Int32, scale: Float)
    }

    /// Merges `tasks` with `weights`; `stream` separates the random streams of different tensors.
    /// - Throws: `KernelError.invalidArgument` for no tasks, unequal lengths, a weights count that
    ///   differs from the task count, or an invalid density.
    /// - Complexity: O(T · n): one selection pass per task for magnitude pruning plus one fused pass.
    public func merge(_ tasks: [[Float]], weights: [Float], stream: UInt64 = 0) throws -> [Float] {
        var output: [Float] = []
        try merge(tasks, weights: weights, stream: stream, into: &output)
        return output
    }

    /// As `merge(_:weights:stream:)`, writing into `output`, whose storage is reused when it
    /// already has the right size (saves the page faults of a fresh allocation in repeated merges).
    public func merge(_ tasks: [[Float]], weights: [Float], stream: UInt64 = 0, into output: inout [Float]) throws {
        guard let count = tasks.first?.count else { throw KernelError.invalidArgument("no task vectors to merge") }
        guard tasks.allSatisfy({ $0.count == count }) else {
            throw KernelError.invalidArgument("task vectors have different lengths; all must have the same shape")
        }
        guard weights.count == tasks.count else {
            throw KernelError.invalidArgument("\(weights.count) weights for \(tasks.count) task vectors; give one weight per task")
        }
        let inputs = tasks
        var keeps: [Keep] = []
        switch sparsification {
        case .none:
            keeps = Array(repeating: .all, count: tasks.count)
        case .magnitude(let density):
            try Self.check(density: density, allowZero: true)
            if density >= 1 {
                keeps = Array(repeating: .all, count: tasks.count)
                break
            }
            let k = Int((density * Double(count)).rounded(.down))
            for t in inputs.indices {
                let selection = BufferScope.reading(inputs[t]) { MagnitudeSelection.threshold($0, keep: k) }
                if k <= 0 {
                    keeps.append(.nothing)
                } else {
                    keeps.append(.magnitude(threshold: selection.value, tieCutoff: selection.tieCutoff))
                }
            }
        case .dare(let density):
            try Self.check(density: density, allowZero: false)
            if density >= 1 {
                keeps = Array(repeating: .all, count: tasks.count)
            } else {
                let limit = Int32(min(Double(Int32.max), (density * 2_147_483_648).rounded(.down)))
                keeps = Array(repeating: .bernoulli(limit: limit, scale: Float(1 / density)), count: tasks.count)
            }
        }
        if output.count != count { output = [Float](repeating: 0, count: count) }
        let (seed, consensus, plans) = (self.seed, self.consensus, keeps)
        BufferScope.readingAll(inputs) { sources in
            BufferScope.mutating(&output) { out in
                _ = Parallel.mapChunks(count: count, chunkSize: Self.chunkSize) { chunk, range in
                    Self.mergeChunk(
                        range, chunk: chunk, sources: sources, keeps: plans, weights: weights,
                        consensus: consensus, seed: seed, stream: stream, out: out)
                }
            }
        }
    }

    static func check(density: Double, allowZero: Bool) throws {
        guard density.isFinite, density > 0 || (allowZero && density == 0) else {
            throw KernelError.invalidArgument(
                allowZero ? "density must be a number ≥ 0, got \(density)" : "density must be > 0 for dare methods, got \(density)")
        }
    }

    /// The fused pass over one chunk, block by block: sparsify every task into scratch while
    /// electing signs, then the weighted disjoint (or linear) sum.
    static func mergeChunk(
        _ range: Range<Int>, chunk: Int, sources: [BufferScope<Float>], keeps: [Keep], weights: [Float],
        consensus: MajoritySign?, seed: UInt64, stream: UInt64, out: BufferScope<Float>
    ) {
        let taskCount = sources.count
        var generators = (0..<taskCount).map {
            Xoshiro256StarStar(seed: SplitMix64.derive(seed, stream, UInt64($0), UInt64(chunk)))
        }
        var scratch = [Float](repeating: 0, count: (taskCount + 3) * blockSize)
        BufferScope.mutating(&scratch) { scratch in
            let elect = scratch.slice(from: taskCount * blockSize, count: blockSize)
            let sum = scratch.slice(from: (taskCount + 1) * blockSize, count: blockSize)
            let agreeing = scratch.slice(from: (taskCount + 2) * blockSize, count: blockSize)
            var start = range.lowerBound
            while start < range.upperBound {
                let length = min(blockSize, range.upperBound - start)
                for j in 0..<length { elect[j] = 0 }
                for t in 0..<taskCount {
                    let kept = scratch.slice(from: t * blockSize, count: blockSize)
                    sparsify(sources[t], from: start, count: length, keeps[t], &generators[t], into: kept)
                    if consensus == .frequency {
                        for j in 0..<length {
                            let v = kept[j]
                            elect[j] += v > 0 ? 1 : (v < 0 ? -1 : 0)
                        }
                    } else if consensus == .total {
                        for j in 0..<length { elect[j] += kept[j] }
                    }
                }
                let target = out.slice(from: start, count: length)
                if consensus == nil {
                    for j in 0..<length { target[j] = 0 }
                    for t in 0..<taskCount {
                        let kept = scratch.slice(from: t * blockSize, count: blockSize), w = weights[t]
                        for j in 0..<length { target[j] += w * kept[j] }
                    }
                } else {
                    for j in 0..<length {
                        sum[j] = 0
                        agreeing[j] = 0
                    }
                    for t in 0..<taskCount {
                        let kept = scratch.slice(from: t * blockSize, count: blockSize), w = weights[t]
                        for j in 0..<length {
                            // Branch-free: agrees when v ≠ 0 and v's sign bit equals the elected
                            // sign's (elect is never -0: sums start at +0).
                            let v = kept[j], bits = v.bitPattern
                            let sameSign = 1 &- ((bits ^ elect[j].bitPattern) >> 31)
                            let nonzero = ((bits << 1) | (0 &- (bits << 1))) >> 31
                            let agrees = Float(sameSign & nonzero)
                            sum[j] += agrees * (w * v)
                            agreeing[j] += agrees
                        }
                    }
                    for j in 0..<length { target[j] = sum[j] / max(1, agreeing[j]) }
                }
                start += length
            }
        }
    }

    @inline(__always)
    static func sparsify(
        _ source: BufferScope<Float>, from start: Int, count length: Int, _ keep: Keep,
        _ generator: inout Xoshiro256StarStar, into kept: BufferScope<Float>
    ) {
        let source = source.slice(from: start, count: length)
        switch keep {
        case .all:
            for j in 0..<length { kept[j] = source[j] }
        case .nothing:
            for j in 0..<length { kept[j] = 0 }
        case .magnitude(let threshold, let tieCutoff):
            if tieCutoff <= start || tieCutoff >= start + length {
                // The whole block is on one side of the tie cutoff: a single vectorisable rule.
                // Branch-free on bit patterns (non-negative floats order as integers):
                // keep |x| > cut, where cut = threshold, or just below it when ties are kept.
                let thresholdBits = Int32(bitPattern: threshold.bitPattern)
                let cut = tieCutoff >= start + length ? thresholdBits &- 1 : thresholdBits
                for j in 0..<length {
                    let bits = source[j].bitPattern
                    let magnitude = Int32(bitPattern: bits & 0x7FFF_FFFF)
                    let mask = UInt32(bitPattern: (cut &- magnitude) >> 31)
                    kept[j] = Float(bitPattern: bits & mask)
                }
            } else {
                for j in 0..<length {
                    let v = source[j], m = abs(v)
                    kept[j] = (m > threshold || (m == threshold && start + j < tieCutoff)) ? v : 0
                }
            }
        case .bernoulli(let limit, let scale):
            // One 64-bit draw gives two 31-bit uniforms; keep when draw < limit, branch-free.
            var j = 0
            while j + 1 < length {
                let draw = generator.next()
                let first = Int32(truncatingIfNeeded: draw >> 33), second = Int32(truncatingIfNeeded: (draw >> 1) & 0x7FFF_FFFF)
                kept[j] = Float(bitPattern: (source[j] * scale).bitPattern & UInt32(bitPattern: (first &- limit) >> 31))
                kept[j + 1] = Float(bitPattern: (source[j + 1] * scale).bitPattern & UInt32(bitPattern: (second &- limit) >> 31))
                j += 2
            }
            if j < length {
                let draw = Int32(truncatingIfNeeded: generator.next() >> 33)
                kept[j] = Float(bitPattern: (source[j] * scale).bitPattern & UInt32(bitPattern: (draw &- limit) >> 31))
            }
        }
    }
}
