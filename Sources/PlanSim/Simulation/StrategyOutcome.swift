import Foundation
import PlanCore

/// A build after simulation: when it was deployed and what it cost.
public struct BuildOutcome: Sendable, Equatable {
    public var build: Build
    /// Hours from day 0 until the build's evaluation finished.
    public var deployedHours: Double
    public var totals: PhaseTotals
    public var jobs: [(cost: JobCost, timing: JobTiming)]

    public static func == (a: BuildOutcome, b: BuildOutcome) -> Bool {
        a.build == b.build && a.deployedHours == b.deployedHours && a.totals == b.totals
            && a.jobs.map(\.cost) == b.jobs.map(\.cost) && a.jobs.map(\.timing) == b.jobs.map(\.timing)
    }
}

/// Savings as fractions of the baseline's figures (positive = cheaper or faster).
public struct SavingsFigures: Sendable, Equatable {
    public var gpuHours: Double
    public var wallClockHours: Double
    public var costUSD: Double
    public var energyKWh: Double
    public var co2Kg: Double

    init(_ value: PhaseTotals, baseline: PhaseTotals) {
        func fraction(_ a: Double, _ b: Double) -> Double { b > 0 ? (b - a) / b : 0 }
        gpuHours = fraction(value.gpuHours, baseline.gpuHours)
        wallClockHours = fraction(value.wallClockHours, baseline.wallClockHours)
        costUSD = fraction(value.costUSD, baseline.costUSD)
        energyKWh = fraction(value.energyKWh, baseline.energyKWh)
        co2Kg = fraction(value.co2Kg, baseline.co2Kg)
    }
}

/// Savings of one strategy against the baseline, per phase.
public struct Savings: Sendable, Equatable {
    public var total: SavingsFigures
    public var initial: SavingsFigures
    public var maintenance: SavingsFigures
    public var updateLatencyMean: Double
}

/// One strategy's simulated year (or horizon).
public struct StrategyOutcome: Sendable, Equatable {
    public var kind: StrategyKind
    public var initial: PhaseTotals
    public var maintenance: PhaseTotals
    public var total: PhaseTotals { initial + maintenance }
    public var latency: LatencySummary
    /// Cumulative cost at the end of each day 0...horizon.
    public var series: [DailyPoint]
    public var builds: [BuildOutcome]
    /// Against the baseline; nil for the baseline itself.
    public var savings: Savings?
    /// First day from which this strategy's cumulative dollars stay at or below the
    /// baseline's until all work has finished (the series include work past the horizon, so
    /// they end at the totals); nil if never, whenever the total is dearer, and for the baseline.
    public var breakEvenDay: Int?
    /// How the strategy used the GPU pool, and what the pool costs.
    public var pool: PoolUsage
    /// Under `regions:`, against the single-region run; nil without regions.
    public var regions: RegionComparison? = nil
}

/// The result of one simulation of every strategy in a scenario.
public struct SimulationResult: Sendable, Equatable {
    public var scenarioName: String
    public var seed: UInt64
    public var horizonDays: Int
    /// The strategy savings are measured against (full-retrain when simulated).
    public var baseline: StrategyKind
    public var strategies: [StrategyOutcome]
    /// Data arrivals within the horizon and the update builds they formed.
    public var arrivals: Int
    public var updates: Int
    /// Serving, total cost of ownership, quality and the recommendation (detailed runs; nil otherwise).
    public var decision: Decision?

    public func strategy(_ kind: StrategyKind) -> StrategyOutcome? { strategies.first { $0.kind == kind } }
}
