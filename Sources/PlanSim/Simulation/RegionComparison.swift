import Foundation
import PlanCore

/// One strategy under `regions:` against the single-region run (the scenario without regions
/// and without waiting: the hardware's own price, grid and PUE); positive savings = better.
public struct RegionComparison: Sendable, Equatable {
    /// `hardware.placement` (cheapest, cleanest or a region's name).
    public var placement: String
    public var co2SavedKg: Double
    public var costSavedUSD: Double
    /// Mean update latency with regions minus the single-region run's (waiting for cleaner hours).
    public var extraLatencyHours: Double
    /// The single-region run's totals.
    public var singleRegionCO2Kg: Double
    public var singleRegionCostUSD: Double

    /// `outcome` (with regions) against `single` (the same strategy without).
    public init(placement: Placement, outcome: StrategyOutcome, single: StrategyOutcome) {
        self.placement = placement.name
        co2SavedKg = single.total.co2Kg - outcome.total.co2Kg
        costSavedUSD = single.total.costUSD - outcome.total.costUSD
        extraLatencyHours = outcome.latency.meanHours - single.latency.meanHours
        singleRegionCO2Kg = single.total.co2Kg
        singleRegionCostUSD = single.total.costUSD
    }
}

extension Scenario {
    /// The scenario run in its home region only: no `regions`, no waiting for cleaner hours.
    public var singleRegion: Scenario {
        var copy = self
        copy.regions = []
        copy.schedule.maxUpdateDelayHours = 0
        return copy
    }
}
