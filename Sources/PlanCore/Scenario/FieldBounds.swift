import Foundation

/// The valid values of a numeric scenario field: a closed range, an optional exclusive lower
/// bound, and whether the field is a whole number. `ScenarioField` gives every field's bounds;
/// the loader, sweeps, Monte Carlo and `plan estimate` check against these.
///
/// `range.lowerBound` and `above` are both kept because the loader's messages name both: a
/// fraction in `(1e-6, 1]` says "must be greater than 1e-06" below the minimum and "must be
/// between 0 and 1" above one.
public struct FieldBounds: Sendable, Equatable {
    public var range: ClosedRange<Double>
    /// An exclusive lower bound (values at or below it are invalid), tighter than `range`'s.
    public var above: Double?
    /// Whole numbers only (rounded when a sweep or a draw sets them).
    public var isWhole: Bool

    public init(range: ClosedRange<Double>, above: Double? = nil, isWhole: Bool) {
        self.range = range
        self.above = above
        self.isWhole = isWhole
    }

    /// A real-valued field in `range`, above `above` when given.
    public static func real(_ range: ClosedRange<Double>, above: Double? = nil) -> FieldBounds {
        FieldBounds(range: range, above: above, isWhole: false)
    }

    /// A whole-number field in `range`. Every whole field's bounds are far below 2^53, so they
    /// convert between `Int` and `Double` exactly.
    public static func whole(_ range: ClosedRange<Int>) -> FieldBounds {
        FieldBounds(range: Double(range.lowerBound)...Double(range.upperBound), isWhole: true)
    }

    /// The range as whole numbers (for the loader's integer reader and `plan estimate`'s flags).
    public var wholeRange: ClosedRange<Int> { Int(range.lowerBound)...Int(range.upperBound) }

    /// The smallest valid value's neighbourhood: the lower bound and whether it is excluded.
    public var lower: (value: Double, isOpen: Bool) { above.map { ($0, true) } ?? (range.lowerBound, false) }

    /// The same bounds with the upper end lowered to `limit` (a day on the horizon, a period
    /// within it); `limit` below the lower end leaves only the lower end.
    public func capped(at limit: Double) -> FieldBounds {
        var copy = self
        copy.range = range.lowerBound...max(range.lowerBound, min(range.upperBound, limit))
        return copy
    }

    /// The same bounds with the lower end raised to `limit` (a pool at least as wide as its
    /// widest job); `limit` above the upper end leaves only the upper end.
    public func raisingLower(to limit: Double) -> FieldBounds {
        var copy = self
        copy.range = min(range.upperBound, max(range.lowerBound, limit))...range.upperBound
        return copy
    }

    /// `value` moved to the nearest valid value (NaN has none).
    public func clamped(_ value: Double) -> Double? {
        guard !value.isNaN else { return nil }
        var result = min(max(value, range.lowerBound), range.upperBound)
        if let above, result <= above { result = min(range.upperBound, isWhole ? (above + 1).rounded(.down) : above.nextUp) }
        return result
    }

    /// Throws `PlanCoreError.invalidArgument` naming `path` when `value` is not finite or not
    /// within the bounds (the messages of `plan sweep --vary` and `Scenario.setting`).
    public func check(_ value: Double, path: String) throws {
        guard value.isFinite else { throw PlanCoreError.invalidArgument("\(path) must be a finite number") }
        if let above, value <= above {
            throw PlanCoreError.invalidArgument("\(path) must be greater than \(above), got \(value)")
        }
        if !range.contains(value) {
            throw PlanCoreError.invalidArgument("\(path) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
    }

    /// Interval notation, as `scenarios/README.md` writes it: `[1, 65,536]`, `(1e-6, 1]`.
    public var interval: String {
        let (low, open) = lower
        return "\(open ? "(" : "[")\(Self.format(low)), \(Self.format(range.upperBound))]"
    }

    /// Whole numbers below 10^7 with thousands separators, powers of ten past that (and below
    /// one) as `1e12`, `1e-6`, anything else as Swift prints it.
    static func format(_ value: Double) -> String {
        if value.rounded() == value && abs(value) < 1e7 {
            let digits = String(Int64(abs(value)))
            var grouped = ""
            for (index, digit) in digits.enumerated() {
                if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(",") }
                grouped.append(digit)
            }
            return value < 0 ? "-" + grouped : grouped
        }
        let exponent = log10(abs(value)).rounded()
        if value > 0 && pow(10, exponent) == value { return "1e\(Int(exponent))" }
        return String(value)
    }
}
