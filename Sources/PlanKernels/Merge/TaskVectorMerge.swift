import PlanRandom

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
/// pass over contiguous memory in chunks spread over the cores; DARE draws from 8 side-by-side
/// xoshiro256** streams (`DareLanes`) per (seed, stream, task, chunk), so results do not depend
/// on the thread count.
public struct TaskVectorMerge: Sendable {
    /// How task vectors are thinned.
    public var sparsification: Sparsification
    /// Sign election, or nil for a plain weighted sum.
    public var consensus: MajoritySign?
    /// Seed for DARE's random masks.
    public var seed: UInt64
    /// The implementation of the hot loops (identical results either way).
    public var kernels: MergeKernels

    /// A pipeline configuration.
    public init(sparsification: Sparsification, consensus: MajoritySign?, seed: UInt64 = 0, kernels: MergeKernels = .fastest) {
        self.sparsification = sparsification
        self.consensus = consensus
        self.seed = seed
        self.kernels = kernels
    }

    static let chunkSize = 1 << 16
    static let blockSize = 16384
    /// Outputs of at least this many elements (32 MiB) are written with non-temporal stores.
    static let streamingThreshold = 1 << 23

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
        let keeps = try plans(tasks, count: count)
        if output.count != count { output = [Float](repeating: 0, count: count) }
        let (seed, consensus, kernels) = (self.seed, self.consensus, self.kernels)
        BufferScope.readingAll(tasks) { sources in
            BufferScope.mutating(&output) { out in
                _ = Parallel.mapChunks(count: count, chunkSize: Self.chunkSize) { chunk, range in
                    Self.mergeChunk(
                        range, chunk: chunk, sources: sources, keeps: keeps, weights: weights,
                        consensus: consensus, seed: seed, stream: stream, kernels: kernels, out: out)
                }
            }
        }
    }

    /// What the fused pass does with each task: thresholds from top-k selection, or DARE's draw.
    func plans(_ tasks: [[Float]], count: Int) throws -> [Keep] {
        switch sparsification {
        case .none:
            return Array(repeating: .all, count: tasks.count)
        case .magnitude(let density):
            try Self.check(density: density, allowZero: true)
            if density >= 1 { return Array(repeating: .all, count: tasks.count) }
            let k = Int((density * Double(count)).rounded(.down))
            if k <= 0 { return Array(repeating: .nothing, count: tasks.count) }
            let thresholds = BufferScope.readingAll(tasks) { MagnitudeSelection.thresholds($0, keep: k, kernels: kernels) }
            return thresholds.map { .magnitude(threshold: $0.value, tieCutoff: $0.tieCutoff) }
        case .dare(let density):
            try Self.check(density: density, allowZero: false)
            if density >= 1 { return Array(repeating: .all, count: tasks.count) }
            let limit = Int32(min(Double(Int32.max), (density * 2_147_483_648).rounded(.down)))
            return Array(repeating: .bernoulli(limit: limit, scale: Float(1 / density)), count: tasks.count)
        }
    }

    static func check(density: Double, allowZero: Bool) throws {
        guard density.isFinite, density > 0 || (allowZero && density == 0) else {
            throw KernelError.invalidArgument(
                allowZero ? "density must be a number ≥ 0, got \(density)" : "density must be > 0 for dare methods, got \(density)")
        }
    }

    /// The fused pass over one chunk, block by block. Tasks whose rule is a plain magnitude cut
    /// are read in place; DARE draws (and the one block holding a tie cutoff) are sparsified into
    /// scratch first. The block kernel then elects signs and forms the disjoint (or linear) sum.
    static func mergeChunk(
        _ range: Range<Int>, chunk: Int, sources: [BufferScope<Float>], keeps: [Keep], weights: [Float],
        consensus: MajoritySign?, seed: UInt64, stream: UInt64, kernels: MergeKernels, out: BufferScope<Float>
    ) {
        let taskCount = sources.count
        // Outputs far beyond the caches bypass them (the merged tensor is written, not re-read).
        let streaming = out.count >= streamingThreshold
        var generators = (0..<taskCount).map { DareLanes(seed: SplitMix64.derive(seed, stream, UInt64($0), UInt64(chunk))) }
        // Scratch only for the tasks that are not a plain cut somewhere in this chunk, plus the
        // portable kernel's workspace; every slot is written before it is read, so none is zeroed.
        var slots = [Int](repeating: -1, count: taskCount), slotCount = 0
        for t in 0..<taskCount where keeps[t].cut(blockStart: range.lowerBound, count: range.count) == nil {
            slots[t] = slotCount
            slotCount += 1
        }
        var scratch = [Float](unsafeUninitializedCapacity: (slotCount + 3) * blockSize) { _, initialized in
            initialized = (slotCount + 3) * blockSize
        }
        var cuts = [Int32](repeating: -1, count: taskCount)
        var blockSources: [BufferScope<Float>] = []
        blockSources.reserveCapacity(taskCount)
        BufferScope.mutating(&scratch) { scratch in
            let workspace = scratch.slice(from: 0, count: 3 * blockSize)
            var start = range.lowerBound
            while start < range.upperBound {
                let length = min(blockSize, range.upperBound - start)
                blockSources.removeAll(keepingCapacity: true)
                for t in 0..<taskCount {
                    let source = sources[t].slice(from: start, count: length)
                    if let cut = keeps[t].cut(blockStart: start, count: length) {
                        cuts[t] = cut
                        blockSources.append(source)
                    } else {
                        let kept = scratch.slice(from: (3 + slots[t]) * blockSize, count: length)
                        sparsify(source, from: start, keeps[t], &generators[t], kernels: kernels, into: kept)
                        cuts[t] = -1
                        blockSources.append(kept)
                    }
                }
                kernels.mergeBlock(
                    sources: blockSources, cuts: cuts, weights: weights, consensus: consensus, streaming: streaming,
                    out: out.slice(from: start, count: length), workspace: workspace)
                start += length
            }
        }
    }

    /// Sparsifies a block whose rule is not a plain cut: DARE's random keep-and-rescale, or the
    /// block that holds a magnitude tie cutoff (index-dependent).
    static func sparsify(
        _ source: BufferScope<Float>, from start: Int, _ keep: Keep, _ generators: inout DareLanes, kernels: MergeKernels,
        into kept: BufferScope<Float>
    ) {
        let length = source.count
        switch keep {
        case .all, .nothing:
            let cut = keep.cut(blockStart: start, count: length) ?? -1
            for j in 0..<length { kept[j] = MergeKernels.kept(source[j], cut: cut) }
        case .magnitude(let threshold, let tieCutoff):
            // Bit patterns, as in the cuts: they order NaN above infinity like the selection.
            let thresholdBits = threshold.bitPattern
            for j in 0..<length {
                let v = source[j], bits = v.bitPattern & 0x7FFF_FFFF
                kept[j] = (bits > thresholdBits || (bits == thresholdBits && start + j < tieCutoff)) ? v : 0
            }
        case .bernoulli(let limit, let scale):
            generators.keep(source, limit: limit, scale: scale, into: kept, kernels: kernels)
        }
    }
}

extension TaskVectorMerge.Keep {
    /// The magnitude cut that implements this rule on the block `blockStart ..< blockStart + count`
    /// (keep |x| bits > cut), or nil when the rule is not a cut there (DARE, or a tie cutoff
    /// inside the block). Non-negative floats order as their bit patterns, so a cut just below
    /// the threshold's pattern keeps the ties.
    func cut(blockStart: Int, count: Int) -> Int32? {
        switch self {
        case .all: return -1
        case .nothing: return .max
        case .bernoulli: return nil
        case .magnitude(let threshold, let tieCutoff):
            let thresholdBits = Int32(bitPattern: threshold.bitPattern)
            if tieCutoff >= blockStart + count { return thresholdBits &- 1 }
            if tieCutoff <= blockStart { return thresholdBits }
            return nil
        }
    }
}
