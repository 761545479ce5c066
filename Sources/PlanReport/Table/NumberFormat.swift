import Foundation

/// Human-readable numbers for tables and reports: thousands separators and a precision that
/// fits the magnitude.
public enum NumberFormat {
    /// `1,234,567`, `12,345.6`, `123.45`, `0.0123` — about four significant digits, at least
    /// whole units for large values.
    public static func quantity(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        let magnitude = abs(value)
        let decimals: Int
        switch magnitude {
        case 0: return "0"
        case 1000...: decimals = 0
        case 100..<1000: decimals = 1
        case 1..<100: decimals = 2
        default: decimals = max(2, Int(-floor(log10(magnitude))) + 2)
        }
        return grouped(value, decimals: decimals)
    }

    /// A setting as written: `4`, `0.35`, `1.5e-05` (at most four significant digits).
    public static func plain(_ value: Double) -> String {
        JSONValue.rounded(value, digits: 4).rendered()
    }

    /// `$12,345` or `$12.34`.
    public static func dollars(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        return (value < 0 ? "-$" : "$") + grouped(abs(value), decimals: abs(value) >= 1000 ? 0 : 2)
    }

    /// `59.5M`, `1.2B`, `830k` tokens.
    public static func tokens(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        let units: [(Double, String)] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")]
        for (scale, suffix) in units where abs(value) >= scale {
            return String(format: "%.1f%@", value / scale, suffix)
        }
        return String(format: "%.0f", value)
    }

    /// `68.9%` from 0.689.
    public static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "n/a" }
        if abs(fraction) >= 1e10 { return String(format: "%.3g%%", fraction * 100) }
        return String(format: "%.1f%%", fraction * 100)
    }

    /// `value` with `decimals` decimals and no thousands separators, never `-0.000`: a value
    /// that rounds to zero prints unsigned (a Sobol index of −0.0002 is 0.000).
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "n/a" }
        let text = String(format: "%.\(decimals)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }

    /// `value` with `decimals` decimals and commas between thousands.
    public static func grouped(_ value: Double, decimals: Int) -> String {
        // Absurd magnitudes (a saturated pool, a tiny peak) stay one short token.
        if !value.isFinite || abs(value) >= 1e15 { return String(format: "%.3g", value) }
        let text = String(format: "%.\(decimals)f", abs(value))
        let parts = text.split(separator: ".", maxSplits: 1)
        var integer = String(parts[0])
        var groups: [String] = []
        while integer.count > 3 {
            groups.insert(String(integer.suffix(3)), at: 0)
            integer = String(integer.dropLast(3))
        }
        groups.insert(integer, at: 0)
        var result = groups.joined(separator: ",")
        if parts.count > 1 { result += "." + parts[1] }
        let isZero = Double(text) == 0
        return (value < 0 && !isZero ? "-" : "") + result
    }
}
