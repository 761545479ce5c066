import Foundation
import PlanCore

/// A parameter sweep: the same scenario simulated at each value of one field (common random
/// numbers: every point uses the same seed), with every value where the cost gap between the
/// compared strategy and the baseline changes sign.
public struct Sweep: Sendable {
    /// One field's range, `FIELD=A:B:STEP`.
    public struct Range: Sendable, Equatable {
        public var field: String
        public var from: Double
        public var to: Double
        public var step: Double

        public init(field: String, from: Double, to: Double, step: Double) {
            self.field = field
            self.from = from
            self.to = to
            self.step = step
        }

        /// Parses `FIELD=A:B:STEP`; throws a usage message.
        public static func parse(_ text: String) throws -> Range {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            let numbers = parts.count == 2 ? parts[1].split(separator: ":").map { Double($0) } : []
            guard parts.count == 2, numbers.count == 3, let a = numbers[0], let b = numbers[1], let step = numbers[2],
                a.isFinite, b.isFinite, step.isFinite
            else {
                throw PlanCoreError.invalidArgument("--vary expects FIELD=A:B:STEP (e.g. languages.count=1:50:1), got '\(TerminalText.excerpt(text))'")
            }
            guard step > 0, b >= a else {
                throw PlanCoreError.invalidArgument("--vary \(TerminalText.excerpt(parts[0])): need STEP > 0 and B >= A, got \(a):\(b):\(step)")
            }
            // Count in Double and compare before any conversion: (b - a) / step may be 1e19 or infinite.
            let intervals = (b - a) / step
            guard intervals.isFinite, intervals < Double(WorkLimits.sweepPoints) else {
                let count = intervals.isFinite ? String(format: "%.3g", intervals.rounded(.down) + 1) : "more than 1e308"
                throw PlanCoreError.workLimit(
                    "--vary \(TerminalText.excerpt(parts[0])): at most \(WorkLimits.sweepPoints) points, got \(count); widen STEP or narrow A:B")
            }
            guard b == a || a + step != a else {
                throw PlanCoreError.invalidArgument("--vary \(TerminalText.excerpt(parts[0])): STEP \(step) is too small to change \(a); every point would be the same")
            }
            return Range(field: parts[0], from: a, to: b, step: step)
        }

        /// A, A + STEP, ... up to B (B included when it lies on the grid, within rounding).
        public var values: [Double] {
            let intervals = ((to - from) / step + 1e-9).rounded(.down)
            guard intervals.isFinite, intervals >= 0 else { return [from] }
            let count = Int(min(intervals, Double(WorkLimits.sweepPoints))) + 1
            // Distinct values only: near a huge A, A + i·STEP may round to the same Double.
            var values: [Double] = []
            for index in 0..<count {
                let value = from + Double(index) * step
                if values.last != value { values.append(value) }
            }
            return values
        }
    }

    /// Totals of every strategy at one value.
    public struct Point: Sendable, Equatable {
        public var value: Double
        /// Per strategy (scenario order): its totals, phases, update latency, saturation, and
        /// against the baseline its savings and break-even day (nil for the baseline itself).
        public var strategies: [(kind: StrategyKind, total: PhaseTotals, maintenance: PhaseTotals, latency: LatencySummary, saturated: Bool,
                                 initial: PhaseTotals, savings: Savings?, breakEvenDay: Int?)]
        /// compared.total.costUSD − baseline.total.costUSD (negative = compared is cheaper).
        public var gapUSD: Double
        /// baseline.total.costUSD (the scale "equal within rounding" is judged on).
        public var baselineCostUSD: Double = 0
        /// With `trials` > 0: p10/p50/p90 of each strategy's total cost over the Monte Carlo
        /// trials at this value (strategy order), and the fraction of trials in which the
        /// compared strategy's total cost is below the baseline's.
        public var costBands: [PercentileBand] = []
        public var probabilityCheaper: Double?

        public static func == (a: Point, b: Point) -> Bool {
            a.value == b.value && a.gapUSD == b.gapUSD && a.strategies.map(\.kind) == b.strategies.map(\.kind)
                && a.strategies.map(\.total) == b.strategies.map(\.total) && a.costBands == b.costBands
                && a.probabilityCheaper == b.probabilityCheaper
        }
    }

