import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim

/// The planning answers agree with one another: a sweep point at the scenario's own value is the
/// simulation, a tornado row's low and high are sweep points, and Monte Carlo over a
/// distribution of zero width is the deterministic run.
struct ConsistencyInvariantTests {
    /// Two cadences (weekly for `a`, every four weeks for `b` and `c`), an explicit update and
    /// Poisson arrivals, so that the seed matters.
    static let twoCadences = ToyScenario.yaml(
        strategies: "[full-retrain, merge, continued]",
        schedule: """
            horizon_days: 120
            periodic: [{languages: [a], every_days: 7, add_examples: 1}, {languages: [b, c], every_days: 28, add_examples: 3}]
            poisson: [{languages: all, per_year: 6, add_examples: 2}]
            events: [{day: 40, language: c, add_examples: 5}]
            """,
        pool: 3)

    static func scenario() throws -> Scenario { try ToyScenario.load(twoCadences) }

    /// Every figure of every strategy of a sweep point equals the simulation's.
    static func expectSame(_ point: Sweep.Point, _ result: SimulationResult, _ what: String) {
        #expect(point.strategies.map(\.kind) == result.strategies.map(\.kind), "\(what)")
        for (row, outcome) in zip(point.strategies, result.strategies) {
            #expect(row.total == outcome.total, "\(what): \(row.kind) total")
            #expect(row.maintenance == outcome.maintenance, "\(what): \(row.kind) maintenance")
            #expect(row.initial == outcome.initial, "\(what): \(row.kind) initial")
            #expect(row.latency == outcome.latency, "\(what): \(row.kind) latency")
            #expect(row.breakEvenDay == outcome.breakEvenDay, "\(what): \(row.kind) break-even day")
        }
    }

    static let seed: UInt64 = 17

    @Test(arguments: [
        "schedule.periodic[0].every_days", "schedule.periodic[1].every_days", "schedule.periodic[1].add_examples",
        "schedule.poisson.per_year", "schedule.events[0].add_examples", "languages.b.examples", "languages.*.tokens_per_example",
        "hardware.pool_gpus", "hardware.usd_per_gpu_hour", "overheads.job_startup_minutes", "languages.count", "schedule.horizon_days",
    ])
    func aSweepAtTheScenariosOwnValueIsTheSimulation(_ field: String) throws {
        let scenario = try Self.scenario()
        let own = try scenario.value(at: field)
        let simulated = Simulator(scenario: scenario).run(seed: Self.seed)
        let sweep = try Sweep(scenario: scenario, seed: Self.seed).run(.init(field: field, from: own, to: own, step: 1))
        try #require(sweep.points.count == 1)
        Self.expectSame(sweep.points[0], simulated, field)
    }

    /// Sweeping the weekly cadence moves that cadence only: each point is the simulation of the
    /// scenario with entry 0 edited by hand, and the point at 7 days is the scenario itself.
    @Test func anIndexedSweepMovesOneCadence() throws {
        let scenario = try Self.scenario()
        let sweep = try Sweep(scenario: scenario, seed: Self.seed).run(.init(field: "schedule.periodic[0].every_days", from: 7, to: 28, step: 7))
        #expect(sweep.points.map(\.value) == [7, 14, 21, 28])
        for point in sweep.points {
            var edited = scenario
            edited.schedule.periodic[0].everyDays = point.value
            #expect(edited.schedule.periodic[1].everyDays == 28)
            Self.expectSame(point, Simulator(scenario: edited).run(seed: Self.seed), "every_days \(point.value)")
        }
        Self.expectSame(sweep.points[0], Simulator(scenario: scenario).run(seed: Self.seed), "own value")
        // The bare path would set both cadences: refused, naming the indexed forms.
        #expect(throws: PlanCoreError.self) { try Sweep(scenario: scenario, seed: Self.seed).run(.init(field: "schedule.periodic.every_days", from: 7, to: 7, step: 1)) }
    }

