import Foundation
import PlanCore

/// One-at-a-time sensitivity: each input moved ±25% (clamped to its valid range), ranked by how
/// much it moves the cost gap between the compared strategy and the baseline. A path that names
/// several entries (`languages.*.examples`, `schedule.events[*].add_examples`) scales each entry
/// by ±25% from its own value; its `base`, `low` and `high` are the entries' means.
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
        // A list with one entry keeps the bare path; with more, each rule has rows of its own
        // (up to `rowsPerList`; explicit updates, usually many small dated entries, never), past
        // which the list moves as one, `[*]`, each entry scaled from its own value.
        func list(_ name: String, _ count: Int, _ keys: [String], rows: Int = rowsPerList) {
            guard count > 0 else { return }
            let entries = count == 1 ? [""] : count <= rows ? (0..<count).map { "[\($0)]" } : ["[*]"]
            fields += entries.flatMap { entry in keys.map { "\(name)\(entry).\($0)" } }
        }
        list("schedule.events", scenario.schedule.events.count, ["add_examples"], rows: 1)
        list("schedule.periodic", scenario.schedule.periodic.count, ["every_days", "add_examples"])
        list("schedule.poisson", scenario.schedule.poisson.count, ["per_year", "add_examples"])
        return fields
    }

    /// Entries of a periodic or Poisson list that get tornado rows of their own.
    public static let rowsPerList = 4

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
        // A gap within rounding noise of the base gap (1e-9 of it) is the base gap: an input
        // that does not move the gap swings 0, whatever order the engine summed its costs in.
        // Ties are ordered by name.
        let baseGap = gap(scenario)
        let noise = 1e-9 * max(abs(baseGap), 1)
        func snapped(_ value: Double) -> Double { abs(value - baseGap) <= noise ? baseGap : value }
        var bars: [Bar] = []
        for field in fields ?? Self.defaultFields(scenario) {
            let base = try scenario.value(at: field)
            guard base != 0 else { continue }
            // Each entry of a `[*]` / `languages.*` path is scaled from its own value.
            let low = scenario.scalingClamped(field, by: 1 - fraction) ?? scenario
            let high = scenario.scalingClamped(field, by: 1 + fraction) ?? scenario
            bars.append(Bar(field: field, base: base, low: (try? low.value(at: field)) ?? base, high: (try? high.value(at: field)) ?? base,
                            gapLowUSD: snapped(gap(low)), gapHighUSD: snapped(gap(high))))
        }
        // Swings equal but for rounding noise (epochs, examples and tokens per example all scale
        // the trained tokens) tie too: compared in steps of the noise.
        func swing(_ bar: Bar) -> Double { (bar.swingUSD / noise).rounded() }
        bars.sort { (swing($0), $1.field) > (swing($1), $0.field) }
        return Result(baseGapUSD: baseGap, baseline: baseline, compared: compared, bars: bars)
    }
}