    /// Which side of zero the cost gap is on at a grid value.
    public enum Side: String, Sendable, Equatable {
        /// compared costs less than the baseline.
        case cheaper
        /// compared costs more.
        case dearer
        /// Equal within rounding (1e-9 of the baseline's cost).
        case even
    }

    /// A change of side between two neighbouring grid values.
    public struct Crossing: Sendable, Equatable {
        /// The last grid value on the old side and the first on the new one.
        public var from: Double
        public var to: Double
        /// Where the gap crosses zero by linear interpolation between `from` and `to`
        /// (meaningful for continuous fields; for step-like costs, such as an update that
        /// falls inside or outside the horizon, all that is known is that it lies in between).
        public var interpolated: Double
        /// The side `compared` is on from `to` on.
        public var becomes: Side
    }

    /// A run of neighbouring grid values on the same side.
    public struct Region: Sendable, Equatable {
        public var from: Double
        public var to: Double
        public var side: Side
    }

    public struct Result: Sendable, Equatable {
        public var range: Range
        public var baseline: StrategyKind
        public var compared: StrategyKind
        public var points: [Point]
        /// Every sign change of the gap, in grid order.
        public var crossings: [Crossing]
        /// The grid split into runs of one side, in grid order.
        public var regions: [Region]
        /// The first grid value at which `compared` becomes cheaper after a value where it was
        /// not; nil when it never does in the range (including when it is cheaper throughout).
        public var breakEven: Double?
        /// `breakEven`'s crossing by linear interpolation.
        public var breakEvenInterpolated: Double?
        /// True only when `compared` is cheaper at every grid value.
        public var cheaperThroughout: Bool
        /// Grid values at which some strategy's pool is saturated (see `PoolUsage`).
        public var saturatedValues: [Double]
    }

    public var scenario: Scenario
    public var seed: UInt64
    /// Monte Carlo trials at every grid value (0: none). Every value uses the same trial
    /// seeds (common random numbers), so neighbouring bands differ by the field, not by chance;
    /// a swept field that is also uncertain stays at the grid value.
    public var trials: Int

    public init(scenario: Scenario, seed: UInt64, trials: Int = 0) {
        self.scenario = scenario
        self.seed = seed
        self.trials = trials
    }

    /// The baseline and the strategy compared with it: among the strategies that reach the
    /// quality floor (`Decision.quality`), `merge` when eligible, else the first eligible one.
    public static func pair(_ scenario: Scenario) -> (StrategyKind, StrategyKind)? {
        let baseline = scenario.strategies.contains(.fullRetrain) ? StrategyKind.fullRetrain : scenario.strategies[0]
        let others = scenario.strategies.filter { $0 != baseline && Decision.quality($0, in: scenario).eligible }
        guard let compared = others.contains(.merge) ? .merge : others.first else { return nil }
        return (baseline, compared)
    }

    /// Checks every value of `range` against the field's bounds and the work limits, without
    /// simulating: a bad grid fails before any work.
    public func check(_ range: Range) throws {
        _ = try scenario.value(at: range.field)
        let values = range.values
        var work = 0.0
        for value in values {
            do {
                let variant = try scenario.setting(range.field, to: value)
                try variant.checkWorkLimits()
                // The grid's total, summed point by point: checking costs no more than the limit.
                work += variant.simulationWork
                if work > Double(WorkLimits.sweepWork) {
                    throw PlanCoreError.workLimit(
                        "the grid's points up to this one simulate \(String(format: "%.0f", work)) languages and arrivals in all, more than the limit of "
                            + "\(WorkLimits.sweepWork) per sweep; widen STEP or narrow A:B")
                }
                // All points' trials together stay within the Monte Carlo limits.
                if trials > 0 { try variant.checkMonteCarloWork(trials: trials * values.count) }
            } catch let PlanCoreError.workLimit(message) {
                throw PlanCoreError.workLimit("--vary \(range.field) at \(value): \(message)")
            }
        }
    }

