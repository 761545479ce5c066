import Foundation
import Yams

/// Readers of numeric scenario fields: the key is the field's last path component and the
/// valid values are its `ScenarioField` bounds (or bounds the loader narrowed from them, such as
/// a day capped at the horizon), so no range is typed at the call.
extension MappingReader {
    /// The field's value, or `defaultValue` when absent (or invalid, after recording why).
    mutating func double(_ field: ScenarioField, default defaultValue: Double) -> Double {
        optionalDouble(field) ?? defaultValue
    }

    /// The field's value; nil when absent (no default applies) or invalid.
    mutating func optionalDouble(_ field: ScenarioField, bounds: FieldBounds? = nil) -> Double? {
        let spec = field.spec
        guard let node = node(spec.key) else { return nil }
        return Self.value(node, path: child(spec.key), bounds: bounds ?? spec.bounds, diagnostics: diagnostics)
    }

    /// The field's value; a "missing required field" diagnostic when absent.
    mutating func requiredDouble(_ field: ScenarioField, bounds: FieldBounds? = nil) -> Double? {
        let spec = field.spec
        guard let node = node(spec.key) else {
            diagnostics.error(child(spec.key), "missing required field")
            return nil
        }
        return Self.value(node, path: child(spec.key), bounds: bounds ?? spec.bounds, diagnostics: diagnostics)
    }

    /// A whole-number field's value, or `defaultValue` when absent (or invalid).
    mutating func int(_ field: ScenarioField, default defaultValue: Int) -> Int {
        optionalInt(field) ?? defaultValue
    }

    /// A whole-number field's value; nil when absent or invalid.
    mutating func optionalInt(_ field: ScenarioField) -> Int? {
        let spec = field.spec
        guard let node = node(spec.key) else { return nil }
        return Self.integer(node, path: child(spec.key), range: spec.bounds.wholeRange, diagnostics: diagnostics)
    }

    /// A whole-number field's value; a "missing required field" diagnostic when absent.
    mutating func requiredInt(_ field: ScenarioField) -> Int? {
        requiredInt(field.spec.key, range: field.spec.bounds.wholeRange)
    }

    /// A number within `bounds` (whole when the bounds are).
    static func value(_ node: Node, path: String, bounds: FieldBounds, diagnostics: DiagnosticCollector) -> Double? {
        if bounds.isWhole { return integer(node, path: path, range: bounds.wholeRange, diagnostics: diagnostics).map(Double.init) }
        return number(node, path: path, range: bounds.range, above: bounds.above, diagnostics: diagnostics)
    }
}
