import Foundation

/// `plan bench merge | gemm | finetune` as JSON and as a table. The command layer fills the
/// figures in from PlanKernels' benchmark results (PlanReport does not depend on PlanKernels).
public enum BenchOutput {
    /// `plan bench merge`: a merge on synthetic task vectors against streaming its inputs once.
    public struct Merge: Sendable {
        public var method: String, tasks: Int, elements: Int, density: Double?
        /// Best merge time, seconds; throughput in GB/s.
        public var seconds: Double, gbPerS: Double
        /// Time and bandwidth of reading the inputs once (the memory-bound floor).
        public var streamSeconds: Double, streamGBPerS: Double
        public var peakFraction: Double
        public var kernels: String
        /// The portable kernels' time, when they ran as a peer.
        public var portableSeconds: Double?
        public var blasCore: String, threads: Int

        public init(method: String, tasks: Int, elements: Int, density: Double?, seconds: Double, gbPerS: Double, streamSeconds: Double,
                    streamGBPerS: Double, peakFraction: Double, kernels: String, portableSeconds: Double?, blasCore: String, threads: Int) {
            (self.method, self.tasks, self.elements, self.density, self.seconds, self.gbPerS) = (method, tasks, elements, density, seconds, gbPerS)
            (self.streamSeconds, self.streamGBPerS, self.peakFraction, self.kernels) = (streamSeconds, streamGBPerS, peakFraction, kernels)
            (self.portableSeconds, self.blasCore, self.threads) = (portableSeconds, blasCore, threads)
        }
    }

    /// `plan bench gemm`: sgemm against the FMA peak measured in the same run.
    public struct GEMM: Sendable {
        public var size: Int, seconds: Double, gflops: Double, peakGFLOPS: Double, peakFraction: Double
        /// How the peak was found (measured, or estimated from the clock).
        public var peakMethod: String
        public var blasCore: String, threads: Int

        public init(size: Int, seconds: Double, gflops: Double, peakGFLOPS: Double, peakFraction: Double, peakMethod: String,
                    blasCore: String, threads: Int) {
            (self.size, self.seconds, self.gflops, self.peakGFLOPS, self.peakFraction) = (size, seconds, gflops, peakGFLOPS, peakFraction)
            (self.peakMethod, self.blasCore, self.threads) = (peakMethod, blasCore, threads)
        }
    }

    /// `plan bench finetune`: LoRA training steps of the small transformer against sgemm.
    public struct Finetune: Sendable {
        public var dModel: Int, layers: Int, heads: Int, kvHeads: Int, mlp: Int, vocab: Int, sequenceLength: Int, rank: Int
        public var tokensPerStep: Int, seconds: Double, modelFlops: Double, gflops: Double
        public var sgemmSize: Int, sgemmGFLOPS: Double, peakFraction: Double, loss: Double
        public var blasCore: String, threads: Int

        public init(dModel: Int, layers: Int, heads: Int, kvHeads: Int, mlp: Int, vocab: Int, sequenceLength: Int, rank: Int,
                    tokensPerStep: Int, seconds: Double, modelFlops: Double, gflops: Double, sgemmSize: Int, sgemmGFLOPS: Double,
                    peakFraction: Double, loss: Double, blasCore: String, threads: Int) {
            (self.dModel, self.layers, self.heads, self.kvHeads, self.mlp, self.vocab) = (dModel, layers, heads, kvHeads, mlp, vocab)
            (self.sequenceLength, self.rank, self.tokensPerStep, self.seconds) = (sequenceLength, rank, tokensPerStep, seconds)
            (self.modelFlops, self.gflops, self.sgemmSize, self.sgemmGFLOPS) = (modelFlops, gflops, sgemmSize, sgemmGFLOPS)
            (self.peakFraction, self.loss, self.blasCore, self.threads) = (peakFraction, loss, blasCore, threads)
        }
    }

    // MARK: json

    public static func json(_ r: Merge) -> JSONValue {
        .object([
            ("benchmark", .string("merge")), ("method", .string(r.method)), ("tasks", .number(Double(r.tasks))),
            ("elements", .number(Double(r.elements))), ("density", r.density.map { .number($0) } ?? .null),
            ("seconds", .rounded(r.seconds)), ("gb_per_s", .rounded(r.gbPerS, digits: 3)),
            ("stream_seconds", .rounded(r.streamSeconds)), ("stream_gb_per_s", .rounded(r.streamGBPerS, digits: 3)),
            ("peak_fraction", .rounded(r.peakFraction, digits: 3)),
            ("stream_multiple", .rounded(r.seconds / r.streamSeconds, digits: 3)), ("kernels", .string(r.kernels)),
            ("portable_seconds", r.portableSeconds.map { .rounded($0) } ?? .null),
            ("speedup_vs_portable", r.portableSeconds.map { .rounded($0 / r.seconds, digits: 3) } ?? .null),
            ("blas_core", .string(r.blasCore)), ("threads", .number(Double(r.threads))),
        ])
    }

