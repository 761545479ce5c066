import Foundation
import PlanCore
import PlanRandom

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
        let (arrivals, triggers) = self.triggers(seed: seed)
        var outcomes = scenario.strategies.map { simulate($0, triggers: triggers, detailed: detailed) }
        if detailed { Self.align(&outcomes) }
        let baseline = scenario.strategies.contains(.fullRetrain) ? StrategyKind.fullRetrain : scenario.strategies[0]
        if let base = outcomes.first(where: { $0.kind == baseline }) {
            for index in outcomes.indices where outcomes[index].kind != baseline {
                outcomes[index].savings = Self.savings(outcomes[index], baseline: base)
                if detailed { outcomes[index].breakEvenDay = Self.breakEven(outcomes[index], baseline: base) }
            }
        }
        return SimulationResult(
            scenarioName: scenario.name, seed: seed, horizonDays: scenario.schedule.horizonDays, baseline: baseline,
            strategies: outcomes, arrivals: arrivals, updates: triggers.count)
    }

    /// The number of data arrivals within the horizon and the builds that ship them, for this
    /// seed (Poisson arrivals are drawn from it).
    func triggers(seed: UInt64) -> (arrivals: Int, triggers: [Trigger]) {
        var rng = Xoshiro256StarStar(seed: seed)
        let arrivals = ScheduleExpander.arrivals(scenario, rng: &rng)
        let triggers = ScheduleExpander.triggers(
            arrivals, releaseEveryDays: scenario.schedule.releaseEveryDays, horizonDays: scenario.schedule.horizonDays)
        return (arrivals.count, triggers)
    }

    /// Every job one strategy runs for `triggers`; independent of the pool's size.
    func plan(_ kind: StrategyKind, triggers: [Trigger]) -> BuildPlanner {
        var planner = BuildPlanner(strategy: kind, scenario: scenario)
        planner.initial()
        for (trigger, refresh) in timeline(kind, triggers: triggers) {
            planner.update(trigger, refresh: refresh)
        }
        return planner
    }

    /// Plans and schedules one strategy's builds.
    func simulate(_ kind: StrategyKind, triggers: [Trigger], detailed: Bool) -> StrategyOutcome {
        let planner = plan(kind, triggers: triggers)
        let schedule = GPUPool(gpus: scenario.hardware.poolGPUs).schedule(planner.jobs)
        let timings = schedule.timings

        var initial = PhaseTotals()
        var maintenance = PhaseTotals()
        var latencies: [Double] = []
        var builds: [BuildOutcome] = []
        var lastFinish = 0.0
        for build in planner.builds {
            var totals = PhaseTotals()
            for index in build.jobs { totals.add(planner.costs[index]) }
            let deployed = build.jobs.map { timings[$0].finishHours }.max() ?? build.day * 24
            lastFinish = max(lastFinish, deployed)
            totals.wallClockHours = deployed - build.day * 24
            for arrival in build.arrivals { latencies.append(deployed - arrival.day * 24) }
            if build.reason == .initial { initial = initial + totals } else { maintenance = maintenance + totals }
            if detailed {
                builds.append(BuildOutcome(
                    build: build, deployedHours: deployed, totals: totals,
                    jobs: build.jobs.map { (planner.costs[$0], timings[$0]) }))
            }
        }
        let pool = PoolUsage(
            hardware: scenario.hardware(for: kind), horizonDays: scenario.schedule.horizonDays,
            busyGPUHours: (initial + maintenance).gpuHours, onDemandCostUSD: (initial + maintenance).costUSD,
            peakQueuedJobs: schedule.peakQueuedJobs, lastFinishHours: lastFinish, maxLatencyHours: latencies.max() ?? 0)
        return StrategyOutcome(
            kind: kind, initial: initial, maintenance: maintenance, latency: LatencySummary(latencies),
            series: detailed ? Self.series(planner.costs, timings: timings, horizonDays: scenario.schedule.horizonDays) : [],
            builds: builds, savings: nil, breakEvenDay: nil, pool: pool)
    }

    /// Update latencies (hours from each arrival to the deployed build that ships it) for a
    /// planned strategy on given job timings.
    static func latencies(_ planner: BuildPlanner, timings: [JobTiming]) -> [Double] {
        var result: [Double] = []
        for build in planner.builds where !build.arrivals.isEmpty {
            var deployed = build.day * 24
            for index in build.jobs { deployed = max(deployed, timings[index].finishHours) }
            for arrival in build.arrivals { result.append(deployed - arrival.day * 24) }
        }
        return result
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

    /// Cumulative GPU-hours and dollars at the end of each day 0...horizon, each job's cost
    /// spread evenly over the hours it runs. Work that runs past the end of the horizon's last
    /// day adds one more point, on the day the last job finishes, so that the series always
    /// ends at the strategy's totals (the figures the tables show).
    static func series(_ jobs: [JobCost], timings: [JobTiming], horizonDays: Int) -> [DailyPoint] {
        let overflow = horizonDays + 1  // bin for everything after the end of day `horizonDays`
        var gpuHours = [Double](repeating: 0, count: overflow + 1)
        var dollars = [Double](repeating: 0, count: overflow + 1)
        var lastFinish = 0.0
        for (job, timing) in zip(jobs, timings) {
            let start = timing.startHours / 24
            let finish = timing.finishHours / 24
            lastFinish = max(lastFinish, finish)
            let length = finish - start
            // Checked before converting: a job may start past the horizon (or never, at +inf).
            var day = start.isNaN || start >= Double(overflow) ? overflow : Int(max(0, start).rounded(.down))
            while day <= overflow {
                let share: Double
                if length <= 0 {
                    share = 1
                } else {
                    let from = max(start, Double(day))
                    let to = day == overflow ? finish : min(finish, Double(day + 1))
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
        for day in 0...overflow {
            totalHours += gpuHours[day]
            totalDollars += dollars[day]
            if day < overflow {
                points.append(DailyPoint(day: day, gpuHours: totalHours, costUSD: totalDollars))
            } else if lastFinish > Double(overflow) {
                // Finishing at hour h falls on day ceil(h / 24) − 1 (day d spans hours [24d, 24d + 24)).
                let day = lastFinish < 1e15 ? Int(lastFinish.rounded(.up)) - 1 : Int(1e15)  // no trap on absurd inputs
                points.append(DailyPoint(day: max(overflow, day), gpuHours: totalHours, costUSD: totalDollars))
            }
        }
        return points
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
