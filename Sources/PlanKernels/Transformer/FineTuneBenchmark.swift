import Dispatch
import Foundation
import PlanRandom

/// Times LoRA training steps of the transformer and compares their model FLOP/s with `sgemm`
/// measured in the same run (`peakFraction` = step FLOP/s / sgemm FLOP/s).
public enum FineTuneBenchmark {
    /// The model and step size to time.
    public struct Options: Sendable, Equatable {
        public var dModel = 1024
        public var layers = 4
        public var sequenceLength = 256
        public var rank = 16
        /// Sequences per step.
        public var sequences = 4
        public var vocab = 512
        /// Timed steps (after one warm-up step); the best is reported.
        public var steps = 3
        /// Size n of the n × n × n sgemm reference.
        public var sgemmSize = 2048
        public var seed: UInt64 = 1

        public init() {}

        /// The benchmark model: 64-wide heads, kv heads = heads / 4 (at least 1), MLP ≈ 2.75 d
        /// rounded to 64, LoRA (alpha = 2r) on all seven projections.
        public var config: TransformerConfig {
            let heads = max(1, dModel / 64)
            let kvHeads = heads % 4 == 0 ? heads / 4 : 1
            let mlp = max(64, (dModel * 11 / 4 + 32) / 64 * 64)
            return TransformerConfig(
                vocab: vocab, dModel: dModel, layers: layers, heads: heads, kvHeads: kvHeads, headDim: dModel >= 64 ? 64 : dModel,
                mlp: mlp, sequenceLength: sequenceLength)
        }

        public var mode: TrainingMode { .lora(rank: rank, alpha: Double(2 * rank), targets: Projection.allCases) }

        /// Bytes the run allocates (4-byte floats and tokens), in Double so that no product of
        /// the options can overflow: the model's base weights, LoRA factors with their gradients
        /// and two AdamW moments, the step's activations (`ActivationLayout`), the token buffers
        /// of the model and the batch, and the sgemm reference (two inputs, their matrices, the product).
        public var estimatedBytes: Double {
            let c = config
            let d = Double(c.dModel), v = Double(c.vocab), layers = Double(c.layers), r = Double(rank)
            let mlp = Double(c.mlp), qkv = Double(c.qkvRows), width = Double(c.attentionWidth), s = Double(c.sequenceLength)
            let t = Double(sequences) * s
            let base = 2 * d * v + d + layers * (2 * d + qkv * d + d * width + 3 * mlp * d)
            let lora = layers * Projection.allCases.reduce(0.0) { sum, p in
                let shape = c.shape(of: p)
                return sum + r * Double(shape.input + shape.output)
            }
            let targets = Double(Projection.allCases.count)
            let perLayer = 4 * d * t + 2 * t + qkv * t + Double(sequences) * Double(c.heads) * s * s + width * t + 3 * mlp * t + targets * r * t
            let activations = layers * perLayer + 3 * d * t + t + v * t + max(d, width) * t + 3 * mlp * t + width * t + qkv * t + s * s + r * t
            let tokens = 6 * t
            let sgemm = 5 * Double(sgemmSize) * Double(sgemmSize)
            return 4 * (base + 4 * lora + activations + tokens + sgemm)
        }

        /// Throws `KernelError.invalidArgument` (exit 64) when the run would allocate more than
        /// `BenchLimits.allowedBytes` or compute more than `BenchLimits.maximumFlops`.
        public func checkLimits() throws {
            try BenchLimits.checkBytes(estimatedBytes, what: "bench finetune")
            guard estimatedFlops <= BenchLimits.maximumFlops else {
                throw KernelError.invalidArgument(
                    "bench finetune would compute about \(String(format: "%.3g", estimatedFlops)) FLOPs, more than the limit of "
                        + "\(String(format: "%.0e", BenchLimits.maximumFlops)); use fewer --steps or smaller sizes")
            }
        }

