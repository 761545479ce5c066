import Foundation
import PlanCore

// How the simulation's own value types read back from a stored `plan simulate --format json`
// document (DESIGN §8). `SimulationRecord` is built from these types, so a stored run and a live
// result are the same values; there are no mirror types in PlanReport or PlanStore.

extension PhaseTotals: Decodable {
    enum CodingKeys: String, CodingKey {
        case gpuHours = "gpu_hours", wallClockHours = "wall_clock_hours", costUSD = "cost_usd", energyKWh = "energy_kwh"
        case co2Kg = "co2_kg", trainedTokens = "trained_tokens", jobs, mergeJobs = "merge_jobs", expectedInterruptions = "expected_interruptions"
    }

    /// The figures of a phase object (`initial`, `maintenance`) or of a strategy's top level
    /// (its total). Job counts and interruptions are absent from older documents (0); the
    /// training work and run hours are not stored (the ratio is stored beside them).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        gpuHours = try c.decode(Double.self, forKey: .gpuHours)
        wallClockHours = try c.decode(Double.self, forKey: .wallClockHours)
        costUSD = try c.decode(Double.self, forKey: .costUSD)
        energyKWh = try c.decode(Double.self, forKey: .energyKWh)
        co2Kg = try c.decode(Double.self, forKey: .co2Kg)
        trainedTokens = try c.decode(Double.self, forKey: .trainedTokens)
        jobs = try c.decodeIfPresent(Int.self, forKey: .jobs) ?? 0
        mergeJobs = try c.decodeIfPresent(Int.self, forKey: .mergeJobs) ?? 0
        expectedInterruptions = try c.decodeIfPresent(Double.self, forKey: .expectedInterruptions) ?? 0
    }
}

extension SavingsFigures: Decodable {
    enum CodingKeys: String, CodingKey {
        case gpuHours = "gpu_hours", wallClockHours = "wall_clock_hours", costUSD = "cost_usd", energyKWh = "energy_kwh", co2Kg = "co2_kg"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        gpuHours = try c.decode(Double.self, forKey: .gpuHours)
        wallClockHours = try c.decode(Double.self, forKey: .wallClockHours)
        costUSD = try c.decode(Double.self, forKey: .costUSD)
        energyKWh = try c.decode(Double.self, forKey: .energyKWh)
        co2Kg = try c.decode(Double.self, forKey: .co2Kg)
    }
}

extension Savings: Decodable {
    enum CodingKeys: String, CodingKey { case initial, maintenance, updateLatencyMean = "update_latency_mean" }

    /// The total's fractions sit beside `initial` and `maintenance`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        total = try SavingsFigures(from: decoder)
        initial = try c.decode(SavingsFigures.self, forKey: .initial)
        maintenance = try c.decode(SavingsFigures.self, forKey: .maintenance)
        updateLatencyMean = try c.decode(Double.self, forKey: .updateLatencyMean)
    }
}

extension LatencySummary: Decodable {
    enum CodingKeys: String, CodingKey { case meanHours = "mean", p90Hours = "p90", count = "updates" }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(meanHours: try c.decode(Double.self, forKey: .meanHours), p90Hours: try c.decode(Double.self, forKey: .p90Hours),
                  count: try c.decode(Int.self, forKey: .count))
    }
}

extension PercentileBand: Decodable {
    enum CodingKeys: String, CodingKey { case p10, p50, p90 }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(p10: try c.decode(Double.self, forKey: .p10), p50: try c.decode(Double.self, forKey: .p50), p90: try c.decode(Double.self, forKey: .p90))
    }
}

extension StrategyDecision: Decodable {
    enum CodingKeys: String, CodingKey {
        case name, costUSD = "cost_usd", serving, totalCostOfOwnershipUSD = "total_cost_of_ownership_usd", qualityRetention = "quality_retention"
        case retentionSource = "quality_source", eligible, reason = "ineligible_reason", caveat = "quality_caveat"
    }

    /// The decision's keys sit at the strategy's top level; its training cost is the strategy's `cost_usd`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .name)
        guard let kind = StrategyKind(rawValue: name) else {
            throw DecodingError.dataCorruptedError(forKey: .name, in: c, debugDescription: "unknown strategy \(name)")
        }
        self.init(kind: kind, trainingCostUSD: try c.decode(Double.self, forKey: .costUSD),
                  serving: try c.decodeIfPresent(ServingFigures.self, forKey: .serving),
                  totalCostOfOwnershipUSD: try c.decode(Double.self, forKey: .totalCostOfOwnershipUSD),
                  qualityRetention: try c.decodeIfPresent(Double.self, forKey: .qualityRetention),
                  retentionSource: try c.decode(String.self, forKey: .retentionSource), eligible: try c.decode(Bool.self, forKey: .eligible),
                  reason: try c.decodeIfPresent(String.self, forKey: .reason), caveat: try c.decodeIfPresent(String.self, forKey: .caveat))
    }
}

extension PercentileBand {
    public init(p10: Double, p50: Double, p90: Double) {
        (self.p10, self.p50, self.p90) = (p10, p50, p90)
    }
}

extension RegionComparison: Decodable {
    enum CodingKeys: String, CodingKey {
        case placement, co2SavedKg = "co2_saved_kg", costSavedUSD = "cost_saved_usd", extraLatencyHours = "extra_latency_hours"
        case singleRegionCO2Kg = "single_region_co2_kg", singleRegionCostUSD = "single_region_cost_usd"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        placement = try c.decode(String.self, forKey: .placement)
        co2SavedKg = try c.decode(Double.self, forKey: .co2SavedKg)
        costSavedUSD = try c.decode(Double.self, forKey: .costSavedUSD)
        extraLatencyHours = try c.decode(Double.self, forKey: .extraLatencyHours)
        singleRegionCO2Kg = try c.decode(Double.self, forKey: .singleRegionCO2Kg)
        singleRegionCostUSD = try c.decode(Double.self, forKey: .singleRegionCostUSD)
    }
}
