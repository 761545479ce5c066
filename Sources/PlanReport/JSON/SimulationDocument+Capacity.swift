import Foundation
import PlanCore
import PlanSim

/// Keys a strategy gains only when the scenario configures capacity markets (docs/goodput.md).
extension SimulationDocument {
    /// `capacity: {kind, spot_jobs, reserved_jobs, on_demand_jobs, spot_gpu_hours}` (training
    /// jobs) when any strategy runs on other than on-demand capacity; nothing otherwise.
    static func capacity(_ outcome: StrategyOutcome, scenario: Scenario) -> [(String, JSONValue)] {
        guard scenario.usesCapacityMarkets else { return [] }
        let t = outcome.total
        return [("capacity", .object([
            ("kind", .string(scenario.hardware(for: outcome.kind).capacity.rawValue)),
            ("spot_jobs", .number(Double(t.spotJobs))), ("reserved_jobs", .number(Double(t.reservedJobs))),
            ("on_demand_jobs", .number(Double(t.onDemandJobs))), ("spot_gpu_hours", .rounded(t.spotGPUHours)),
        ]))]
    }
}
