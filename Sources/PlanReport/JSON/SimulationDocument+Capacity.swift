import Foundation
import PlanCore
import PlanSim

/// Keys a strategy gains only when the scenario configures capacity markets (docs/goodput.md).
extension SimulationDocument {
    /// `capacity: {kind, spot_jobs, reserved_jobs, on_demand_jobs, spot_gpu_hours}` (training
    /// jobs) when any strategy runs on other than on-demand capacity; nothing otherwise.
    static func capacity(_ s: SimulationRecord.Strategy, scenario: Scenario) -> [(String, JSONValue)] {
        guard scenario.usesCapacityMarkets, let kind = StrategyKind(rawValue: s.name) else { return [] }
        let t = s.total
        return [("capacity", .object([
            ("kind", .string(scenario.hardware(for: kind).capacity.rawValue)),
            ("spot_jobs", .number(Double(t.spotJobs))), ("reserved_jobs", .number(Double(t.reservedJobs))),
            ("on_demand_jobs", .number(Double(t.onDemandJobs))), ("spot_gpu_hours", .rounded(t.spotGPUHours)),
        ]))]
    }

    /// `regions: {placement, co2_saved_kg, cost_saved_usd, extra_latency_hours, single_region_co2_kg,
    /// single_region_cost_usd}` under `regions:`; nothing otherwise.
    static func regions(_ s: SimulationRecord.Strategy) -> [(String, JSONValue)] {
        guard let r = s.regions else { return [] }
        return [("regions", .object([
            ("placement", .string(r.placement)), ("co2_saved_kg", .rounded(r.co2SavedKg)), ("cost_saved_usd", .rounded(r.costSavedUSD)),
            ("extra_latency_hours", .rounded(r.extraLatencyHours)), ("single_region_co2_kg", .rounded(r.singleRegionCO2Kg)),
            ("single_region_cost_usd", .rounded(r.singleRegionCostUSD)),
        ]))]
    }
}
