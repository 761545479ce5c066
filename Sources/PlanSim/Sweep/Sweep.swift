import Foundation
import PlanCore

/// A parameter sweep: the same scenario simulated at each value of one field (common random
/// numbers: every point uses the same seed), with the point where the compared strategy first
/// becomes cheaper than the baseline.
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
        public var strategies: [(kind: StrategyKind, total: PhaseTotals, maintenance: PhaseTotals, latency: LatencySummary)]
        /// compared.total.costUSD − baseline.total.costUSD (negative = compared is cheaper).
        public var gapUSD: Double

        public static func == (a: Point, b: Point) -> Bool {
            a.value == b.value && a.gapUSD == b.gapUSD && a.strategies.map(\.kind) == b.strategies.map(\.kind)
                && a.strategies.map(\.total) == b.strategies.map(\.total)
        }
    }

    public struct Result: Sendable, Equatable {
        public var range: Range
        public var baseline: StrategyKind
        public var compared: StrategyKind
        public var points: [Point]
        /// The first grid value at which `compared` is cheaper than the baseline after a value
        /// where it was not; nil when it never becomes cheaper in the range.
        public var breakEven: Double?
        /// Where the cost gap crosses zero by linear interpolation between the two grid values
        /// around `breakEven` (meaningful for continuous fields; step-like costs, such as an
        /// update that falls inside or outside the horizon, cross at `breakEven`).
        public var breakEvenInterpolated: Double?
        /// True when `compared` is already cheaper at the first value.
        public var cheaperThroughout: Bool
    }

    public var scenario: Scenario
    public var seed: UInt64

    public init(scenario: Scenario, seed: UInt64) {
        self.scenario = scenario
        self.seed = seed
    }

    /// The baseline and the strategy compared with it (`merge` when simulated).
    public static func pair(_ scenario: Scenario) -> (StrategyKind, StrategyKind)? {
        let baseline = scenario.strategies.contains(.fullRetrain) ? StrategyKind.fullRetrain : scenario.strategies[0]
        let others = scenario.strategies.filter { $0 != baseline }
        guard let compared = others.contains(.merge) ? .merge : others.first else { return nil }
        return (baseline, compared)
    }

    /// Checks every value of `range` against the field's bounds and the work limits, without
    /// simulating: a bad grid fails before any work.
    public func check(_ range: Range) throws {
        _ = try scenario.value(at: range.field)
        for value in range.values {
            do { try scenario.setting(range.field, to: value).checkWorkLimits() } catch let PlanCoreError.workLimit(message) {
                throw PlanCoreError.workLimit("--vary \(range.field) at \(value): \(message)")
            }
        }
    }

    /// Simulates every value of `range`; throws when a value is invalid for the field.
    public func run(_ range: Range, progress: ((Int) -> Void)? = nil) throws -> Result {
        guard let (baseline, compared) = Self.pair(scenario) else {
            throw PlanCoreError.invalidArgument("a sweep compares two strategies; the scenario lists only \(scenario.strategies.map(\.rawValue))")
        }
        let values = range.values
        try check(range)
        var points: [Point] = []
        for (index, value) in values.enumerated() {
            let variant = try scenario.setting(range.field, to: value)
            let result = Simulator(scenario: variant).run(seed: seed)
            let rows = result.strategies.map { ($0.kind, $0.total, $0.maintenance, $0.latency) }
            let gap = (result.strategy(compared)?.total.costUSD ?? 0) - (result.strategy(baseline)?.total.costUSD ?? 0)
            points.append(Point(value: value, strategies: rows, gapUSD: gap))
            progress?(index + 1)
        }
        let crossing = Self.breakEven(points)
        return Result(range: range, baseline: baseline, compared: compared, points: points, breakEven: crossing.first,
                      breakEvenInterpolated: crossing.interpolated, cheaperThroughout: crossing.throughout)
    }

    /// First sign change of the gap from ≥ 0 to < 0: the grid value, and the linear
    /// interpolation between it and the previous one.
    static func breakEven(_ points: [Point]) -> (first: Double?, interpolated: Double?, throughout: Bool) {
        guard let first = points.first else { return (nil, nil, false) }
        if first.gapUSD < 0 { return (first.value, first.value, true) }
        for (a, b) in zip(points, points.dropFirst()) where a.gapUSD >= 0 && b.gapUSD < 0 {
            let t = a.gapUSD / (a.gapUSD - b.gapUSD)
            return (b.value, a.value + t * (b.value - a.value), false)
        }
        return (nil, nil, false)
    }
}
