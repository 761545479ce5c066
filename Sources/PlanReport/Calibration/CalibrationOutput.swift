import Foundation
import PlanCore

/// `plan calibrate` (this machine's kernels): the printed and stored document, the profile's
/// details and machine JSON, and the table. The command layer fills `Figures` in from
/// PlanValidate's `Calibration` (PlanReport does not depend on PlanValidate or PlanKernels).
public enum CalibrationOutput {
    /// What a calibration measured.
    public struct Figures: Sendable {
        /// One timed block of training steps against the fitted step curve.
        public struct StepPoint: Sendable {
            public var sequencesPerStep: Int, tokensPerStep: Int, medianSeconds: Double, predictedSeconds: Double
            public init(sequencesPerStep: Int, tokensPerStep: Int, medianSeconds: Double, predictedSeconds: Double) {
                (self.sequencesPerStep, self.tokensPerStep, self.medianSeconds, self.predictedSeconds) =
                    (sequencesPerStep, tokensPerStep, medianSeconds, predictedSeconds)
            }
        }

        public var rates: KernelRates
        public var sgemmFlopsPerSecond: Double, sgemmSize: Int
        public var fmaPeakFlopsPerSecond: Double
        /// How the FMA peak was found ("measured ..." or an estimate).
        public var fmaPeakMethod: String
        public var blasCore: String, threads: Int, blasConfig: String
        /// debug or release.
        public var buildConfiguration: String
        public var coreWarning: String?
        public var setupName: String
        /// How long the calibration took.
        public var seconds: Double
        public var stepCurve: StepCurve
        public var stepPoints: [StepPoint]

        public init(rates: KernelRates, sgemmFlopsPerSecond: Double, sgemmSize: Int, fmaPeakFlopsPerSecond: Double, fmaPeakMethod: String,
                    blasCore: String, threads: Int, blasConfig: String, buildConfiguration: String, coreWarning: String?, setupName: String,
                    seconds: Double, stepCurve: StepCurve, stepPoints: [StepPoint]) {
            (self.rates, self.sgemmFlopsPerSecond, self.sgemmSize, self.fmaPeakFlopsPerSecond) = (rates, sgemmFlopsPerSecond, sgemmSize, fmaPeakFlopsPerSecond)
            (self.fmaPeakMethod, self.blasCore, self.threads, self.blasConfig) = (fmaPeakMethod, blasCore, threads, blasConfig)
            (self.buildConfiguration, self.coreWarning, self.setupName, self.seconds) = (buildConfiguration, coreWarning, setupName, seconds)
            (self.stepCurve, self.stepPoints) = (stepCurve, stepPoints)
        }
    }

    /// A figure to 4 significant digits (`KernelRatesDocument.figure`).
    public static func figure(_ value: Double) -> JSONValue { KernelRatesDocument.figure(value) }

    /// BLAS core, threads, configuration and build, as stored with every measurement.
    public static func machine(_ c: Figures) -> JSONValue {
        .object([
            ("blas_core", .string(c.blasCore)), ("threads", .number(Double(c.threads))), ("blas_config", .string(c.blasConfig)),
            ("build", .string(c.buildConfiguration)), ("core_warning", c.coreWarning.map { .string($0) } ?? .null),
        ])
    }

    /// The profile's details: machine plus every rate.
    public static func details(_ c: Figures) -> JSONValue {
        guard case .object(var pairs) = machine(c) else { return machine(c) }
        pairs += [("setup", .string(c.setupName)), ("rates", rates(c.rates)), ("sgemm_gflops", figure(c.sgemmFlopsPerSecond / 1e9)),
                  ("fma_peak_gflops", figure(c.fmaPeakFlopsPerSecond / 1e9)), ("step_curve", stepCurve(c)), ("stack", .string("cpu"))]
        return .object(pairs)
    }

