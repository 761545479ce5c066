import Foundation
import Yams

/// Reads one YAML mapping field by field, recording a diagnostic (with its path) for every
/// missing, mistyped or out-of-range value and, on `finish()`, for every key never asked for.
///
/// Readers never throw: they return the default after recording the problem, so that a whole
/// document is checked in one pass.
struct MappingReader {
    let path: String
    let diagnostics: DiagnosticCollector
    private(set) var pairs: [(key: String, value: Node)] = []
    /// Position of each key in `pairs`: a lookup is O(1), so reading n keys is linear.
    private var index: [String: Int] = [:]
    private var consumed: Set<String> = []

    /// Wraps `node` if it is a mapping; otherwise records an error and returns nil.
    init?(_ node: Node, path: String, diagnostics: DiagnosticCollector) {
        self.path = path
        self.diagnostics = diagnostics
        guard case let .mapping(mapping) = node else {
            diagnostics.error(path, "expected a mapping (key: value pairs), got \(node.kindName)")
            return nil
        }
        for (key, value) in mapping {
            guard case let .scalar(scalar) = key else {
                diagnostics.error(path, "keys must be plain strings")
                continue
            }
            if index[scalar.string] != nil {
                diagnostics.error(child(scalar.string), "duplicate key")
                continue
            }
            index[scalar.string] = pairs.count
            pairs.append((scalar.string, value))
        }
    }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    var keys: [String] { pairs.map(\.key) }

    /// The raw node for `key`, marking the key as known.
    mutating func node(_ key: String) -> Node? {
        consumed.insert(key)
        return index[key].map { pairs[$0].value }
    }

    func has(_ key: String) -> Bool { index[key] != nil }

    /// Records an error for every key that was never read.
    func finish() {
        for (key, _) in pairs where !consumed.contains(key) {
            diagnostics.error(child(key), "unknown field '\(TerminalText.excerpt(key))'")
        }
    }

    // MARK: typed fields

    /// A finite number in `range`, or `defaultValue` when absent.
    mutating func double(
        _ key: String, default defaultValue: Double, range: ClosedRange<Double>, above lowerExclusive: Double? = nil
    ) -> Double {
        guard let node = node(key) else { return defaultValue }
        return Self.number(node, path: child(key), range: range, above: lowerExclusive, diagnostics: diagnostics)
            ?? defaultValue
    }

    /// A required finite number in `range`.
    mutating func requiredDouble(_ key: String, range: ClosedRange<Double>, above: Double? = nil) -> Double? {
        guard let node = node(key) else {
            diagnostics.error(child(key), "missing required field")
            return nil
        }
        return Self.number(node, path: child(key), range: range, above: above, diagnostics: diagnostics)
    }

    /// A whole number in `range`, or `defaultValue` when absent.
    mutating func int(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        guard let node = node(key) else { return defaultValue }
        return Self.integer(node, path: child(key), range: range, diagnostics: diagnostics) ?? defaultValue
    }

    /// A required whole number in `range`.
    mutating func requiredInt(_ key: String, range: ClosedRange<Int>) -> Int? {
        guard let node = node(key) else {
            diagnostics.error(child(key), "missing required field")
            return nil
        }
        return Self.integer(node, path: child(key), range: range, diagnostics: diagnostics)
    }

    mutating func bool(_ key: String, default defaultValue: Bool) -> Bool {
        guard let node = node(key) else { return defaultValue }
        if let value = Self.boolean(node) { return value }
        diagnostics.error(child(key), "expected true or false, got \(node.shortDescription)")
        return defaultValue
    }

