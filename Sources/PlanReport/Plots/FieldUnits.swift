import Foundation
import PlanCore

/// The axis label of a scenario field a sweep or tornado varies: the path and its unit from the
/// field table (`ScenarioField`), e.g. "schedule.horizon_days (days)"; a unitless field or a path
/// the table does not hold is labelled by its path alone.
enum FieldUnits {
    static func label(_ field: String) -> String {
        guard let unit = ScenarioField(path: field)?.spec.unit, !unit.isEmpty else { return field }
        return "\(field) (\(unit))"
    }
}
