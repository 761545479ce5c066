import Foundation

/// One numeric scenario field described once: its path, valid values, unit, a one-line doc
/// and, for the fields sweeps and Monte Carlo may vary, how to read and write it on a
/// `Scenario`. `ScenarioField.spec` gives every field's; `ScenarioLoader` validates with the
/// bounds, `Scenario.value(at:)` / `setting(_:to:)` / `settingClamped(_:to:)` use the accessors,
/// and `scenarios/README.md`'s numeric-field table is checked against the specs by a test.
public struct FieldSpec: Sendable {
    public let field: ScenarioField
    /// The field's valid values (before any scenario narrows them, see `bounds(in:)`).
    public let bounds: FieldBounds
    /// The unit (`GPUs`, `fraction`, `USD / GPU-hour`; empty for a plain number such as a rank),
    /// as the README's table and the report's assumptions print it.
    public let unit: String
    /// What the field means, in one line.
    public let doc: String
    /// Words accepted in place of a number (`auto`).
    public let keywords: [String]
    /// False for inputs that exist only for sweeps and Monte Carlo (`languages.count`).
    public let inFile: Bool
    let access: Access?
    let narrowing: (@Sendable (FieldBounds, Scenario) -> FieldBounds)?

    /// How a variable field is read and written: on the whole scenario, or on one entry of its
    /// list (`ScenarioField.list`) by index; `FieldPath` says which entries.
    enum Access: Sendable {
        case scenario(get: @Sendable (Scenario) -> Double, set: @Sendable (inout Scenario, Double) -> Void)
        case entries(get: @Sendable (Scenario, Int) -> Double, set: @Sendable (inout Scenario, Int, Double) -> Void)
    }

    init(
        _ field: ScenarioField, _ bounds: FieldBounds, unit: String, doc: String, keywords: [String] = [], inFile: Bool = true,
        access: Access? = nil, narrowing: (@Sendable (FieldBounds, Scenario) -> FieldBounds)? = nil
    ) {
        self.field = field
        self.bounds = bounds
        self.unit = unit
        self.doc = doc
        self.keywords = keywords
        self.inFile = inFile
        self.access = access
        self.narrowing = narrowing
    }

    /// The dotted path (`finetune.rank`; list items without an index, `schedule.events.day`;
    /// language fields as `languages.<code|*>.examples`). `FieldPath` names one entry.
    public var path: String { field.rawValue }
    /// The YAML key inside its mapping (the path's last component).
    public var key: String { String(path.split(separator: ".").last ?? "") }
    /// Whether `plan sweep --vary` and the `uncertainty` block may set this field.
    public var isVariable: Bool { access != nil }

    /// The bounds on one scenario: `hardware.pool_gpus` may not go below the widest job.
    public func bounds(in scenario: Scenario) -> FieldBounds {
        narrowing.map { $0(bounds, scenario) } ?? bounds
    }
}
