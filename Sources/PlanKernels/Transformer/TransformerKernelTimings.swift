import Dispatch
import PlanRandom

/// Times the kernels one training step of a given model issues, at that model's shapes: the
/// projection, LoRA and attention GEMMs (as FLOP rates) and the elementwise kernels, the
/// optimizer and the batch load (as seconds per element or per step). `plan calibrate` stores
/// these with the machine profile, for reference (the step-time model is fitted to whole steps).
///
/// Every timing is the lower quartile of `repetitions` runs after one untimed run, so a burst of
/// load on a shared machine does not set it; the softmax is the one derived figure (the real
/// attention kernel minus its GEMMs alone).
public enum TransformerKernelTimings {
    /// The measured rates.
    public struct Result: Sendable, Equatable, Codable {
        public var matmulFlopsPerSecond: Double
        public var adapterFlopsPerSecond: Double
        public var attentionFlopsPerSecond: Double
        public var normSecondsPerElement: Double
        public var activationSecondsPerElement: Double
        public var softmaxSecondsPerElement: Double
        public var rotarySecondsPerElement: Double
        public var crossEntropySecondsPerElement: Double
        public var copySecondsPerElement: Double
        public var optimizerSecondsPerParameter: Double
        /// The data pipeline and batch load one step starts with, seconds.
        public var secondsPerStep: Double
    }

    /// Seeds of the synthetic inputs. Any fixed values do: the figures are timings, and the
    /// inputs only need realistic magnitudes (no subnormals, no overflow).
    enum Seed {
        /// Every random buffer (weights, activations, factors, gradients), drawn in order.
        static let buffers: UInt64 = 7
        /// The one-language corpus the data pipeline packs.
        static let corpus: UInt64 = 3
        /// The epoch shuffle of the packed sequences.
        static let shuffle: UInt64 = 5
        /// The random token batch copied into the step buffers.
        static let batch: UInt64 = 3
    }

    /// Measures every rate for `config` trained with `mode` on `sequences` sequences per step.
    /// - Throws: `KernelError.invalidArgument` for an invalid config, LoRA settings or a mode
    ///   other than LoRA; errors of the data pipeline.
    /// - Complexity: about `repetitions` × (one step's GEMMs + elementwise passes).
    public static func measure(config: TransformerConfig, mode: TrainingMode, sequences: Int, repetitions: Int = 5) throws -> Result {
        try config.validate()
        try FineTuner.check(mode)
        guard case .lora(let rank, _, let targets) = mode else {
            throw KernelError.invalidArgument("kernel timings are taken for lora training")
        }
        guard sequences >= 1 else { throw KernelError.invalidArgument("sequences per step must be at least 1") }
        let bench = KernelTimingBench(config: config, sequences: sequences, repetitions: max(1, repetitions))
        let projections = bench.projections()
        let adapters = bench.adapters(rank: rank, targets: targets)
        let attention = bench.attention()
        let norm = bench.norm()
        let activation = bench.activation()
        let rotary = bench.rotary()
        let crossEntropy = bench.crossEntropy()
        let copy = bench.copy()
        let optimizer = bench.optimizer(parameters: LoRALayout(config, mode: mode).count)
        let batchLoad = try bench.batchLoad()
        return Result(
            matmulFlopsPerSecond: projections.perSecond, adapterFlopsPerSecond: adapters.perSecond,
            attentionFlopsPerSecond: attention.gemms.perSecond, normSecondsPerElement: norm.perUnit,
            activationSecondsPerElement: activation.perUnit, softmaxSecondsPerElement: attention.softmax.perUnit,
            rotarySecondsPerElement: rotary.perUnit, crossEntropySecondsPerElement: crossEntropy.perUnit,
            copySecondsPerElement: copy.perUnit, optimizerSecondsPerParameter: optimizer.perUnit, secondsPerStep: batchLoad)
    }

    /// One kernel family's timing: seconds for `units` units of work (FLOPs, elements, parameters).
    struct Timing {
        var seconds: Double
        var units: Double
        /// Units per second (GEMM families).
        var perSecond: Double { units / seconds }
        /// Seconds per unit (elementwise families, the optimizer).
        var perUnit: Double { seconds / max(1, units) }
    }

    /// The lower quartile of `repetitions` timings of `body` (after one untimed warm-up run):
    /// on a shared machine a burst of other work only ever slows a run down, so the fast end
    /// of the distribution is the machine's undisturbed rate; the quartile (not the minimum)
    /// keeps one lucky run from setting it.
    static func quartile(_ repetitions: Int, _ body: () throws -> Void) rethrows -> Double {
        try body()
        var times: [Double] = []
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return lowerQuartile(times)
    }

    /// The element a quarter of the way up the sorted `values` (the mean of one or two values).
    public static func lowerQuartile(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard sorted.count > 2 else { return sorted.reduce(0, +) / Double(max(1, sorted.count)) }
        return sorted[sorted.count / 4]
    }

    static func withViews<R>(
        _ a: inout [Float], _ b: inout [Float], _ c: inout [Float], _ body: (BufferScope<Float>, BufferScope<Float>, BufferScope<Float>) -> R
    ) -> R {
        BufferScope.mutating(&a) { pa in BufferScope.mutating(&b) { pb in BufferScope.mutating(&c) { pc in body(pa, pb, pc) } } }
    }
}
