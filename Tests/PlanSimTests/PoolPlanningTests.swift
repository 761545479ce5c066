import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim

/// Break-even against totals, saturation, reserved pricing, per-strategy GPUs and pool sizing on
/// hand-computed toy schedules (see `ToyScenario` for the job durations).
struct PoolPlanningTests {
    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-6 }

    /// Pool of 1, horizon 1 day; on day 1 every language gets 30 more examples (a 32, b 33, c 34).
    /// full-retrain: initial 10 h (0–10), update 99 + 1 = 100 h (24–124): 110 GPU-hours.
    /// merge: initial 3 + 4 + 5 + 1 = 13 h (0–13); update adapters 33, 34, 35 h one after the
    /// other (24–57, 57–91, 91–126) + merge (126–127): 116 GPU-hours, dearer in total, and most
    /// of its update runs after the horizon.
    static let pastTheHorizon = ToyScenario.yaml(
        schedule: """
            horizon_days: 1
            events: [{day: 1, language: a, add_examples: 30}, {day: 1, language: b, add_examples: 30}, {day: 1, language: c, add_examples: 30}]
            """, pool: 1)

    @Test func seriesEndAtTheTotalsWhenWorkRunsPastTheHorizon() throws {
        let result = Simulator(scenario: try ToyScenario.load(Self.pastTheHorizon)).run(seed: 1)
        let full = try #require(result.strategy(.fullRetrain))
        let merge = try #require(result.strategy(.merge))
        #expect(close(full.total.gpuHours, 110) && close(merge.total.gpuHours, 116))
        for outcome in [full, merge] {
            let last = try #require(outcome.series.last)
            // Last job done at hour 124 (full) / 127 (merge): day ceil(h / 24) − 1 = 5 for both.
            #expect(last.day == 5)
            #expect(close(last.costUSD, outcome.total.costUSD) && close(last.gpuHours, outcome.total.gpuHours))
            #expect(outcome.series.map(\.day) == [0, 1, 5])
        }
        // By the end of day 1 (hour 48) merge has spent 13 + 24 = 37 GPU-hours, full-retrain 10 + 24 = 34.
        #expect(close(merge.series[1].gpuHours, 37) && close(full.series[1].gpuHours, 34))
        // Dearer in total: never "cheaper from" any day.
        #expect(merge.breakEvenDay == nil)
        #expect(close(merge.latency.meanHours, 127 - 24) && close(full.latency.meanHours, 100))
    }

    @Test(arguments: [1, 2, 3, 4, 7, 12, 19, 30])
    func aStrategyDearerInTotalIsNeverCheaperFromAnyDay(startupMinutes: Int) throws {
        // Vary the start-up so that the gap takes both signs; the break-even must follow the totals.
        for pool in [1, 2, 3] {
            let yaml = ToyScenario.yaml(
                schedule: """
                    horizon_days: 3
                    periodic: [{languages: all, every_days: 1, add_examples: \(startupMinutes)}]
                    """, pool: pool)
                .replacingOccurrences(of: "job_startup_minutes: 60", with: "job_startup_minutes: \(startupMinutes * 10)")
            let result = Simulator(scenario: try ToyScenario.load(yaml)).run(seed: 1)
            let full = try #require(result.strategy(.fullRetrain))
            let merge = try #require(result.strategy(.merge))
            if merge.total.costUSD > full.total.costUSD { #expect(merge.breakEvenDay == nil, "pool \(pool)") }
            if merge.breakEvenDay != nil { #expect(merge.total.costUSD <= full.total.costUSD) }
            #expect(close(merge.series.last?.costUSD ?? -1, merge.total.costUSD))
            #expect(merge.series.last?.day == full.series.last?.day)
        }
    }

    @Test func aPoolThatCannotKeepUpIsSaturated() throws {
        let result = Simulator(scenario: try ToyScenario.load(Self.pastTheHorizon)).run(seed: 1)
        let merge = try #require(result.strategy(.merge))
        // 116 GPU-hours on 1 GPU over a 24-hour horizon; the update waits 103 h > 24 h.
        #expect(merge.pool.saturated)
        #expect(close(merge.pool.utilisation, 116.0 / 24) && close(merge.pool.maxLatencyHours, 103))
        // Three adapters released at once on one GPU: two wait.
        #expect(merge.pool.peakQueuedJobs == 2)
        #expect(close(merge.pool.lastFinishHours, 127))
        let full = try #require(result.strategy(.fullRetrain))
        #expect(full.pool.saturated && full.pool.peakQueuedJobs == 0)

        // The same work over 30 days on 2 GPUs keeps up.
        let relaxed = Simulator(scenario: try ToyScenario.load(ToyScenario.yaml(
            schedule: "horizon_days: 30\nevents: [{day: 10, language: a, add_examples: 4}]"))).run(seed: 1)
        let calm = try #require(relaxed.strategy(.merge))
        #expect(!calm.pool.saturated)
        // 21 GPU-hours / (2 GPUs × 720 h); initial: a and b start, c waits.
        #expect(close(calm.pool.utilisation, 21.0 / 1440) && calm.pool.peakQueuedJobs == 1)
    }

    @Test func reservedPricingPaysForThePoolOverTheHorizon() throws {
        let yaml = ToyScenario.yaml(schedule: "horizon_days: 30\nevents: [{day: 10, language: a, add_examples: 4}]", pool: 3)
            .replacingOccurrences(of: "usd_per_gpu_hour: 2,", with: "usd_per_gpu_hour: 2, pricing: reserved,")
        let scenario = try ToyScenario.load(yaml)
        #expect(scenario.hardware.pricing == .reserved)
        let result = Simulator(scenario: scenario).run(seed: 1)
        for outcome in result.strategies {
            // 3 GPUs × 30 days × 24 h × $2, busy or idle; busy hours still priced as before.
            #expect(close(outcome.pool.reservedCostUSD, 3 * 720 * 2) && outcome.pool.costUSD == outcome.pool.reservedCostUSD)
            #expect(close(outcome.pool.onDemandCostUSD, outcome.total.costUSD))
        }
        #expect(close(try #require(result.strategy(.merge)).pool.onDemandCostUSD, 2 * 21))
        let onDemand = try ToyScenario.load(ToyScenario.yaml(schedule: "horizon_days: 30"))
        #expect(onDemand.hardware.pricing == .onDemand)
        #expect(throws: ScenarioDiagnostics.self) {
            try ToyScenario.load(yaml.replacingOccurrences(of: "pricing: reserved", with: "pricing: monthly"))
        }
    }

    @Test func strategiesCarryTheirOwnGPUsPerJob() throws {
        let yaml = ToyScenario.yaml(strategies: "[{name: full-retrain, gpus_per_job: 2}, merge]", schedule: "horizon_days: 30")
        let scenario = try ToyScenario.load(yaml)
        #expect(scenario.strategies == [.fullRetrain, .merge])
        #expect(scenario.hardware(for: .fullRetrain).gpusPerJob == 2 && scenario.hardware(for: .merge).gpusPerJob == 1)
        let result = Simulator(scenario: scenario).run(seed: 1)
        let full = try #require(result.strategy(.fullRetrain))
        // 9 GPU-hours of compute over 2 GPUs = 4.5 h + 1 h start-up; both GPUs are held throughout.
        #expect(close(full.initial.wallClockHours, 5.5) && close(full.initial.gpuHours, 11))
        #expect(full.pool.gpusPerJob == 2)
        let merge = try #require(result.strategy(.merge))
        #expect(close(merge.initial.gpuHours, 13) && close(merge.initial.wallClockHours, 9))
        // A strategy's jobs must fit the pool.
        do {
            _ = try ToyScenario.load(ToyScenario.yaml(strategies: "[{name: full-retrain, gpus_per_job: 3}, merge]", schedule: "horizon_days: 30"))
            Issue.record("a 3-GPU job on a 2-GPU pool was accepted")
        } catch let error as ScenarioDiagnostics {
            #expect(error.diagnostics.map(\.path) == ["strategies[0].gpus_per_job"])
        }
        do {
            _ = try ToyScenario.load(ToyScenario.yaml(strategies: "[{name: merge, gpus: 1}]", schedule: "horizon_days: 30"))
            Issue.record("an unknown key in a strategy entry was accepted")
        } catch let error as ScenarioDiagnostics {
            #expect(error.diagnostics.map(\.path) == ["strategies[0].gpus"])
        }
    }

    /// Day 10: a, b and c each get one more example (a 3, b 4, c 5 examples: adapters 4, 5, 6 h).
    /// merge update latency: pool 1 → 4 + 5 + 6 + 1 = 16 h; pool 2 → a, b at once, c after a
    /// (4–10), merge 10–11 → 11 h; pool 3 → 6 + 1 = 7 h. full-retrain: 12 + 1 = 13 h on any pool.
    static let threeUpdates = ToyScenario.yaml(schedule: """
        horizon_days: 30
        events: [{day: 10, language: a, add_examples: 1}, {day: 10, language: b, add_examples: 1}, {day: 10, language: c, add_examples: 1}]
        """)

    // Merges stream a few bytes (a nanosecond's worth), so targets on a boundary sit just above it.
    @Test(arguments: [(20.0, 1, 1), (16.001, 1, 1), (13.0, 1, 2), (12.0, nil, 2), (11.001, nil, 2), (10.0, nil, 3), (7.001, nil, 3), (6.9, nil, nil)] as [(Double, Int?, Int?)])
    func sizingFindsTheSmallestPoolForTheTarget(target: Double, full: Int?, merge: Int?) throws {
        let scenario = try ToyScenario.load(Self.threeUpdates)
        let result = PoolSizing(scenario: scenario, seed: 1, targetLatencyHours: target).run()
        let fullSize = try #require(result.strategies.first { $0.kind == .fullRetrain })
        let mergeSize = try #require(result.strategies.first { $0.kind == .merge })
        #expect(fullSize.poolGPUs == full && mergeSize.poolGPUs == merge, "target \(target)")
        #expect(close(fullSize.unqueuedP90Hours, 13) && close(mergeSize.unqueuedP90Hours, 7))
        let curve = Dictionary(uniqueKeysWithValues: mergeSize.curve.map { ($0.poolGPUs, $0.latency.p90Hours) })
        #expect(close(curve[1] ?? 0, 16) && close(curve[2] ?? 0, 11) && close(curve[3] ?? 0, 7) && close(curve[8] ?? 0, 7))
        if let at = mergeSize.atSize { #expect(at.latency.p90Hours <= target) }
        #expect(mergeSize.reservedCostUSD == nil)
    }

    @Test func sizingPricesTheReservedPool() throws {
        let yaml = Self.threeUpdates.replacingOccurrences(of: "usd_per_gpu_hour: 2,", with: "usd_per_gpu_hour: 2, pricing: reserved,")
        let result = PoolSizing(scenario: try ToyScenario.load(yaml), seed: 1, targetLatencyHours: 12).run()
        let merge = try #require(result.strategies.first { $0.kind == .merge })
        #expect(merge.poolGPUs == 2 && close(merge.reservedCostUSD ?? 0, 2 * 720 * 2))
        // Busy hours: initial 13 + update 4 + 5 + 6 + 1 = 29 GPU-hours at $2, whatever the pool.
        #expect(close(merge.onDemandCostUSD, 58) && close(merge.busyGPUHours, 29))
    }

    @Test func sizingStartsAtTheWidestJob() throws {
        let yaml = Self.threeUpdates.replacingOccurrences(of: "strategies: [full-retrain, merge]", with: "strategies: [{name: full-retrain, gpus_per_job: 2}, merge]")
        let result = PoolSizing(scenario: try ToyScenario.load(yaml), seed: 1, targetLatencyHours: 100).run()
        let full = try #require(result.strategies.first { $0.kind == .fullRetrain })
        #expect(full.minimumPoolGPUs == 2 && full.poolGPUs == 2 && full.curve.first?.poolGPUs == 2)
    }
}
