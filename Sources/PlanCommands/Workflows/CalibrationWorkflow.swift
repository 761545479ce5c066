import Foundation
import PlanCore
import PlanKernels
import PlanReport
import PlanStore
import PlanValidate

/// `plan calibrate`: measure, store the run and the machine profile in one transaction, print.
struct CalibrationWorkflow {
    var setup: ValidationSetup
    var name: String
    var format: OutputFormat
    var databasePath: String?

    func run() throws {
        if let warning = BLASInfo.current().coreWarning() { Console.error("plan: \(warning)") }
        let store = try Inputs.store(databasePath)
        let started = Date()
        let progress = Progress("calibrate", total: Calibration.progressSteps)
        let calibration = try Calibration.run(setup: setup) { done, _ in progress.update(done) }
        progress.finish()
        let profile = MachineProfile(
            name: name, runID: nil, createdAt: Date(), peakFlopsPerSecond: calibration.fmaPeakFlopsPerSecond,
            memoryBytesPerSecond: calibration.rates.memoryBytesPerSecond, memoryBytes: calibration.memoryBytes,
            boardWatts: calibration.boardWatts, details: Self.details(calibration).rendered(pretty: false))
        let run = NewRun(
            kind: "calibrate", startedAt: started, finishedAt: Date(), toolVersion: PlanVersion.current,
            machine: Self.machine(calibration).rendered(pretty: false),
            measurements: [MeasurementRow(
                name: "sgemm_\(calibration.sgemmSize)", predictedSeconds: nil,
                measuredSeconds: 2 * pow(Double(calibration.sgemmSize), 3) / calibration.sgemmFlopsPerSecond,
                details: Self.machine(calibration).rendered(pretty: false))])
        let id = try store.recordCalibration(run, profile: profile) { id in Self.document(id: id, name: name, calibration).rendered() }
        switch format {
        case .json: Console.out(Self.document(id: id, name: name, calibration).rendered() + "\n")
        default: Console.out(Self.table(id: id, name: name, calibration) + "\nstored: run \(id) and profile '\(name)' in \(store.path)\n")
        }
    }

    static func figure(_ value: Double) -> JSONValue { KernelRatesDocument.figure(value) }

    /// BLAS core, threads, configuration and build, as stored with every measurement.
    static func machine(_ c: Calibration) -> JSONValue {
        .object([
            ("blas_core", .string(c.blas.coreName)), ("threads", .number(Double(c.blas.threads))), ("blas_config", .string(c.blas.config)),
            ("build", .string(c.buildConfiguration)), ("core_warning", c.coreWarning.map { .string($0) } ?? .null),
        ])
    }

    /// The profile's details: machine plus every rate.
    static func details(_ c: Calibration) -> JSONValue {
        guard case .object(var pairs) = machine(c) else { return machine(c) }
        pairs += [("setup", .string(c.setupName)), ("rates", rates(c.rates)), ("sgemm_gflops", figure(c.sgemmFlopsPerSecond / 1e9)),
                  ("fma_peak_gflops", figure(c.fmaPeakFlopsPerSecond / 1e9)), ("step_curve", stepCurve(c)), ("stack", .string("cpu"))]
        return .object(pairs)
    }

    /// The fitted step-time curve and the timed steps it came from.
    static func stepCurve(_ c: Calibration) -> JSONValue {
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

    static func rates(_ r: KernelRates) -> JSONValue { KernelRatesDocument.make(r) }

    static func document(id: Int64, name: String, _ c: Calibration) -> JSONValue {
        .object([
            ("run_id", .number(Double(id))), ("profile", .string(name)), ("setup", .string(c.setupName)),
            ("peak_flops_per_second", figure(c.fmaPeakFlopsPerSecond)),
            ("matmul_flops_per_second", figure(c.rates.matmulFlopsPerSecond)),
            ("step_curve", stepCurve(c)),
            ("memory_bytes_per_second", figure(c.rates.memoryBytesPerSecond)),
            ("sgemm_gflops", figure(c.sgemmFlopsPerSecond / 1e9)), ("sgemm_size", .number(Double(c.sgemmSize))),
            ("fma_peak_gflops", figure(c.fmaPeakFlopsPerSecond / 1e9)), ("rates", rates(c.rates)),
            ("blas_core", .string(c.blas.coreName)), ("threads", .number(Double(c.blas.threads))), ("blas_config", .string(c.blas.config)),
            ("build", .string(c.buildConfiguration)), ("seconds", figure(c.seconds)),
        ])
    }

    static func table(id: Int64, name: String, _ c: Calibration) -> String {
        let r = c.rates
        var table = TextTable(columns: [("figure", .left), ("value", .right), ("unit", .left)])
        table.add(["matmul at model shapes", String(format: "%.1f", r.matmulFlopsPerSecond / 1e9), "GFLOP/s"])
        table.add(["lora factor gemms", String(format: "%.1f", r.adapterFlopsPerSecond / 1e9), "GFLOP/s"])
        table.add(["attention gemms", String(format: "%.1f", r.attentionFlopsPerSecond / 1e9), "GFLOP/s"])
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
        table.add(["elementwise: norm / swiglu / softmax", String(format: "%.2f / %.2f / %.2f", r.normSecondsPerElement * 1e9,
                   r.activationSecondsPerElement * 1e9, r.softmaxSecondsPerElement * 1e9), "ns per element"])
        table.add(["adamw", String(format: "%.2f", r.optimizerSecondsPerParameter * 1e9), "ns per parameter"])
        table.add(["openblas core", c.blas.coreName, "\(c.blas.threads) threads, \(c.buildConfiguration) build"])
        return "profile '\(name)' (run \(id), setup \(c.setupName), \(String(format: "%.1f", c.seconds)) s)\n" + table.rendered() + "\n"
    }
}
