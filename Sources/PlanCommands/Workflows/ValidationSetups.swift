import PlanValidate

/// The validation setups by name, for `--setup`.
enum ValidationSetups {
    static func named(_ name: String) -> ValidationSetup? {
        switch name {
        case "quick": .quick
        case "standard": .standard
        case "tiny": .tiny
        default: nil
        }
    }
}
