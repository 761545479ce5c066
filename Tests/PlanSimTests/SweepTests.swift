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
        // Cheaper up to s = 2 h, dearer from s = 3 h: one crossing, at s = 2.5 h = 150 minutes.
        #expect(!result.cheaperThroughout)
        #expect(result.crossings.count == 1)
        let crossing = try #require(result.crossings.first)
        #expect(crossing.from == 120 && crossing.to == 180 && crossing.becomes == .dearer)
        #expect(abs(crossing.interpolated - 150) < 1e-6)
        #expect(result.regions.map(\.side) == [.cheaper, .dearer])
        #expect(result.breakEven == nil)
        let reversed = try Sweep(scenario: scenario, seed: 1).run(.init(field: "languages.a.examples", from: 2, to: 2, step: 1))
        #expect(reversed.points.count == 1)
    }

    @Test func breakEvenFromAboveZeroToBelow() {
        func point(_ v: Double, _ gap: Double) -> Sweep.Point { Sweep.Point(value: v, strategies: [], gapUSD: gap) }
        let crossing = Sweep.breakEven([point(1, 4), point(2, 2), point(3, -2)])
        #expect(crossing.first == 3 && crossing.interpolated == 2.5 && !crossing.throughout)
        #expect(Sweep.breakEven([point(1, 1), point(2, 3)]).first == nil)
    }

    @Test func everySignChangeIsACrossingAndThroughoutNeedsOneSign() {
        func point(_ v: Double, _ gap: Double) -> Sweep.Point { Sweep.Point(value: v, strategies: [], gapUSD: gap, baselineCostUSD: 100) }
        // The shape: cheaper, cheaper, cheaper, dearer, dearer.
        let shape = [point(300, -3.48), point(330, -3.48), point(360, -3.48), point(390, 4.67), point(420, 4.67)]
        let crossings = Sweep.crossings(shape)
        #expect(crossings.count == 1 && crossings[0].from == 360 && crossings[0].to == 390 && crossings[0].becomes == .dearer)
        #expect(abs(crossings[0].interpolated - (360 + 30 * 3.48 / (3.48 + 4.67))) < 1e-9)
        #expect(!Sweep.breakEven(shape).throughout && Sweep.breakEven(shape).first == nil)
        // Dearer, cheaper, dearer, cheaper: three crossings; break-even is the first into cheaper.
        let zigzag = [point(1, 2), point(2, -2), point(3, 2), point(4, -6)]
        #expect(Sweep.crossings(zigzag).map(\.becomes) == [.cheaper, .dearer, .cheaper])
        #expect(Sweep.crossings(zigzag).map(\.interpolated) == [1.5, 2.5, 3.25])
        #expect(Sweep.breakEven(zigzag).first == 2 && Sweep.breakEven(zigzag).interpolated == 1.5)
        #expect(Sweep.regions(zigzag).count == 4)
        // A point at exactly zero is its own side; the crossing sits on it.
        let even = [point(1, -1), point(2, 0), point(3, 1)]
        #expect(Sweep.crossings(even).map(\.interpolated) == [2, 2] && Sweep.crossings(even).map(\.becomes) == [.even, .dearer])
        #expect(Sweep.breakEven([point(1, -1), point(2, -3)]).throughout)
        #expect(!Sweep.breakEven([point(1, -1), point(2, 0)]).throughout)
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
