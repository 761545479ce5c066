import Foundation
import PlanCore

/// One-at-a-time sensitivity: each input moved ±25% (clamped to its valid range), ranked by how
/// much it moves the cost gap between the compared strategy and the baseline.
public struct Tornado: Sendable {
    public struct Bar: Sendable, Equatable {
        public var field: String
        public var base: Double
        public var low: Double
        public var high: Double
        /// Gap (compared − baseline total dollars) with the field at `low` and at `high`.
        public var gapLowUSD: Double
        public var gapHighUSD: Double
        public var swingUSD: Double { abs(gapHighUSD - gapLowUSD) }
    }

    public struct Result: Sendable, Equatable {
        public var baseGapUSD: Double
        public var baseline: StrategyKind
        public var compared: StrategyKind
        /// Largest swing first.
        public var bars: [Bar]
    }

    /// Inputs the tornado moves by default (those that apply to the scenario).
    public static func defaultFields(_ scenario: Scenario) -> [String] {
        var fields = [
            "hardware.mfu", "hardware.usd_per_gpu_hour", "hardware.pool_gpus", "finetune.epochs",
            "overheads.job_startup_minutes", "overheads.merge_startup_minutes", "overheads.evaluation_examples_per_language",
            "languages.*.examples", "languages.*.tokens_per_example", "languages.count",
        ]
        if !scenario.schedule.events.isEmpty { fields.append("schedule.events.add_examples") }
        if !scenario.schedule.periodic.isEmpty { fields += ["schedule.periodic.every_days", "schedule.periodic.add_examples"] }
        if !scenario.schedule.poisson.isEmpty { fields += ["schedule.poisson.per_year", "schedule.poisson.add_examples"] }
        return fields
    }

    public var scenario: Scenario
    public var seed: UInt64
    public var fraction: Double

    public init(scenario: Scenario, seed: UInt64, fraction: Double = 0.25) {
        self.scenario = scenario
        self.seed = seed
        self.fraction = fraction
    }

    public func run(fields: [String]? = nil) throws -> Result {
        guard let (baseline, compared) = Sweep.pair(scenario) else {
            throw PlanCoreError.invalidArgument("a tornado compares two strategies; the scenario lists only \(scenario.strategies.map(\.rawValue))")
        }
        func gap(_ s: Scenario) -> Double {
            let result = Simulator(scenario: s).run(seed: seed)
            return (result.strategy(compared)?.total.costUSD ?? 0) - (result.strategy(baseline)?.total.costUSD ?? 0)
        }
        var bars: [Bar] = []
        for field in fields ?? Self.defaultFields(scenario) {
            let base = try scenario.value(at: field)
            guard base != 0 else { continue }
            let lowValue = base * (1 - fraction)
            let highValue = base * (1 + fraction)
            let low = scenario.settingClamped(field, to: lowValue) ?? scenario
            let high = scenario.settingClamped(field, to: highValue) ?? scenario
            bars.append(Bar(field: field, base: base, low: (try? low.value(at: field)) ?? base, high: (try? high.value(at: field)) ?? base,
                            gapLowUSD: gap(low), gapHighUSD: gap(high)))
        }
        bars.sort { ($0.swingUSD, $1.field) > ($1.swingUSD, $0.field) }
        return Result(baseGapUSD: gap(scenario), baseline: baseline, compared: compared, bars: bars)
    }
}
