import Foundation
import PlanCore

extension Scenario {
    /// A copy with `path` set to `value`, or, when `value` is outside the field's valid range
    /// (infinite included), to the nearest valid value: the draw is clamped to the field's
    /// bounds before any conversion. Nil for an unknown path, a NaN draw, or a value no
    /// setting accepts (a language field on a language that does not exist).
    public func settingClamped(_ path: String, to value: Double) -> Scenario? {
        guard let bounds = try? bounds(at: path), let clamped = bounds.clamped(value) else { return nil }
        return try? setting(path, to: clamped)
    }
}