    /// A tornado row's low and high are sweep points at those values, and its base gap is the
    /// simulation's; `[*]` rows scale each entry, so their points are the scaled scenarios.
    @Test func tornadoRowsAreSweepPoints() throws {
        let scenario = try Self.scenario()
        let tornado = try Tornado(scenario: scenario, seed: Self.seed).run()
        let fields = tornado.bars.map(\.field)
        // The two cadences have rows of their own.
        #expect(fields.contains("schedule.periodic[0].every_days") && fields.contains("schedule.periodic[1].every_days"))
        #expect(!fields.contains("schedule.periodic.every_days"))
        let (baseline, compared) = try #require(Sweep.pair(scenario))
        let base = Simulator(scenario: scenario).run(seed: Self.seed)
        #expect(tornado.baseGapUSD == (base.strategy(compared)?.total.costUSD ?? 0) - (base.strategy(baseline)?.total.costUSD ?? 0))
        for bar in tornado.bars {
            let sweeper = Sweep(scenario: scenario, seed: Self.seed)
            if bar.field.contains("*") {
                for (factor, gap) in [(0.75, bar.gapLowUSD), (1.25, bar.gapHighUSD)] {
                    let scaled = try #require(scenario.scalingClamped(bar.field, by: factor))
                    let result = Simulator(scenario: scaled).run(seed: Self.seed)
                    #expect(gap == (result.strategy(compared)?.total.costUSD ?? 0) - (result.strategy(baseline)?.total.costUSD ?? 0), "\(bar.field) × \(factor)")
                }
                continue
            }
            for (value, gap) in [(bar.low, bar.gapLowUSD), (bar.high, bar.gapHighUSD)] {
                let point = try sweeper.run(.init(field: bar.field, from: value, to: value, step: 1)).points
                #expect(point.first?.gapUSD == gap, "\(bar.field) at \(value)")
            }
        }
    }

    /// `languages.*.examples` in the tornado keeps each language's own size: ±25% of 2, 3 and 4.
    @Test func starRowsScaleEachEntry() throws {
        let scenario = try Self.scenario()
        let high = try #require(scenario.scalingClamped("languages.*.examples", by: 1.25))
        #expect(high.languages.map(\.examples) == [2.5, 3.75, 5])
        #expect(try high.value(at: "languages.*.examples") == 3.75)
        let set = try scenario.setting("languages.*.examples", to: 3)
        #expect(set.languages.map(\.examples) == [3, 3, 3])
    }

    /// Monte Carlo over zero-width distributions (and no Poisson arrivals, which are drawn per
    /// trial) has every band collapsed onto the deterministic run.
    @Test(arguments: ["uniform", "triangular", "normal", "lognormal"])
    func aZeroWidthDistributionIsTheDeterministicRun(_ kind: String) throws {
        let parameters = ["uniform": "[2.5, 2.5]", "triangular": "[2.5, 2.5, 2.5]", "normal": "[2.5, 0]", "lognormal": "[2.5, 0]"]
        let cadences = "[{languages: [a], every_days: 7, add_examples: 1}, {languages: [b, c], every_days: 28, add_examples: 3}]"
        let text = ToyScenario.yaml(
            strategies: "[full-retrain, merge, continued]", schedule: "horizon_days: 120\nperiodic: \(cadences)", pool: 3,
            extra: """
                uncertainty:
                  hardware.usd_per_gpu_hour: {\(kind): \(parameters[kind] ?? "")}
                  schedule.periodic[1].add_examples: {\(kind): \(parameters[kind] ?? "")}
                """)
        let scenario = try ToyScenario.load(text)
        var fixed = scenario
        fixed.uncertainty = []
        fixed.hardware.usdPerGPUHour = 2.5
        fixed.schedule.periodic[1].addExamples = 2.5
        let deterministic = Simulator(scenario: fixed).run(seed: Self.seed)
        let monteCarlo = MonteCarlo(scenario: scenario, trials: 16, seed: Self.seed).run()
        for outcome in deterministic.strategies {
            let bands = try #require(monteCarlo.percentiles[outcome.kind])
            for (figure, value) in zip(MonteCarlo.figures, MonteCarlo.values(outcome)) where bands[figure] != nil {
                let band = try #require(bands[figure])
                let tolerance = 1e-9 * max(1, abs(value))
                #expect(abs(band.p50 - value) <= tolerance && abs(band.p10 - value) <= tolerance && abs(band.p90 - value) <= tolerance,
                        "\(kind) \(outcome.kind) \(figure): p50 \(band.p50) vs \(value)")
            }
        }
    }
}
