import Foundation
import PlanCore

/// Rendering of `plan bench anchors`: predicted vs published for every published run.
public enum AnchorTable {
    static func signed(_ error: Double?) -> String {
        guard let error else { return "" }
        return String(format: "%+.1f%%", error * 100)
    }

    public static func table(_ checks: [PublishedRun.Check]) -> String {
        var table = TextTable(columns: [
            ("run", .left), ("tok/s/GPU", .right), ("published", .right), ("err", .right), ("MFU", .right),
            ("scaling", .right), ("peak GiB", .right), ("published", .right), ("err", .right),
        ])
        for check in checks {
            table.add([
                check.run.name + (check.run.anchor ? " *" : ""),
                NumberFormat.grouped(check.predictedTokensPerSecondPerGPU, decimals: 0),
                check.run.tokensPerSecondPerGPU.map { NumberFormat.grouped($0, decimals: 0) } ?? "",
                signed(check.throughputError),
                String(format: "%.3f", check.mfu), String(format: "%.2f", check.scalingEfficiency),
                String(format: "%.1f", check.predictedPeakMemoryGiB),
                check.run.peakMemoryGiB.map { String(format: "%.1f", $0) } ?? "",
                signed(check.memoryError),
            ])
        }
        // Runs published as time to train include evaluation in their implied throughput: they are
        // compared on time below, not in the throughput median.
        let throughput = checks.filter { $0.timeError == nil }.compactMap(\.throughputError).map(abs).sorted()
        let memory = checks.compactMap(\.memoryError).map(abs).sorted()
        func median(_ values: [Double]) -> String {
            values.isEmpty ? "n/a" : String(format: "%.1f%%", values[values.count / 2] * 100)
        }
        return table.rendered()
            + "\n* = anchor held to a tolerance by the tests. Peak memory excludes the 1 GiB per-GPU overhead (published figures are torch allocations).\n"
            + "median |error|: throughput \(median(throughput)) over \(throughput.count) runs, memory \(median(memory)) over \(memory.count) runs\n"
            + timeToTrain(checks)
    }

    /// Runs published as time to train (MLPerf): predicted minutes (training plus the evaluations
    /// the log shows) against the published ones.
    static func timeToTrain(_ checks: [PublishedRun.Check]) -> String {
        let timed = checks.filter { $0.timeError != nil }
        guard !timed.isEmpty else { return "" }
        var table = TextTable(columns: [("run", .left), ("samples", .right), ("predicted min", .right), ("of which eval", .right),
                                        ("published min", .right), ("err", .right), ("note", .left)])
        for check in timed {
            table.add([
                check.run.name + (check.run.anchor ? " *" : ""), NumberFormat.grouped(check.run.samples ?? 0, decimals: 0),
                String(format: "%.1f", check.predictedMinutes ?? 0), check.predictedEvaluationMinutes.map { String(format: "%.1f", $0) } ?? "-",
                String(format: "%.1f", check.run.publishedMinutes ?? 0),
                signed(check.timeError), check.run.note,
            ])
        }
        let errors = timed.compactMap(\.timeError).map(abs).sorted()
        return "\nTime to train (predicted: training plus the evaluations the log shows, as forward passes)\n\n" + table.rendered()
            + String(format: "\nmedian |error|: time %.1f%% over %d runs\n", errors[errors.count / 2] * 100, errors.count)
    }

    public static func json(_ checks: [PublishedRun.Check]) -> JSONValue {
        .object([
            ("runs", .array(checks.map { check in
                var pairs: [(String, JSONValue)] = [("name", .string(check.run.name)), ("source", .string(check.run.source)),
                                                    ("anchor", .bool(check.run.anchor))]
                pairs.append(("predicted_tokens_per_second_per_gpu", .rounded(check.predictedTokensPerSecondPerGPU)))
                pairs.append(("published_tokens_per_second_per_gpu", check.run.tokensPerSecondPerGPU.map { .number($0) } ?? .null))
                pairs.append(("throughput_error", check.throughputError.map { .rounded($0) } ?? .null))
                pairs.append(("predicted_step_seconds", .rounded(check.predictedStepSeconds)))
                pairs.append(("published_step_seconds", check.run.stepSeconds.map { .number($0) } ?? .null))
                pairs.append(("mfu", .rounded(check.mfu)))
                pairs.append(("scaling_efficiency", .rounded(check.scalingEfficiency)))
                pairs.append(("predicted_peak_memory_gib", .rounded(check.predictedPeakMemoryGiB)))
                pairs.append(("published_peak_memory_gib", check.run.peakMemoryGiB.map { .number($0) } ?? .null))
                pairs.append(("memory_error", check.memoryError.map { .rounded($0) } ?? .null))
                if check.run.samples != nil {
                    pairs.append(("samples", check.run.samples.map { .number($0) } ?? .null))
                    pairs.append(("predicted_minutes", check.predictedMinutes.map { .rounded($0) } ?? .null))
                    pairs.append(("predicted_evaluation_minutes", check.predictedEvaluationMinutes.map { .rounded($0) } ?? .null))
                    pairs.append(("evaluations", check.run.evaluations.map { .number(Double($0)) } ?? .null))
                    pairs.append(("published_minutes", check.run.publishedMinutes.map { .number($0) } ?? .null))
                    pairs.append(("time_error", check.timeError.map { .rounded($0) } ?? .null))
                    pairs.append(("note", .string(check.run.note)))
                }
                return .object(pairs)
            })),
        ])
    }
}
