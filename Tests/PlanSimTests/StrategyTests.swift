import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim
import PlanRandom

/// Hand-computed schedules (see `ToyScenario` for the job durations).
struct StrategyTests {
    let tolerance = 1e-6  // merges also stream a few bytes, a nanosecond's worth

    func run(_ yaml: String, seed: UInt64 = 1) throws -> SimulationResult {
        Simulator(scenario: try ToyScenario.load(yaml)).run(seed: seed)
    }

    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-6 }

    @Test func fullRetrainAndMergeOnOneUpdate() throws {
        // Day 10: a gets 4 more examples (a = 6).
        let result = try run(ToyScenario.yaml(schedule: "horizon_days: 30\nevents: [{day: 10, language: a, add_examples: 4}]"))
        let full = try #require(result.strategy(.fullRetrain))
        let merge = try #require(result.strategy(.merge))

        // full-retrain: initial 9 + 1 = 10 h; update 13 + 1 = 14 h.
        #expect(close(full.initial.gpuHours, 10) && close(full.initial.wallClockHours, 10))
        #expect(close(full.maintenance.gpuHours, 14) && close(full.latency.meanHours, 14))
        // merge: a (3 h) and b (4 h) start at 0; c (5 h) starts when a ends at 3, ends at 8;
        // merge 1 h → deployed at 9. GPU-hours 3 + 4 + 5 + 1 = 13.
        #expect(close(merge.initial.gpuHours, 13))
        #expect(close(merge.initial.wallClockHours, 9))
        // update: adapter a (6 + 1 = 7 h) + merge (1 h) = 8 h, latency 8 h.
        #expect(close(merge.maintenance.gpuHours, 8) && close(merge.latency.meanHours, 8))
        let savings = try #require(merge.savings)
        #expect(close(savings.maintenance.gpuHours, 1 - 8.0 / 14))
        #expect(close(savings.initial.wallClockHours, 1 - 9.0 / 10))
        #expect(close(savings.initial.gpuHours, 1 - 13.0 / 10))
        // Money, energy and CO2 follow GPU-hours: $2, 1 kW, PUE 1, 0.5 kg/kWh.
        #expect(close(merge.total.costUSD, 2 * 21) && close(merge.total.energyKWh, 21) && close(merge.total.co2Kg, 10.5))
        // merge costs more until the update on day 10, less from then on.
        #expect(merge.breakEvenDay == 10)
        #expect(full.series.count == 31 && close(full.series.last!.gpuHours, 24) && close(merge.series.last!.gpuHours, 21))
    }

    @Test func sameDayEventsShipInOneBuild() throws {
        let result = try run(ToyScenario.yaml(schedule: """
            horizon_days: 30
            events: [{day: 5, language: a, add_examples: 1}, {day: 5, language: b, add_examples: 1}]
            """))
        let merge = try #require(result.strategy(.merge))
        #expect(result.updates == 1 && result.arrivals == 2)
        // adapters a (3 + 1 = 4 h) and b (4 + 1 = 5 h) in parallel, merge 1 h → deployed after 6 h.
        #expect(close(merge.maintenance.gpuHours, 4 + 5 + 1))
        #expect(close(merge.latency.meanHours, 6))
        let full = try #require(result.strategy(.fullRetrain))
        #expect(close(full.maintenance.gpuHours, 11 + 1))
    }

    @Test func periodicUpdatesRecurUntilTheHorizon() throws {
        let result = try run(ToyScenario.yaml(schedule: "horizon_days: 30\nperiodic: [{languages: [b], every_days: 10, add_examples: 1}]"))
        #expect(result.arrivals == 3)  // days 10, 20, 30
        let full = try #require(result.strategy(.fullRetrain))
        // b grows 3 → 4 → 5 → 6: retrains of 10, 11, 12 examples + 1 h each.
        #expect(close(full.maintenance.gpuHours, 11 + 12 + 13))
        let merge = try #require(result.strategy(.merge))
        // adapter b: 5, 6, 7 h; merge 1 h each.
        #expect(close(merge.maintenance.gpuHours, 5 + 6 + 7 + 3))
    }

    @Test func queueingDelaysAnUpdateThatArrivesDuringABuild() throws {
        // Pool of 1 GPU: the initial multilingual job runs 0–10 h; an update at day 0 waits.
        let result = try run(ToyScenario.yaml(strategies: "[full-retrain]", schedule: "horizon_days: 5\nevents: [{day: 0, language: a, add_examples: 1}]", pool: 1))
        let full = try #require(result.strategy(.fullRetrain))
        // update job: 10 + 1 = 11 h, starts at 10 h → deployed at 21 h after arrival at 0.
        #expect(close(full.latency.meanHours, 21))
        #expect(close(full.maintenance.wallClockHours, 21))
    }

    @Test func continuedTrainsNewExamplesPlusReplay() throws {
        let result = try run(ToyScenario.yaml(
            strategies: "[full-retrain, continued]", schedule: "horizon_days: 30\nevents: [{day: 10, language: a, add_examples: 4}]",
            extra: "continued: {replay_fraction: 0.5}"))
        let continued = try #require(result.strategy(.continued))
        #expect(close(continued.initial.gpuHours, 10))
        // 4 new + 0.5 × 9 old = 8.5 examples + 1 h start-up.
        #expect(close(continued.maintenance.gpuHours, 9.5))
    }

    @Test func hybridAddsAFullRefreshEveryNDays() throws {
        let result = try run(ToyScenario.yaml(
            strategies: "[full-retrain, hybrid]", schedule: "horizon_days: 30\nevents: [{day: 10, language: a, add_examples: 4}]",
            extra: "hybrid: {refresh_every_days: 20}"))
        let hybrid = try #require(result.strategy(.hybrid))
        #expect(close(hybrid.initial.gpuHours, 13))
        // day 10: adapter a 7 h + merge 1 h; day 20: refresh on all data 13 + 1 = 14 h.
        #expect(close(hybrid.maintenance.gpuHours, 8 + 14))
        #expect(hybrid.builds.map(\.build.reason) == [.initial, .update, .refresh])
    }

    @Test func releaseWindowsBatchUpdates() throws {
        let result = try run(ToyScenario.yaml(schedule: """
            horizon_days: 30
            events: [{day: 3, language: a, add_examples: 1}, {day: 6, language: b, add_examples: 1}]
            release_every_days: 7
            """))
        #expect(result.updates == 1)
        let full = try #require(result.strategy(.fullRetrain))
        // Both ship on day 7 in one 11 + 1 = 12 h build: latencies (4 d + 12 h) and (1 d + 12 h).
        #expect(close(full.latency.meanHours, ((96 + 12) + (24 + 12)) / 2))
    }

    @Test func additionTrainsOnlyTheNewAdapter() throws {
        let result = try run(ToyScenario.yaml(schedule: "horizon_days: 30\nadditions: [{day: 10, language: d, examples: 5, tokens_per_example: 1}]"))
        let merge = try #require(result.strategy(.merge))
        #expect(close(merge.maintenance.gpuHours, 6 + 1))  // adapter d (5 + 1 h) + merge
        let full = try #require(result.strategy(.fullRetrain))
        #expect(close(full.maintenance.gpuHours, 14 + 1))  // all 14 examples + 1 h
    }

    @Test func poissonArrivalsMatchTheirRateAndAreSeedDeterministic() throws {
        let yaml = ToyScenario.yaml(strategies: "[full-retrain]", schedule: "horizon_days: 365\npoisson: [{languages: all, per_year: 4, add_examples: 1}]")
        let scenario = try ToyScenario.load(yaml)
        var total = 0
        let trials = 400
        for seed in 0..<UInt64(trials) {
            var engine = SimulationEngine()
            engine.run(scenario, seed: seed)
            total += engine.arrivals
        }
        let mean = Double(total) / Double(trials)
        // 3 languages × 4 per year = 12; the mean of 400 Poisson(12) draws has sd ≈ 0.17.
        #expect(abs(mean - 12) < 0.7, "mean \(mean)")
        #expect(Simulator(scenario: scenario).run(seed: 7) == Simulator(scenario: scenario).run(seed: 7))
    }
}
