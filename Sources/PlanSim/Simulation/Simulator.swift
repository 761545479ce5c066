import Foundation
import PlanCore

/// Simulates every strategy of a scenario over its horizon on its GPU pool.
///
/// Deterministic: the same scenario and seed give the same result (the seed drives Poisson
/// arrivals only). Each strategy gets the whole pool to itself: strategies are alternatives.
public struct Simulator: Sendable {
    public var scenario: Scenario

    public init(scenario: Scenario) { self.scenario = scenario }

    /// - Parameter detailed: keep per-build job lists and the daily series (tables, plots,
    ///   break-even); Monte Carlo trials turn this off and keep only totals and latency.
    public func run(seed: UInt64, detailed: Bool = true) -> SimulationResult {
        var rng = Xoshiro256StarStar(seed: seed)
        let arrivals = ScheduleExpander.arrivals(scenario, rng: &rng)
        let triggers = ScheduleExpander.triggers(
            arrivals, releaseEveryDays: scenario.schedule.releaseEveryDays, horizonDays: scenario.schedule.horizonDays)
        var outcomes = scenario.strategies.map { simulate($0, triggers: triggers, detailed: detailed) }
        let baseline = scenario.strategies.contains(.fullRetrain) ? StrategyKind.fullRetrain : scenario.strategies[0]
        if let base = outcomes.first(where: { $0.kind == baseline }) {
            for index in outcomes.indices where outcomes[index].kind != baseline {
                outcomes[index].savings = Self.savings(outcomes[index], baseline: base)
                if detailed { outcomes[index].breakEvenDay = Self.breakEven(outcomes[index].series, baseline: base.series) }
            }
        }
        return SimulationResult(
            scenarioName: scenario.name, seed: seed, horizonDays: scenario.schedule.horizonDays, baseline: baseline,
            strategies: outcomes, arrivals: arrivals.count, updates: triggers.count)
    }

    /// Plans and schedules one strategy's builds.
    func simulate(_ kind: StrategyKind, triggers: [Trigger], detailed: Bool) -> StrategyOutcome {
        var planner = BuildPlanner(strategy: kind, scenario: scenario)
        planner.initial()
        for (trigger, refresh) in timeline(kind, triggers: triggers) {
            planner.update(trigger, refresh: refresh)
        }
        let timings = GPUPool(gpus: scenario.hardware.poolGPUs).run(planner.jobs)

        var initial = PhaseTotals()
        var maintenance = PhaseTotals()
        var latencies: [Double] = []
        var builds: [BuildOutcome] = []
        for build in planner.builds {
            var totals = PhaseTotals()
            for index in build.jobs { totals.add(planner.costs[index]) }
            let deployed = build.jobs.map { timings[$0].finishHours }.max() ?? build.day * 24
            totals.wallClockHours = deployed - build.day * 24
            for arrival in build.arrivals { latencies.append(deployed - arrival.day * 24) }
            if build.reason == .initial { initial = initial + totals } else { maintenance = maintenance + totals }
            if detailed {
                builds.append(BuildOutcome(
                    build: build, deployedHours: deployed, totals: totals,
                    jobs: build.jobs.map { (planner.costs[$0], timings[$0]) }))
            }
        }
        return StrategyOutcome(
            kind: kind, initial: initial, maintenance: maintenance, latency: LatencySummary(latencies),
            series: detailed ? Self.series(planner.costs, timings: timings, horizonDays: scenario.schedule.horizonDays) : [],
            builds: builds, savings: nil, breakEvenDay: nil)
    }

    /// Data triggers, plus (for hybrid) a refresh every `refresh_every_days`; a refresh on the
    /// day of an update ships that update too.
    func timeline(_ kind: StrategyKind, triggers: [Trigger]) -> [(Trigger, Bool)] {
        guard kind == .hybrid else { return triggers.map { ($0, false) } }
        let every = Double(scenario.hybrid.refreshEveryDays)
        var refreshDays: [Double] = []
        var day = every
        while day <= Double(scenario.schedule.horizonDays) {
            refreshDays.append(day)
            day += every
        }
        var result: [(Trigger, Bool)] = []
        var pending = refreshDays[...]
        for trigger in triggers {
            while let next = pending.first, next < trigger.day {
                result.append((Trigger(day: next, arrivals: []), true))
                pending = pending.dropFirst()
            }
            if let next = pending.first, next == trigger.day {
                result.append((trigger, true))
                pending = pending.dropFirst()
            } else {
                result.append((trigger, false))
            }
        }
        result += pending.map { (Trigger(day: $0, arrivals: []), true) }
        return result
    }

    /// Cumulative GPU-hours and dollars at the end of each day, each job's cost spread evenly
    /// over the hours it runs (work past the horizon counts on the last day).
    static func series(_ jobs: [JobCost], timings: [JobTiming], horizonDays: Int) -> [DailyPoint] {
        var gpuHours = [Double](repeating: 0, count: horizonDays + 1)
        var dollars = [Double](repeating: 0, count: horizonDays + 1)
        for (job, timing) in zip(jobs, timings) {
            let start = timing.startHours / 24
            let finish = timing.finishHours / 24
            let length = finish - start
            // Checked before converting: a job may start past the horizon (or never, at +inf).
            var day = start.isNaN || start >= Double(horizonDays) ? horizonDays : Int(max(0, start).rounded(.down))
            while day <= horizonDays {
                let share: Double
                if length <= 0 {
                    share = 1
                } else {
                    let from = max(start, Double(day))
                    let to = day == horizonDays ? finish : min(finish, Double(day + 1))
                    share = max(0, to - from) / length
                }
                gpuHours[day] += job.gpuHours * share
                dollars[day] += job.usd * share
                if finish <= Double(day + 1) { break }
                day += 1
            }
        }
        var points: [DailyPoint] = []
        var totalHours = 0.0
        var totalDollars = 0.0
        for day in 0...horizonDays {
            totalHours += gpuHours[day]
            totalDollars += dollars[day]
            points.append(DailyPoint(day: day, gpuHours: totalHours, costUSD: totalDollars))
        }
        return points
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

    static func breakEven(_ series: [DailyPoint], baseline: [DailyPoint]) -> Int? {
        var day: Int?
        for (point, base) in zip(series, baseline) {
            let tolerance = 1e-9 * max(1, base.costUSD)
            if point.costUSD <= base.costUSD + tolerance {
                if day == nil { day = point.day }
            } else {
                day = nil
            }
        }
        return day
    }
}
