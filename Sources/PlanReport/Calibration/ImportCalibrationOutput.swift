import Foundation
import PlanCore

/// `plan calibrate --import`: the fitted step curve against each measured run, as the printed
/// and stored document, each run's measurement details, and the table.
public enum ImportCalibrationOutput {
    public static let flopsNote =
        "FLOPs are recomputed from the architecture (LoRA 4N + 2A, full 6N + 3A per token); a log's total_flos "
        + "(6 x non-embedding parameters x tokens, about 1.5x too high for LoRA) is not used."

    public static func number(_ value: Double?, digits: Int = 4) -> JSONValue { value.map { .rounded($0, digits: digits) } ?? .null }

    public static func runJSON(_ row: StepCurveFit.RunFit) -> JSONValue {
        let spec = row.run.spec
        var pairs: [(String, JSONValue)] = [
            ("source", .string(row.run.source)), ("format", .string(row.run.format.rawValue)),
            ("model", .string(row.job.model.name)), ("method", .string(spec.method.rawValue)), ("rank", .number(Double(spec.rank))),
            ("targets", .array(spec.targets.map { .string($0) })), ("gpus", .number(Double(spec.gpus))),
            ("micro_batch", .number(Double(spec.microBatch))), ("gradient_accumulation", .number(Double(spec.gradientAccumulation))),
            ("sequence_length", .number(Double(spec.sequenceLength))), ("gradient_checkpointing", .bool(row.job.gradientCheckpointing)),
            ("measured_tokens_per_second_per_gpu", number(row.measuredTokensPerSecondPerGPU, digits: 6)),
            ("fitted_tokens_per_second_per_gpu", number(row.fittedTokensPerSecondPerGPU, digits: 6)),
            ("relative_error", number(row.relativeError)),
            ("stack_tokens_per_second_per_gpu", number(row.stackTokensPerSecondPerGPU, digits: 6)),
            ("stack_relative_error", number(row.stackRelativeError)),
            ("measured_mfu", number(row.measuredMFU)), ("model_flops_per_token", number(row.modelFlopsPerToken, digits: 6)),
            ("logged_flops_ratio", number(row.loggedFlopsRatio)),
            ("measured_peak_memory_gib", number(row.run.peakMemoryGiB)), ("modelled_peak_memory_gib", number(row.modelledPeakMemoryGiB)),
            ("memory_relative_error", number(row.memoryRelativeError)),
        ]
        if let log = row.run.mlperf { pairs.append(("mlperf", mlperfJSON(log, row))) }
        return .object(pairs)
    }

    /// An MLPerf run: the log's whole run against the fitted profile's reproduction of it.
    static func mlperfJSON(_ log: MLPerfLog, _ row: StepCurveFit.RunFit) -> JSONValue {
        let modelled = row.modelledEvaluation
        return .object([
            ("benchmark", log.benchmark.map { .string($0) } ?? .null), ("platform", log.platform.map { .string($0) } ?? .null),
            ("status", log.status.map { .string($0) } ?? .null),
            ("samples", number(log.samples, digits: 6)), ("global_batch_size", log.globalBatchSize.map { .number(Double($0)) } ?? .null),
            ("train_samples", number(log.trainingSetSamples, digits: 6)), ("eval_samples", number(log.evaluationSetSamples, digits: 6)),
            ("eval_every_samples", number(log.evaluationEverySamples, digits: 6)),
            ("run_seconds", number(log.runSeconds, digits: 6)), ("training_seconds", number(log.trainingSeconds, digits: 6)),
            ("evaluation_seconds", number(log.evaluationSeconds, digits: 6)), ("evaluations", .number(Double(log.timedEvaluations))),
            ("modelled_evaluations", number(modelled?.evaluations)), ("modelled_evaluation_seconds", number(modelled?.seconds, digits: 6)),
            ("reproduced_run_seconds", number(row.reproducedRunSeconds, digits: 6)), ("run_relative_error", number(row.runRelativeError)),
        ])
    }

    public static func document(id: Int64, name: String, _ fit: StepCurveFit) -> JSONValue {
        let curve = fit.curve
        return .object([
            ("run_id", .number(Double(id))), ("profile", .string(name)), ("gpu", .string(fit.baseGPU.name)), ("stack", .string(fit.stack.name)),
            ("flops", .string(flopsNote)),
            ("runs", .array(fit.runs.map(runJSON))),
            ("median_abs_error", number(fit.medianAbsError)), ("max_abs_error", number(fit.maxAbsError)),
            ("stack_median_abs_error", number(fit.stackMedianAbsError)),
            ("parameters", .object([
                ("gemm_efficiency_max", number(curve.gemmEfficiencyMax, digits: 6)),
                ("half_efficiency_tokens", number(curve.halfEfficiencyTokens, digits: 6)),
                ("step_overhead_seconds", number(curve.stepOverheadSeconds, digits: 6)),
                ("communication_overlap", number(curve.communicationOverlap ?? fit.stack.communicationOverlap, digits: 6)),
            ])),
            ("fitted", .array(fit.fitted.map { .string($0.rawValue) })), ("fixed", .array(fit.fixed.map { .string($0.rawValue) })),
        ])
    }

