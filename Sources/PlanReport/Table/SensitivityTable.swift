import Foundation
import PlanCore
import PlanSim

/// The `plan sensitivity` table and CSV: first-order and total-effect Sobol indices per output.
public enum SensitivityTable {
    /// Rows per output (inputs by decreasing total effect), and a line naming the most
    /// influential inputs of each cost gap.
    public static func render(runID: Int64?, scenario: Scenario, result: Sensitivity.Result) -> String {
        var out = "Sobol sensitivity of \(scenario.name) (run \(runID.map(String.init) ?? "-")): \(result.baseSamples) base samples × "
            + "(\(result.inputs.count) inputs + 2) = \(result.evaluations) simulations; 95% bootstrap intervals.\n"
        out += "S1: share of the output's variance due to the input alone; ST: including its interactions.\n"
        for output in result.outputs {
            out += "\n" + title(output, baseline: result.baseline) + " (mean \(NumberFormat.dollars(output.mean)), sd \(NumberFormat.dollars(output.standardDeviation)))\n"
            var table = TextTable(columns: [("input", .left), ("S1", .right), ("S1 95% CI", .right), ("ST", .right), ("ST 95% CI", .right)])
            for (input, index) in result.ranked(output) {
                table.add([input, fixed(index.first), interval(index.firstLow, index.firstHigh), fixed(index.total),
                           interval(index.totalLow, index.totalHigh)])
            }
            out += table.rendered() + (table.rendered().hasSuffix("\n") ? "" : "\n")
        }
        let lines = summaries(result)
        if !lines.isEmpty { out += "\n" + lines.joined(separator: "\n") + "\n" }
        return out
    }

    /// "most influential on the merge − full-retrain cost gap: A (ST 0.62), B (ST 0.21)": the
    /// inputs with a total effect of at least 0.05, at most three, per gap (per cost when
    /// there is no gap).
    public static func summaries(_ result: Sensitivity.Result) -> [String] {
        let gaps = result.outputs.filter { $0.figure == "cost_gap_usd" }
        return (gaps.isEmpty ? result.outputs : gaps).map { output in
            let top = result.ranked(output).prefix(3).filter { $0.index.total >= 0.05 }
            let names = top.isEmpty ? "none (every total index below 0.05)"
                : top.map { "\($0.input) (ST \(fixed($0.index.total)))" }.joined(separator: ", ")
            return "most influential on \(title(output, baseline: result.baseline)): \(names)"
        }
    }

    /// "merge − full-retrain cost gap" or "merge total cost".
    public static func title(_ output: Sensitivity.Output, baseline: StrategyKind) -> String {
        SensitivityRecord.title(figure: output.figure, strategy: output.strategy.rawValue, baseline: baseline.rawValue)
    }

    static func fixed(_ value: Double) -> String { NumberFormat.fixed(value, decimals: 3) }
    static func interval(_ low: Double, _ high: Double) -> String { "[\(fixed(low)), \(fixed(high))]" }
}
