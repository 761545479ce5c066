import Foundation
import PlanSim

/// `plan simulate --format csv`: one row per strategy and phase.
public enum SimulationCSV {
    public static let header = "run_id,scenario,strategy,phase,jobs,trained_tokens,gpu_hours,wall_clock_hours,cost_usd,energy_kwh,co2_kg"

    public static func render(runID: Int64?, result: SimulationResult) -> String {
        var lines = [header]
        for outcome in result.strategies {
            for (phase, t) in [("initial", outcome.initial), ("maintenance", outcome.maintenance), ("total", outcome.total)] {
                let numbers = [t.trainedTokens, t.gpuHours, t.wallClockHours, t.costUSD, t.energyKWh, t.co2Kg]
                    .map { JSONValue.rounded($0).rendered() }
                lines.append(([runID.map(String.init) ?? "", field(result.scenarioName), outcome.kind.rawValue, phase, "\(t.jobs)"] + numbers)
                    .joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Quotes a CSV field when needed (RFC 4180).
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
