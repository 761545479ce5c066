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
        let throughput = checks.compactMap(\.throughputError).map(abs).sorted()
        let memory = checks.compactMap(\.memoryError).map(abs).sorted()
        func median(_ values: [Double]) -> String {
            values.isEmpty ? "n/a" : String(format: "%.1f%%", values[values.count / 2] * 100)
        }
        return table.rendered()
            + "\n* = anchor held to a tolerance by the tests. Peak memory excludes the 1 GiB per-GPU overhead (published figures are torch allocations).\n"
            + "median |error|: throughput \(median(throughput)) over \(throughput.count) runs, memory \(median(memory)) over \(memory.count) runs\n"
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
                return .object(pairs)
            })),
        ])
    }
}