        /// FLOPs of the run: `steps` + 1 training steps and four n³ sgemm products (2n³ each).
        public var estimatedFlops: Double {
            let step = StepFlops(config: config, mode: mode, tokens: sequences * config.sequenceLength).total
            return Double(steps + 1) * step + 8 * pow(Double(sgemmSize), 3)
        }
    }

    /// The outcome of one run.
    public struct Result: Sendable, Equatable {
        public let config: TransformerConfig
        public let rank: Int
        public let tokensPerStep: Int
        /// Best step time, seconds.
        public let seconds: Double
        /// Model FLOPs of one step (`StepFlops`).
        public let flops: StepFlops
        /// flops.total / seconds, GFLOP/s.
        public let gflops: Double
        /// sgemm n × n × n in the same run, GFLOP/s.
        public let sgemmGFLOPS: Double
        public let sgemmSize: Int
        /// gflops / sgemmGFLOPS.
        public let peakFraction: Double
        /// Mean loss of the last step (a sanity figure: finite).
        public let loss: Double
        public let blasCore: String
        public let threads: Int
    }

    /// Builds the model, runs a warm-up step and `steps` timed steps, then times sgemm.
    /// - Throws: `KernelError.invalidArgument` for non-positive sizes.
    /// - Complexity: `steps + 1` training steps and four n³ GEMMs.
    public static func run(_ options: Options) throws -> Result {
        guard options.steps >= 1, options.sequences >= 1, options.sgemmSize >= 1 else {
            throw KernelError.invalidArgument("steps, sequences and the sgemm size must be at least 1")
        }
        try options.checkLimits()
        let config = options.config
        let tuner = try FineTuner(
            config: config, mode: options.mode, sequencesPerStep: options.sequences, baseSeed: options.seed, adapterSeed: options.seed + 1)
        let batch = try randomBatch(config, sequences: options.sequences, seed: options.seed)
        var loss = try tuner.train(batch)
        var best = Double.infinity
        for _ in 0..<options.steps {
            let start = DispatchTime.now().uptimeNanoseconds
            loss = try tuner.train(batch)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let flops = tuner.stepFlops
        let gemm = try sgemmRate(size: options.sgemmSize, seed: options.seed)
        let info = BLASInfo.current()
        let gflops = flops.total / best / 1e9
        return Result(
            config: config, rank: options.rank, tokensPerStep: options.sequences * config.sequenceLength, seconds: best, flops: flops,
            gflops: gflops, sgemmGFLOPS: gemm, sgemmSize: options.sgemmSize, peakFraction: gflops / gemm, loss: loss,
            blasCore: info.coreName, threads: info.threads)
    }

    /// Uniform random tokens, every position scored.
    static func randomBatch(_ config: TransformerConfig, sequences: Int, seed: UInt64) throws -> TokenBatch {
        var generator = Xoshiro256StarStar(seed: seed)
        let count = sequences * config.sequenceLength
        let inputs = (0..<count).map { _ in Int32(generator.next() % UInt64(config.vocab)) }
        let targets = (0..<count).map { _ in Int32(generator.next() % UInt64(config.vocab)) }
        return try TokenBatch(
            sequences: sequences, sequenceLength: config.sequenceLength, inputs: inputs, targets: targets,
            weights: [Float](repeating: 1, count: count))
    }

    /// Best-of-3 sgemm rate (after a warm-up) for n × n × n, GFLOP/s.
    static func sgemmRate(size n: Int, seed: UInt64) throws -> Double {
        let values = SyntheticTasks.make(tasks: 2, elements: n * n, seed: seed)
        let a = try Matrix(rows: n, columns: n, columnMajor: values[0])
        let b = try Matrix(rows: n, columns: n, columnMajor: values[1])
        var c = try Matrix.product(a, b)
        let seconds = try Stopwatch.best(of: 3) { c = try Matrix.product(a, b) }
        withExtendedLifetime(c) {}
        return 2 * Double(n) * Double(n) * Double(n) / seconds / 1e9
    }
}