    /// The fitted step-time curve and the timed steps it came from.
    public static func stepCurve(_ c: Figures) -> JSONValue {
        .object([
            ("gemm_efficiency_max", .rounded(c.stepCurve.gemmEfficiencyMax, digits: 4)),
            ("half_efficiency_tokens", .rounded(c.stepCurve.halfEfficiencyTokens, digits: 4)),
            ("step_overhead_seconds", .rounded(c.stepCurve.stepOverheadSeconds, digits: 4)),
            ("points", .array(c.stepPoints.map { point in
                .object([
                    ("sequences_per_step", .number(Double(point.sequencesPerStep))), ("tokens_per_step", .number(Double(point.tokensPerStep))),
                    ("measured_seconds", .rounded(point.medianSeconds, digits: 4)), ("fitted_seconds", .rounded(point.predictedSeconds, digits: 4)),
                ])
            })),
        ])
    }

    /// The kernel rates (one writer: `KernelRatesDocument`, shared with `plan validate`).
    public static func rates(_ r: KernelRates) -> JSONValue { KernelRatesDocument.make(r) }

    public static func document(id: Int64, name: String, _ c: Figures) -> JSONValue {
        .object([
            ("run_id", .number(Double(id))), ("profile", .string(name)), ("setup", .string(c.setupName)),
            ("peak_flops_per_second", figure(c.fmaPeakFlopsPerSecond)),
            ("matmul_flops_per_second", figure(c.rates.matmulFlopsPerSecond)),
            ("step_curve", stepCurve(c)),
            ("memory_bytes_per_second", figure(c.rates.memoryBytesPerSecond)),
            ("sgemm_gflops", figure(c.sgemmFlopsPerSecond / 1e9)), ("sgemm_size", .number(Double(c.sgemmSize))),
            ("fma_peak_gflops", figure(c.fmaPeakFlopsPerSecond / 1e9)), ("rates", rates(c.rates)),
            ("blas_core", .string(c.blasCore)), ("threads", .number(Double(c.threads))), ("blas_config", .string(c.blasConfig)),
            ("build", .string(c.buildConfiguration)), ("seconds", figure(c.seconds)),
        ])
    }

    public static func table(id: Int64, name: String, _ c: Figures) -> String {
        let r = c.rates
        var table = TextTable(columns: [("figure", .left), ("value", .right), ("unit", .left)])
        table.add(["matmul at model shapes", String(format: "%.1f", r.matmulFlopsPerSecond / 1e9), "GFLOP/s"])
        table.add(["sgemm \(c.sgemmSize)", String(format: "%.1f", c.sgemmFlopsPerSecond / 1e9), "GFLOP/s"])
        let peakKind = c.fmaPeakMethod.hasPrefix("measured") ? "measured" : "estimate"
        table.add(["fma peak (\(peakKind))", String(format: "%.1f", c.fmaPeakFlopsPerSecond / 1e9), "GFLOP/s (profile peak)"])
        table.add(["step-time curve: eta_max / T_half / overhead", String(format: "%.3f / %.0f / %.2f", c.stepCurve.gemmEfficiencyMax,
                   c.stepCurve.halfEfficiencyTokens, c.stepCurve.stepOverheadSeconds * 1e3), "fraction / tokens / ms per step"])
        for point in c.stepPoints {
            table.add(["  step at \(point.sequencesPerStep) sequences", String(format: "%.2f vs %.2f", point.medianSeconds * 1e3, point.predictedSeconds * 1e3),
                       "ms measured vs fitted"])
        }
        table.add(["memory bandwidth", String(format: "%.2f", r.memoryBytesPerSecond / 1e9), "GB/s (stream read)"])
        table.add(["merge (\(c.setupName) adapters)", String(format: "%.2f", r.mergeBytesPerSecond / 1e9), "GB/s + \(String(format: "%.1f", r.mergeSecondsPerModule * 1e6)) µs/module"])
        table.add(["svd", String(format: "%.2f", r.svdFlopsPerSecond / 1e9), "GFLOP/s"])
        table.add(["openblas core", c.blasCore, "\(c.threads) threads, \(c.buildConfiguration) build"])
        return "profile '\(name)' (run \(id), setup \(c.setupName), \(String(format: "%.1f", c.seconds)) s)\n" + table.rendered() + "\n"
    }
}