    public static func table(id: Int64, name: String, _ fit: StepCurveFit) -> String {
        func percent(_ value: Double?) -> String { value.map { String(format: "%+.1f%%", $0 * 100) } ?? "-" }
        func gib(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "-" }
        var runs = TextTable(columns: [
            ("run", .left), ("job", .left), ("measured tok/s/GPU", .right), ("fitted", .right), ("error", .right),
            ("stack \(fit.stack.name)", .right), ("MFU", .right), ("peak GiB measured", .right), ("modelled", .right), ("error", .right),
        ])
        for row in fit.runs {
            let spec = row.run.spec
            let job = "\(row.job.model.name) \(spec.method.rawValue) \(spec.gpus)x mb\(spec.microBatch) ga\(spec.gradientAccumulation) "
                + "seq\(spec.sequenceLength)\(row.job.gradientCheckpointing ? " ckpt" : "")"
            runs.add([
                row.run.source, job, String(format: "%.1f", row.measuredTokensPerSecondPerGPU),
                String(format: "%.1f", row.fittedTokensPerSecondPerGPU), percent(row.relativeError),
                String(format: "%.1f", row.stackTokensPerSecondPerGPU), String(format: "%.3f", row.measuredMFU),
                gib(row.run.peakMemoryGiB), gib(row.modelledPeakMemoryGiB), percent(row.memoryRelativeError),
            ])
        }
        let curve = fit.curve
        var parameters = TextTable(columns: [("parameter", .left), ("value", .right), ("stack \(fit.stack.name) on \(fit.baseGPU.name)", .right), ("", .left)])
        func row(_ parameter: StepCurveFit.Parameter, _ value: Double, _ stack: Double, _ format: String) {
            parameters.add([parameter.rawValue, String(format: format, value), String(format: format, stack),
                            fit.fitted.contains(parameter) ? "fitted" : "fixed"])
        }
        row(.gemmEfficiencyMax, curve.gemmEfficiencyMax, fit.stackCurve.gemmEfficiencyMax, "%.4g")
        row(.halfEfficiencyTokens, curve.halfEfficiencyTokens, fit.stackCurve.halfEfficiencyTokens, "%.5g")
        row(.stepOverheadSeconds, curve.stepOverheadSeconds, fit.stackCurve.stepOverheadSeconds, "%.4g")
        row(.communicationOverlap, curve.communicationOverlap ?? fit.stack.communicationOverlap,
            fit.stackCurve.communicationOverlap ?? fit.stack.communicationOverlap, "%.3g")
        var text = "profile '\(name)' (run \(id)): \(fit.baseGPU.name), stack \(fit.stack.name), \(fit.runs.count) measured run\(fit.runs.count == 1 ? "" : "s")\n"
        text += runs.rendered() + "\n"
        text += String(format: "fit: median |error| %.2f%%, max |error| %.2f%% (stack %@ before the fit: median %.1f%%)\n",
                       fit.medianAbsError * 100, fit.maxAbsError * 100, fit.stack.name, fit.stackMedianAbsError * 100)
        text += parameters.rendered() + "\n"
        for row in fit.runs {
            guard let log = row.run.mlperf, let reproduced = row.reproducedRunSeconds else { continue }
            text += String(format: "MLPerf run %@: %.0f samples in %.1f s from run_start to run_stop (%.1f s in %d evaluations); "
                           + "the profile reproduces %.1f s (%+.1f%%) with %.0f evaluations of %.0f samples every %.0f\n",
                           row.run.source, log.samples, log.runSeconds, log.evaluationSeconds, log.timedEvaluations, reproduced,
                           (row.runRelativeError ?? 0) * 100, row.modelledEvaluation?.evaluations ?? 0, log.evaluationSetSamples ?? 0,
                           log.evaluationEverySamples ?? 0)
        }
        text += "note: " + flopsNote + "\n"
        let ratios = fit.runs.compactMap(\.loggedFlopsRatio)
        if !ratios.isEmpty {
            text += "      the logs' total_flos / recomputed FLOPs: " + ratios.map { String(format: "%.2f", $0) }.joined(separator: ", ") + "\n"
        }
        return text
    }
}
