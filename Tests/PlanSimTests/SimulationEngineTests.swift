import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim
import PlanRandom

/// The engine's totals-only runs (Monte Carlo trials, sweeps) compute exactly what its recorded
/// runs (tables, plots) compute.
struct SimulationEngineTests {
    static let schedules: [(String, String, String)] = [
        ("poisson", "[full-retrain, merge, continued, hybrid]",
         "horizon_days: 400\npoisson: [{languages: all, per_year: 9, add_examples: 2}]\nrelease_every_days: 7"),
        ("periodic+events+additions", "[full-retrain, merge, continued, hybrid]",
         "horizon_days: 300\nperiodic: [{languages: [a, c], every_days: 30, add_examples: 3}]\nevents: [{day: 10, language: b, add_examples: 5}, {day: 10, language: d, add_examples: 1}, {day: 250, language: a, add_examples: 2}]\nadditions: [{day: 100, language: d, examples: 6, tokens_per_example: 2}]\npoisson: [{languages: [b, d], per_year: 12, add_examples: 1}]"),
        ("same-day, no release window", "[merge, continued]",
         "horizon_days: 90\nperiodic: [{languages: all, every_days: 15, add_examples: 1}]\npoisson: [{languages: all, per_year: 20, add_examples: 4}]"),
    ]

    func outcomes(_ result: SimulationResult) -> [SimulationEngine.Outcome] {
        result.strategies.map {
            SimulationEngine.Outcome(kind: $0.kind, initial: $0.initial, maintenance: $0.maintenance, latency: $0.latency,
                                     lastFinishHours: $0.pool.lastFinishHours, maxLatencyHours: $0.pool.maxLatencyHours,
                                     peakQueuedJobs: $0.pool.peakQueuedJobs, queuedAtHorizonEnd: $0.pool.queuedAtHorizonEnd,
                                     backlogHours: $0.pool.backlogHours)
        }
    }

    @Test(arguments: 0..<schedules.count)
    func totalsOnlyRunsMatchRecordedRunsBitForBit(_ index: Int) throws {
        let (_, strategies, schedule) = Self.schedules[index]
        let scenario = try ToyScenario.load(ToyScenario.yaml(strategies: strategies, schedule: schedule, pool: 2,
                                                             extra: "continued: {replay_fraction: 0.3}\nhybrid: {refresh_every_days: 60}"))
        var engine = SimulationEngine()
        for seed in UInt64(1)...12 {
            let reference = Simulator(scenario: scenario).run(seed: seed, detailed: true)
            engine.run(scenario, seed: seed)
            #expect(engine.arrivals == reference.arrivals)
            #expect(engine.outcomes == outcomes(reference), "seed \(seed)")
        }
    }

    @Test(arguments: [true, false])
    func matchesOnTheFiftyLanguageScenario(packing: Bool) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scenarios/fifty-languages.yaml")
        var scenario = try ScenarioLoader(catalog: try Catalog.bundled()).load(text: String(contentsOf: url, encoding: .utf8), file: "fifty.yaml")
        scenario.finetune.packing = packing
        var engine = SimulationEngine()
        for trial in 0..<3 {
            var rng = Xoshiro256StarStar(seed: 42, stream: UInt64(trial))
            let sampled = MonteCarlo.sample(scenario, rng: &rng)
            let seed = rng.next()
            let reference = Simulator(scenario: sampled).run(seed: seed, detailed: true)
            engine.run(sampled, seed: seed)
            #expect(engine.arrivals == reference.arrivals)
            #expect(engine.outcomes == outcomes(reference))
        }
    }

    @Test func latencySummaryBySelectionEqualsTheSortedOne() {
        var rng = Xoshiro256StarStar(seed: 9)
        for n in [1, 2, 3, 10, 11, 57, 400, 601, 602, 1350, 5000] {
            var samples = (0..<n).map { _ in (rng.unit() * 20).rounded() }  // many ties
            let expected = LatencySummary(samples)
            #expect(SimulationEngine.summary(&samples) == expected)
            // Distinct values, and a rising trend (a saturated pool's latencies).
            var distinct = (0..<n).map { _ in rng.unit() * 100 }
            let expectedDistinct = LatencySummary(distinct)
            #expect(SimulationEngine.summary(&distinct) == expectedDistinct)
            var rising = (0..<n).map { Double($0) + rng.unit() * 50 }
            let expectedRising = LatencySummary(rising)
            #expect(SimulationEngine.summary(&rising) == expectedRising)
        }
        // Every rank of a sample past the sampling threshold.
        let values = (0..<700).map { _ in (rng.unit() * 300).rounded() }
        let sorted = values.sorted()
        for k in stride(from: 0, to: 700, by: 13) {
            var copy = values
            #expect(SimulationEngine.select(&copy, k) == sorted[k])
            #expect(copy[(k + 1)...].allSatisfy { $0 >= sorted[k] } && copy[..<k].allSatisfy { $0 <= sorted[k] })
        }
    }

    /// The Monte Carlo figures from the engine equal those of the reference path (sample the
    /// scenario, `Simulator.run(detailed: false)`, `MonteCarlo.values(_:)` per strategy).
    @Test func monteCarloFiguresEqualTheReferencePath() throws {
        let scenario = try ToyScenario.load(ToyScenario.yaml(
            strategies: "[full-retrain, merge, continued, hybrid]",
            schedule: "horizon_days: 200\npoisson: [{languages: all, per_year: 8, add_examples: 2}]\nrelease_every_days: 7",
            extra: "hybrid: {refresh_every_days: 50}\nuncertainty:\n  hardware.mfu: {uniform: [0.5, 1.0]}\n  schedule.poisson.per_year: {uniform: [2, 12]}"))
        let width = scenario.strategies.count * MonteCarlo.figures.count
        var engine = SimulationEngine()
        var values = [Double](repeating: 0, count: width)
        for trial in 0..<20 {
            MonteCarlo.trial(scenario, seed: 9, index: trial, engine: &engine)
            MonteCarlo.values(engine.outcomes, baseline: .fullRetrain, into: &values)
            var rng = Xoshiro256StarStar(seed: 9, stream: UInt64(trial))
            let sampled = MonteCarlo.sample(scenario, rng: &rng)
            let reference = Simulator(scenario: sampled).run(seed: rng.next(), detailed: false)
            #expect(values == reference.strategies.flatMap(MonteCarlo.values), "trial \(trial)")
        }
    }
}

/// The selection and summary over plain arrays, as the tests call them.
extension SimulationEngine {
    /// `summary` of an array (summed in sample order). Reorders `samples`.
    static func summary(_ samples: inout [Double]) -> LatencySummary {
        var sum = 0.0
        for value in samples { sum += value }
        return samples.withUnsafeMutableBufferPointer { summary($0, sum: sum) }
    }

    /// The `k`-th smallest of `values`, in place (`floydRivest`).
    static func select(_ values: inout [Double], _ k: Int) -> Double {
        values.withUnsafeMutableBufferPointer { a in
            floydRivest(a, left: 0, right: a.count - 1, k: k)
            return a[k]
        }
    }
}
