import Foundation

/// A field named on the command line or in the `uncertainty` block, with the list entry it
/// selects: `finetune.rank` (a single field), `schedule.periodic[0].every_days` (entry 0),
/// `schedule.periodic[*].every_days` (every entry, set together), `languages.en.examples`
/// (a language by code), `languages.*.examples` (every language), or a list field without a
/// selector (`schedule.periodic.every_days`), which `Scenario` accepts only when its list has
/// exactly one entry. Parsing is syntax only; `Scenario` resolves the entries and reports an
/// index out of range or an unknown code.
public struct FieldPath: Sendable, Equatable, CustomStringConvertible {
    /// Which entries of the field's list the path names.
    public enum Entry: Sendable, Equatable {
        /// A field outside any list, or a list field without a selector.
        case bare
        /// `[*]` or `languages.*`: every entry, given the same value.
        case all
        /// `[i]`, counting from 0.
        case index(Int)
        /// `languages.CODE`.
        case code(String)
    }

    public let field: ScenarioField
    public let entry: Entry
    /// The text as written.
    public let description: String

    /// Parses `text`; nil when it names no field of the table.
    public init?(_ text: String) {
        description = text
        if let field = ScenarioField(rawValue: text), field.list == nil || field.list != .languages {
            (self.field, entry) = (field, .bare)
            return
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let key = parts.last, parts.count >= 2 else { return nil }
        let head = parts.dropLast().joined(separator: ".")
        // `languages.CODE.KEY`, `languages.*.KEY`, `languages[i].KEY` and `languages.KEY`.
        if parts[0] == "languages" || parts[0].hasPrefix("languages["),
            let field = ScenarioField(rawValue: "languages.<code|*>.\(key)") {
            switch (parts.count, parts[0] == "languages") {
            case (2, true): (self.field, entry) = (field, .bare)
            case (2, false):
                guard let selector = Self.selector(parts[0], list: "languages") else { return nil }
                (self.field, entry) = (field, selector)
            case (3, true) where parts[1] == "*": (self.field, entry) = (field, .all)
            case (3, true) where !parts[1].isEmpty: (self.field, entry) = (field, .code(parts[1]))
            default: return nil
            }
            return
        }
        // `schedule.LIST[i].KEY` and `schedule.LIST[*].KEY`.
        guard let open = head.firstIndex(of: "["), let field = ScenarioField(rawValue: "\(head[..<open]).\(key)"), field.list != nil,
            let selector = Self.selector(head, list: String(head[..<open]))
        else { return nil }
        (self.field, entry) = (field, selector)
    }

    /// The selector of `LIST[i]` / `LIST[*]`.
    private static func selector(_ text: String, list: String) -> Entry? {
        guard text.hasPrefix(list + "["), text.hasSuffix("]") else { return nil }
        let inside = text.dropFirst(list.count + 1).dropLast()
        if inside == "*" { return .all }
        guard !inside.isEmpty, inside.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return .index(Int(inside) ?? Int.max)  // an index past Int is out of range, reported as such
    }

    /// The path of `field` with `entry` (`schedule.periodic[1].every_days`, `languages.en.examples`).
    public static func text(_ field: ScenarioField, _ entry: Entry) -> String {
        guard let list = field.list else { return field.rawValue }
        let key = field.spec.key
        switch (list, entry) {
        case (_, .bare): return list == .languages ? "languages.\(key)" : field.rawValue
        case (.languages, .all): return "languages.*.\(key)"
        case (.languages, .code(let code)): return "languages.\(code).\(key)"
        case (_, .all): return "\(list.rawValue)[*].\(key)"
        case (_, .index(let i)): return "\(list.rawValue)[\(i)].\(key)"
        case (_, .code(let code)): return "\(list.rawValue).\(code).\(key)"
        }
    }

    /// The forms a field takes, as `plan sweep --help` lists them: `finetune.rank`,
    /// `schedule.periodic[<i|*>].every_days`, `languages.<code|*>.examples`.
    public static func form(_ field: ScenarioField) -> String {
        guard let list = field.list, list != .languages else { return field.rawValue }
        return "\(list.rawValue)[<i|*>].\(field.spec.key)"
    }
}

/// A list of scenario entries that field paths index.
public enum ScenarioList: String, Sendable, CaseIterable {
    case languages
    case events = "schedule.events"
    case periodic = "schedule.periodic"
    case poisson = "schedule.poisson"
    case additions = "schedule.additions"
    case regions

    /// What the entries are, plural (for messages).
    var noun: String {
        switch self {
        case .languages: return "languages"
        case .events: return "explicit updates"
        case .periodic: return "periodic rules"
        case .poisson: return "Poisson rules"
        case .additions: return "language additions"
        case .regions: return "regions"
        }
    }

    /// The number of entries on `scenario`.
    func count(in scenario: Scenario) -> Int {
        switch self {
        case .languages: return scenario.languages.count
        case .events: return scenario.schedule.events.count
        case .periodic: return scenario.schedule.periodic.count
        case .poisson: return scenario.schedule.poisson.count
        case .additions: return scenario.schedule.additions.count
        case .regions: return scenario.regions.count
        }
    }
}