    public static func json(_ r: GEMM) -> JSONValue {
        .object([
            ("benchmark", .string("gemm")), ("size", .number(Double(r.size))), ("seconds", .rounded(r.seconds)),
            ("gflops", .rounded(r.gflops, digits: 3)), ("peak_gflops", .rounded(r.peakGFLOPS, digits: 3)),
            ("peak_fraction", .rounded(r.peakFraction, digits: 3)), ("peak_method", .string(r.peakMethod)),
            ("blas_core", .string(r.blasCore)), ("threads", .number(Double(r.threads))),
        ])
    }

    public static func json(_ r: Finetune) -> JSONValue {
        .object([
            ("benchmark", .string("finetune")), ("d_model", .number(Double(r.dModel))), ("layers", .number(Double(r.layers))),
            ("heads", .number(Double(r.heads))), ("kv_heads", .number(Double(r.kvHeads))), ("mlp", .number(Double(r.mlp))),
            ("vocab", .number(Double(r.vocab))), ("seq", .number(Double(r.sequenceLength))), ("rank", .number(Double(r.rank))),
            ("tokens_per_step", .number(Double(r.tokensPerStep))), ("seconds", .rounded(r.seconds)),
            ("model_flops", .number(r.modelFlops)), ("gflops", .rounded(r.gflops, digits: 3)),
            ("sgemm_size", .number(Double(r.sgemmSize))), ("sgemm_gflops", .rounded(r.sgemmGFLOPS, digits: 3)),
            ("peak_fraction", .rounded(r.peakFraction, digits: 3)), ("loss", .rounded(r.loss, digits: 4)),
            ("blas_core", .string(r.blasCore)), ("threads", .number(Double(r.threads))),
        ])
    }

    // MARK: table

    public static func table(_ r: Merge) -> String {
        var table = TextTable(columns: [("figure", .left), ("value", .right), ("unit", .left)])
        table.add(["merge \(r.method)", String(format: "%.4f", r.seconds), "s (\(r.tasks) tasks × \(r.elements) elements)"])
        table.add(["merge throughput", String(format: "%.2f", r.gbPerS), "GB/s"])
        table.add(["stream inputs once", String(format: "%.4f", r.streamSeconds), "s"])
        table.add(["stream bandwidth", String(format: "%.2f", r.streamGBPerS), "GB/s"])
        table.add(["peak fraction", String(format: "%.3f", r.peakFraction), "stream time / merge time"])
        table.add(["stream multiple", String(format: "%.2f", r.seconds / r.streamSeconds), "× the time to stream the inputs once"])
        table.add(["merge kernels", r.kernels, "\(r.threads) threads"])
        if let portable = r.portableSeconds {
            table.add(["portable kernels", String(format: "%.4f", portable), String(format: "s (%.1f× slower)", portable / r.seconds)])
        }
        table.add(["openblas core", r.blasCore, "\(r.threads) threads"])
        return table.rendered() + "\n"
    }

    public static func table(_ r: GEMM) -> String {
        var table = TextTable(columns: [("figure", .left), ("value", .right), ("unit", .left)])
        table.add(["sgemm \(r.size)", String(format: "%.4f", r.seconds), "s"])
        table.add(["throughput", String(format: "%.1f", r.gflops), "GFLOP/s"])
        table.add(["fma peak", String(format: "%.1f", r.peakGFLOPS), "GFLOP/s"])
        table.add(["peak fraction", String(format: "%.3f", r.peakFraction), ""])
        table.add(["openblas core", r.blasCore, "\(r.threads) threads"])
        return table.rendered() + "\n" + r.peakMethod + "\n"
    }

    public static func table(_ r: Finetune) -> String {
        var table = TextTable(columns: [("figure", .left), ("value", .right), ("unit", .left)])
        table.add(["model", "d \(r.dModel), \(r.layers) layers, \(r.heads)/\(r.kvHeads) heads, mlp \(r.mlp)", "r = \(r.rank), seq \(r.sequenceLength)"])
        table.add(["lora step", String(format: "%.4f", r.seconds), "s (\(r.tokensPerStep) tokens)"])
        table.add(["model throughput", String(format: "%.1f", r.gflops), "GFLOP/s"])
        table.add(["sgemm \(r.sgemmSize)", String(format: "%.1f", r.sgemmGFLOPS), "GFLOP/s (same run)"])
        table.add(["peak fraction", String(format: "%.3f", r.peakFraction), "step / sgemm"])
        table.add(["openblas core", r.blasCore, "\(r.threads) threads"])
        return table.rendered() + "\n"
    }
}