    /// The YAML spellings of a boolean (`true yes on`, `false no off`, plain scalars only); nil otherwise.
    static func boolean(_ node: Node) -> Bool? {
        guard case let .scalar(scalar) = node, scalar.style == .plain else { return nil }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: return nil
        }
    }

    mutating func string(_ key: String, default defaultValue: String?) -> String? {
        guard let node = node(key) else { return defaultValue }
        return Self.text(node, path: child(key), diagnostics: diagnostics) ?? defaultValue
    }

    /// Items a list of names may have (`finetune.targets`): checked before any item is read.
    static let maximumListItems = 1_000

    mutating func stringList(_ key: String, default defaultValue: [String]) -> [String] {
        guard let node = node(key) else { return defaultValue }
        guard case let .sequence(sequence) = node else {
            diagnostics.error(child(key), "expected a list of names, got \(node.kindName)")
            return defaultValue
        }
        guard sequence.count <= Self.maximumListItems else {
            diagnostics.error(child(key), "\(sequence.count) names, more than the limit of \(Self.maximumListItems) in one list")
            return defaultValue
        }
        var result: [String] = []
        for (index, item) in sequence.enumerated() {
            if let text = Self.text(item, path: "\(child(key))[\(index)]", diagnostics: diagnostics) {
                result.append(text)
            }
        }
        return result
    }

    /// A nested mapping; absent → nil without an error.
    mutating func mapping(_ key: String) -> MappingReader? {
        guard let node = node(key) else { return nil }
        return MappingReader(node, path: child(key), diagnostics: diagnostics)
    }

    /// A list of nested mappings; absent → empty.
    mutating func mappingList(_ key: String) -> [MappingReader] {
        guard let node = node(key) else { return [] }
        guard case let .sequence(sequence) = node else {
            diagnostics.error(child(key), "expected a list, got \(node.kindName)")
            return []
        }
        return sequence.enumerated().compactMap { index, item in
            MappingReader(item, path: "\(child(key))[\(index)]", diagnostics: diagnostics)
        }
    }

    // MARK: scalar conversion

    static func number(
        _ node: Node, path: String, range: ClosedRange<Double>, above lowerExclusive: Double? = nil,
        diagnostics: DiagnosticCollector
    ) -> Double? {
        guard case let .scalar(scalar) = node, scalar.style == .plain else {
            diagnostics.error(path, "expected a number, got \(node.shortDescription)")
            return nil
        }
        guard let value = parseNumber(scalar.string) else {
            diagnostics.error(path, "expected a number, got \(node.shortDescription)")
            return nil
        }
        guard value.isFinite else {
            diagnostics.error(path, "expected a finite number, got \(TerminalText.excerpt(scalar.string))")
            return nil
        }
        if let lowerExclusive, value <= lowerExclusive {
            diagnostics.error(path, "must be greater than \(format(lowerExclusive)), got \(TerminalText.excerpt(scalar.string))")
            return nil
        }
        guard range.contains(value) else {
            diagnostics.error(path, "must be between \(format(range.lowerBound)) and \(format(range.upperBound)), got \(TerminalText.excerpt(scalar.string))")
            return nil
        }
        return value
    }

    static func integer(
        _ node: Node, path: String, range: ClosedRange<Int>, diagnostics: DiagnosticCollector
    ) -> Int? {
        let bounds = Double(range.lowerBound)...Double(range.upperBound)
        guard let value = number(node, path: path, range: bounds, diagnostics: diagnostics) else { return nil }
        guard value.rounded() == value else {
            diagnostics.error(path, "expected a whole number, got \(format(value))")
            return nil
        }
        // Double(Int.max) rounds up to 2^63, so an in-range Double can still be unrepresentable.
        guard let whole = Int(exactly: value) else {
            diagnostics.error(path, "must be between \(range.lowerBound) and \(range.upperBound), got \(format(value))")
            return nil
        }
        return whole
    }

    static func text(_ node: Node, path: String, diagnostics: DiagnosticCollector) -> String? {
        guard case let .scalar(scalar) = node, !scalar.string.isEmpty else {
            diagnostics.error(path, "expected a name, got \(node.shortDescription)")
            return nil
        }
        return scalar.string
    }

    /// Parses the YAML spellings of a number: integers, decimals, exponents, `_` separators and
    /// `.nan` / `.inf` (returned as such so that the caller can reject them by name).
    static func parseNumber(_ raw: String) -> Double? {
        let text = raw.replacingOccurrences(of: "_", with: "")
        switch text.lowercased() {
        case ".nan": return .nan
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        default: break
        }
        guard let first = text.first, first.isNumber || first == "-" || first == "+" || first == "." else {
            return nil
        }
        return Double(text)
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension Node {
    /// "a mapping", "a list", "the string "x"" — for diagnostics.
    var kindName: String {
        switch self {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case let .scalar(scalar):
            if scalar.style == .plain && (scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null") {
                return "nothing (null)"
            }
            return "the value \"\(TerminalText.excerpt(scalar.string))\""
        }
    }

    var shortDescription: String { kindName }
}
