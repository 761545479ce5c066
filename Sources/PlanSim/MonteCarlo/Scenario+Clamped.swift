import Foundation
import PlanCore

extension Scenario {
    /// A copy with `path` set to `value`, or, when `value` is outside the field's valid range,
    /// to the nearest valid value (found by bisection towards the current value). Nil for an
    /// unknown path.
    public func settingClamped(_ path: String, to value: Double) -> Scenario? {
        if let updated = try? setting(path, to: value) { return updated }
        guard let current = try? self.value(at: path), value.isFinite else { return nil }
        var valid = current
        var invalid = value
        for _ in 0..<60 {
            let middle = (valid + invalid) / 2
            if (try? setting(path, to: middle)) != nil { valid = middle } else { invalid = middle }
        }
        return try? setting(path, to: valid)
    }
}
