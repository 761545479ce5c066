import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim

struct SweepTests {
    @Test func rangeParsing() throws {
        let range = try Sweep.Range.parse("languages.count=1:5:2")
        #expect(range.field == "languages.count" && range.values == [1, 3, 5])
        #expect(try Sweep.Range.parse("hardware.mfu=0.1:0.3:0.1").values.count == 3)
        for bad in ["x", "a=1:2", "a=1:0:1", "a=1:2:0", "a=1:2:-1", "a=nan:2:1", "a=0:1e9:1"] {
            #expect(throws: PlanCoreError.self) { try Sweep.Range.parse(bad) }
        }
    }

    @Test func breakEvenInterpolatesTheFirstSignChange() throws {
        let yaml = ToyScenario.yaml(schedule: "horizon_days: 30\nevents: [{day: 10, language: a, add_examples: 4}]")
        let scenario = try ToyScenario.load(yaml)
        // Job start-up s hours: full = (9 + s) + (13 + s) = 22 + 2s; merge = (9 + 3s + 1) + (6 + s + 1) = 17 + 4s
        // (merge start-up stays 1 h). Gap = (17 + 4s − 22 − 2s) × $2 = (2s − 5) × $2: merge cheaper while s < 2.5 h.
        let result = try Sweep(scenario: scenario, seed: 1).run(.init(field: "overheads.job_startup_minutes", from: 0, to: 300, step: 60))
        #expect(result.points.count == 6)
        for point in result.points {
            let s = point.value / 60
            #expect(abs(point.gapUSD - (2 * s - 5) * 2) < 1e-6, "at \(point.value)")
        }
        // Cheaper at s = 0, dearer from s = 3 h on: already cheaper at the start of the range.
        #expect(result.cheaperThroughout)
        let reversed = try Sweep(scenario: scenario, seed: 1).run(.init(field: "languages.a.examples", from: 2, to: 2, step: 1))
        #expect(reversed.points.count == 1)
    }

    @Test func breakEvenFromAboveZeroToBelow() {
        func point(_ v: Double, _ gap: Double) -> Sweep.Point { Sweep.Point(value: v, strategies: [], gapUSD: gap) }
        let crossing = Sweep.breakEven([point(1, 4), point(2, 2), point(3, -2)])
        #expect(crossing.first == 3 && crossing.interpolated == 2.5 && !crossing.throughout)
        #expect(Sweep.breakEven([point(1, 1), point(2, 3)]).first == nil)
    }

    @Test func tornadoRanksBySwingAndIgnoresNeutralInputs() throws {
        let yaml = ToyScenario.yaml(schedule: "horizon_days: 30\nevents: [{day: 10, language: a, add_examples: 4}]")
        let scenario = try ToyScenario.load(yaml)
        let result = try Tornado(scenario: scenario, seed: 1).run(fields: ["overheads.job_startup_minutes", "hardware.usd_per_gpu_hour", "schedule.events.add_examples"])
        // Gap = −3 GPU-hours × price: price ±25% → −$4.50 / −$7.50 (swing $3); start-up 45 / 75 min →
        // (2s − 5) × $2 = −$7 / −$5 (swing $2).
        #expect(result.bars.map(\.field) == ["hardware.usd_per_gpu_hour", "overheads.job_startup_minutes", "schedule.events.add_examples"])
        #expect(abs(result.bars[0].swingUSD - 3) < 1e-6 && abs(result.bars[1].swingUSD - 2) < 1e-6)
        let swings = result.bars.map(\.swingUSD)
        #expect(swings == swings.sorted(by: >))
        // Extra examples cost both strategies the same GPU-hours: no effect on the gap.
        let neutral = try #require(result.bars.first { $0.field == "schedule.events.add_examples" })
        #expect(abs(neutral.swingUSD) < 1e-9)
        // Gap at base: s = 1 h → (2 − 5) × 2 = −6.
        #expect(abs(result.baseGapUSD + 6) < 1e-6)
    }
}
