import Foundation
import PlanCore
import PlanRandom

/// Simulates every strategy of a scenario over its horizon on its GPU pool.
///
/// Deterministic: the same scenario and seed give the same result (the seed drives Poisson
/// arrivals only). Each strategy gets the whole pool to itself: strategies are alternatives.
/// The work runs on `SimulationEngine`; this type turns its recordings into the detailed result
/// (series, break-even, savings, pool usage, per-build outcomes), all pure functions of them.
public struct Simulator: Sendable {
    public var scenario: Scenario

    public init(scenario: Scenario) { self.scenario = scenario }

    /// - Parameter detailed: keep per-build job lists, pool usage and the daily series (tables,
    ///   plots, break-even); without it only totals and latency (what sweeps and trials read).
    public func run(seed: UInt64, detailed: Bool = true) -> SimulationResult {
        var engine = SimulationEngine()
        engine.run(scenario, seed: seed, record: detailed)
        var result = Self.result(engine, scenario: scenario, seed: seed, detailed: detailed)
        if !scenario.regions.isEmpty {
            // The same arrivals in the home region alone, for the savings of placement and shifting.
            engine.run(scenario.singleRegion, seed: seed)
            for (index, single) in engine.outcomes.enumerated() {
                let outcome = result.strategies[index]
                var home = outcome
                (home.initial, home.maintenance, home.latency) = (single.initial, single.maintenance, single.latency)
                result.strategies[index].regions = RegionComparison(placement: scenario.hardware.placement, outcome: outcome, single: home)
            }
        }
        return result
    }

    /// The result of a run of `engine` on `scenario`: its outcomes, and with `detailed` the
    /// figures computed from its recordings.
    static func result(_ engine: SimulationEngine, scenario: Scenario, seed: UInt64, detailed: Bool) -> SimulationResult {
        var outcomes: [StrategyOutcome] = []
        for (index, outcome) in engine.outcomes.enumerated() {
            let recording = detailed ? engine.recordings[index] : nil
            let pool = PoolUsage(
                hardware: scenario.hardware(for: outcome.kind), horizonDays: scenario.schedule.horizonDays,
                busyGPUHours: outcome.total.gpuHours, onDemandCostUSD: outcome.total.costUSD,
                peakQueuedJobs: outcome.peakQueuedJobs, lastFinishHours: outcome.lastFinishHours,
                maxLatencyHours: outcome.maxLatencyHours, queuedAtHorizonEnd: outcome.queuedAtHorizonEnd,
                backlogHours: outcome.backlogHours)
            outcomes.append(StrategyOutcome(
                kind: outcome.kind, initial: outcome.initial, maintenance: outcome.maintenance, latency: outcome.latency,
                series: recording?.series() ?? [], builds: recording?.buildOutcomes() ?? [], savings: nil, breakEvenDay: nil,
                pool: pool))
        }
        if detailed { align(&outcomes) }
        let baseline = scenario.strategies.contains(.fullRetrain) ? StrategyKind.fullRetrain : scenario.strategies[0]
        if let base = outcomes.first(where: { $0.kind == baseline }) {
            for index in outcomes.indices where outcomes[index].kind != baseline {
                outcomes[index].savings = savings(outcomes[index], baseline: base)
                if detailed { outcomes[index].breakEvenDay = breakEven(outcomes[index], baseline: base) }
            }
        }
        var result = SimulationResult(
            scenarioName: scenario.name, seed: seed, horizonDays: scenario.schedule.horizonDays, baseline: baseline,
            strategies: outcomes, arrivals: engine.arrivals, updates: engine.triggerDay.count)
        if detailed { result.decision = decision(scenario, outcomes: outcomes) }
        return result
    }

    /// The decision over `outcomes`: serving is priced when the scenario has a `serving:` block
    /// (a scenario whose model no serving replica can hold was refused by `ServingPlan.check`).
    static func decision(_ scenario: Scenario, outcomes: [StrategyOutcome]) -> Decision {
        let serving = (try? ServingPlan.figures(scenario)) ?? nil
        return Decision(scenario: scenario, costs: outcomes.map { ($0.kind, $0.total.costUSD) }, serving: serving)
    }

    /// Ends every strategy's series on the same day (the latest), repeating a shorter one's
    /// final totals, so that curves and break-even compare like with like.
    static func align(_ outcomes: inout [StrategyOutcome]) {
        guard let lastDay = outcomes.compactMap({ $0.series.last?.day }).max() else { return }
        for index in outcomes.indices {
            guard let last = outcomes[index].series.last, last.day < lastDay else { continue }
            outcomes[index].series.append(DailyPoint(day: lastDay, gpuHours: last.gpuHours, costUSD: last.costUSD))
        }
    }

    static func savings(_ outcome: StrategyOutcome, baseline: StrategyOutcome) -> Savings {
        let latency = baseline.latency.meanHours > 0
            ? (baseline.latency.meanHours - outcome.latency.meanHours) / baseline.latency.meanHours : 0
        return Savings(
            total: SavingsFigures(outcome.total, baseline: baseline.total),
            initial: SavingsFigures(outcome.initial, baseline: baseline.initial),
            maintenance: SavingsFigures(outcome.maintenance, baseline: baseline.maintenance),
            updateLatencyMean: latency)
    }

    /// The first day from which `outcome`'s cumulative dollars stay at or below the baseline's
    /// until all work has finished. Nil when its total cost (the tables' figure) is above the
    /// baseline's: a strategy dearer in total is never cheaper "from" any day.
    static func breakEven(_ outcome: StrategyOutcome, baseline: StrategyOutcome) -> Int? {
        guard outcome.total.costUSD <= baseline.total.costUSD else { return nil }
        return breakEven(outcome.series, baseline: baseline.series)
    }

    /// The same on two cumulative series read as step functions (a series holds its last value
    /// between points; the days of both are compared).
    static func breakEven(_ series: [DailyPoint], baseline: [DailyPoint]) -> Int? {
        var day: Int?
        var i = 0
        var j = 0
        var value = 0.0
        var base = 0.0
        while i < series.count || j < baseline.count {
            let next = min(i < series.count ? series[i].day : Int.max, j < baseline.count ? baseline[j].day : Int.max)
            while i < series.count, series[i].day == next {
                value = series[i].costUSD
                i += 1
            }
            while j < baseline.count, baseline[j].day == next {
                base = baseline[j].costUSD
                j += 1
            }
            let tolerance = 1e-9 * max(1, base)
            if value <= base + tolerance {
                if day == nil { day = next }
            } else {
                day = nil
            }
        }
        return day
    }
}