    /// Simulates every value of `range`; throws when a value is invalid for the field.
    public func run(_ range: Range, progress: ((Int) -> Void)? = nil) throws -> Result {
        guard let (baseline, compared) = Self.pair(scenario) else {
            let ineligible = scenario.strategies.filter { !Decision.quality($0, in: scenario).eligible }.map(\.rawValue)
            throw PlanCoreError.invalidArgument(
                "a sweep compares two strategies; the scenario lists \(scenario.strategies.map(\.rawValue))"
                    + (ineligible.isEmpty ? "" : ", of which \(ineligible) do not reach quality.floor"))
        }
        let values = range.values
        try check(range)
        var points: [Point] = []
        for (index, value) in values.enumerated() {
            let variant = try scenario.setting(range.field, to: value)
            let result = Simulator(scenario: variant).run(seed: seed)
            let rows = result.strategies.map { ($0.kind, $0.total, $0.maintenance, $0.latency, $0.pool.saturated, $0.initial, $0.savings, $0.breakEvenDay) }
            let baseCost = result.strategy(baseline)?.total.costUSD ?? 0
            let gap = (result.strategy(compared)?.total.costUSD ?? 0) - baseCost
            var point = Point(value: value, strategies: rows, gapUSD: gap, baselineCostUSD: baseCost)
            if trials > 0 {
                // The swept field is fixed at the grid value: an uncertainty entry that sets any of
                // the same values (`[*]` and `[0]` of one field) leaves the uncertainty block.
                var uncertain = variant
                uncertain.uncertainty.removeAll { variant.overlaps($0.path, range.field) }
                let monteCarlo = MonteCarlo(scenario: uncertain, trials: trials, seed: seed).run()
                point.costBands = variant.strategies.map { monteCarlo.percentiles[$0]?["cost_usd"] ?? PercentileBand([]) }
                point.probabilityCheaper = monteCarlo.probabilityCheaper[compared]
            }
            points.append(point)
            progress?(index + 1)
        }
        let crossing = Self.breakEven(points)
        let crossings = Self.crossings(points)
        return Result(range: range, baseline: baseline, compared: compared, points: points, crossings: crossings,
                      regions: Self.regions(points), breakEven: crossing.first, breakEvenInterpolated: crossing.interpolated,
                      cheaperThroughout: crossing.throughout,
                      saturatedValues: points.filter { $0.strategies.contains { $0.saturated } }.map(\.value))
    }

    /// The side of zero a point's gap is on.
    static func side(_ point: Point) -> Side {
        let tolerance = 1e-9 * max(1, abs(point.baselineCostUSD))
        if point.gapUSD < -tolerance { return .cheaper }
        if point.gapUSD > tolerance { return .dearer }
        return .even
    }

    /// Every change of side between neighbouring points, with the linear zero crossing.
    static func crossings(_ points: [Point]) -> [Crossing] {
        var result: [Crossing] = []
        for (a, b) in zip(points, points.dropFirst()) where side(a) != side(b) {
            let interpolated: Double
            if side(a) == .even {
                interpolated = a.value
            } else if side(b) == .even {
                interpolated = b.value
            } else {
                interpolated = a.value + a.gapUSD / (a.gapUSD - b.gapUSD) * (b.value - a.value)
            }
            result.append(Crossing(from: a.value, to: b.value, interpolated: interpolated, becomes: side(b)))
        }
        return result
    }

    /// Runs of neighbouring points on the same side.
    static func regions(_ points: [Point]) -> [Region] {
        var result: [Region] = []
        for point in points {
            let s = side(point)
            if let last = result.last, last.side == s {
                result[result.count - 1].to = point.value
            } else {
                result.append(Region(from: point.value, to: point.value, side: s))
            }
        }
        return result
    }

    /// The first change of the gap from not cheaper to cheaper: the grid value, and the linear
    /// interpolation between it and the previous one; `throughout` when every point is cheaper.
    static func breakEven(_ points: [Point]) -> (first: Double?, interpolated: Double?, throughout: Bool) {
        guard !points.isEmpty else { return (nil, nil, false) }
        if points.allSatisfy({ side($0) == .cheaper }) { return (nil, nil, true) }
        guard let crossing = crossings(points).first(where: { $0.becomes == .cheaper }) else { return (nil, nil, false) }
        return (crossing.to, crossing.interpolated, false)
    }
}
