import Foundation

extension Scenario {
    /// The forms of the numeric fields that Monte Carlo and sweeps may vary (the variable entries
    /// of `ScenarioField`, see `FieldPath`): `finetune.rank`, `schedule.periodic[<i|*>].every_days`
    /// (an entry by index from 0, or `*` for every entry), `languages.<code|*>.examples`.
    public static var variablePaths: [String] { ScenarioField.variable.map { FieldPath.form($0.field) } }

    /// The current value of a variable field; for a path that names several entries (`[*]`,
    /// `languages.*`), their mean.
    public func value(at path: String) throws -> Double {
        let (spec, entries) = try variable(path)
        switch spec.access {
        case let .scenario(get, _)?: return get(self)
        case let .entries(get, _)?:
            let values = entries.map { get(self, $0) }
            return values.reduce(0, +) / Double(max(values.count, 1))
        case nil: throw Self.unknownField(path)
        }
    }

    /// The bounds of a variable field on this scenario (see `variablePaths`); throws for an
    /// unknown path or entry.
    public func bounds(at path: String) throws -> FieldBounds {
        try variable(path).spec.bounds(in: self)
    }

    /// A copy with one variable field set to `value` (every entry the path names, to the same
    /// value); throws for unknown paths or entries and values out of the field's range.
    /// Whole-number fields are rounded (after the range check, so that no value converts to
    /// `Int` unchecked).
    public func setting(_ path: String, to value: Double) throws -> Scenario {
        let (spec, entries) = try variable(path)
        let bounds = spec.bounds(in: self)
        try bounds.check(value, path: path)
        let checked = bounds.isWhole ? value.rounded() : value
        var copy = self
        switch spec.access {
        case let .scenario(_, set)?: set(&copy, checked)
        case let .entries(_, set)?: for entry in entries { set(&copy, entry, checked) }
        case nil: throw Self.unknownField(path)
        }
        return copy
    }

    /// A copy with `path` set to `value`, or, when `value` is outside the field's valid range
    /// (infinite included), to the nearest valid value: the value is clamped to the field's
    /// bounds before any conversion. Nil for an unknown path or entry, or a NaN value.
    public func settingClamped(_ path: String, to value: Double) -> Scenario? {
        guard let field = try? variableField(path) else { return nil }
        var copy = self
        return copy.setClamped(field, to: value) ? copy : nil
    }

    /// A variable path resolved on this scenario (its field and the entries it names), to be
    /// set many times without parsing the path again (Monte Carlo's trials). Valid for any
    /// scenario with the same lists (a sampled copy).
    public struct VariableField: Sendable {
        let spec: FieldSpec
        let entries: [Int]
    }

    /// `path` resolved (see `VariableField`); throws as `setting(_:to:)` for an unknown path or entry.
    public func variableField(_ path: String) throws -> VariableField {
        let (spec, entries) = try variable(path)
        return VariableField(spec: spec, entries: entries)
    }

    /// Sets `field` to `value` clamped into its bounds on this scenario (whole-number fields
    /// rounded after clamping), as `settingClamped(_:to:)`, in place. False (and unchanged)
    /// for a NaN value.
    public mutating func setClamped(_ field: VariableField, to value: Double) -> Bool {
        let bounds = field.spec.bounds(in: self)
        guard let clamped = bounds.clamped(value) else { return false }
        let checked = bounds.isWhole ? clamped.rounded() : clamped
        switch field.spec.access {
        case let .scenario(_, set)?: set(&self, checked)
        case let .entries(_, set)?: for entry in field.entries { set(&self, entry, checked) }
        case nil: return false
        }
        return true
    }

    /// A copy with every entry `path` names multiplied by `factor`, each clamped to the field's
    /// bounds: `languages.*.examples` × 1.25 keeps each language's own size (the tornado's
    /// move). For a path that names one value, `settingClamped(path, to: value × factor)`.
    /// Nil for an unknown path or entry, or a NaN product.
    public func scalingClamped(_ path: String, by factor: Double) -> Scenario? {
        guard let (spec, entries) = try? variable(path) else { return nil }
        guard case let .entries(get, set)? = spec.access, entries.count > 1 else {
            return (try? value(at: path)).flatMap { settingClamped(path, to: $0 * factor) }
        }
        let bounds = spec.bounds(in: self)
        var copy = self
        for entry in entries {
            guard let clamped = bounds.clamped(get(self, entry) * factor) else { return nil }
            set(&copy, entry, bounds.isWhole ? clamped.rounded() : clamped)
        }
        return copy
    }

    /// Whether two variable paths set a value in common (the same field, and for list fields
    /// at least one shared entry): `schedule.periodic[0].every_days` overlaps
    /// `schedule.periodic[*].every_days` but not `schedule.periodic[1].every_days`.
    public func overlaps(_ a: String, _ b: String) -> Bool {
        guard let (specA, entriesA) = try? variable(a), let (specB, entriesB) = try? variable(b), specA.field == specB.field
        else { return a == b }
        return entriesA.isEmpty || !Set(entriesA).isDisjoint(with: entriesB)
    }

    /// The spec of a variable path, and for a list field the indices of the entries it names.
    func variable(_ path: String) throws -> (spec: FieldSpec, entries: [Int]) {
        guard let parsed = FieldPath(path), parsed.field.spec.isVariable else {
            if let field = FieldPath(path)?.field, field == .hardwareTensorParallel || field == .strategyTensorParallel {
                throw PlanCoreError.invalidArgument(
                    "\(field.rawValue) cannot be varied: a tensor-parallel degree must divide the GPUs per job and the model's attention heads; "
                        + "compare degrees with one scenario each, or with strategies entries that set their own tensor_parallel")
            }
            throw Self.unknownField(path)
        }
        let field = parsed.field
        if field.rawValue.hasPrefix("serving."), serving == nil {
            throw PlanCoreError.invalidArgument("\(TerminalText.excerpt(path)): the scenario has no serving block (add serving: to price serving)")
        }
        guard let list = field.list else { return (field.spec, []) }
        let count = list.count(in: self)
        // Message parts, built only for an error (Monte Carlo resolves paths in its setup, but
        // sweeps and sensitivity still call this per point).
        var shown: String { TerminalText.excerpt(path) }
        var all: String { FieldPath.text(field, .all) }
        guard count > 0 else { throw PlanCoreError.invalidArgument("\(shown): the scenario has no \(list.noun)") }
        switch parsed.entry {
        case .bare:
            guard count == 1 else {
                let one = list == .languages
                    ? "\(FieldPath.text(field, .code(languages[0].code))) (a language code: \(codes))"
                    : "\(FieldPath.text(field, .index(0))) ... \(FieldPath.text(field, .index(count - 1)))"
                throw PlanCoreError.invalidArgument(
                    "\(shown) is ambiguous: the scenario has \(count) \(list.noun); name one, \(one), or all together, \(all)")
            }
            return (field.spec, [0])
        case .all:
            return (field.spec, Array(0..<count))
        case let .index(index):
            guard index < count else {
                throw PlanCoreError.invalidArgument(
                    "\(shown): no entry \(index == Int.max ? "that large" : String(index)); the scenario has \(count) \(list.noun), "
                        + "valid indices 0...\(count - 1) (or * for all: \(all))")
            }
            return (field.spec, [index])
        case let .code(code):
            guard list == .languages, let index = languages.firstIndex(where: { $0.code == code }) else {
                throw PlanCoreError.invalidArgument(
                    "unknown language \"\(TerminalText.excerpt(code))\" in \(shown); the scenario's languages: \(codes) (or * for all: \(all))")
            }
            return (field.spec, [index])
        }
    }

    /// The language codes, for messages (the first 30).
    private var codes: String {
        let shown = languages.prefix(30).map(\.code).joined(separator: ", ")
        return languages.count > 30 ? "\(shown), ... (\(languages.count) in all)" : shown
    }

    private static func unknownField(_ path: String) -> PlanCoreError {
        .invalidArgument("unknown or non-numeric field \"\(TerminalText.excerpt(path))\"; variable fields: \(variablePaths.joined(separator: ", "))")
    }

    /// `count` languages: the first ones kept, new ones (`l2`, `l3`, ...) copying the average.
    static func resized(_ languages: [Language], to count: Int) -> [Language] {
        if count <= languages.count { return Array(languages.prefix(count)) }
        let n = Double(languages.count)
        let examples = languages.map(\.examples).reduce(0, +) / n
        let tokens = languages.map(\.tokensPerExample).reduce(0, +) / n
        var result = languages
        var taken = Set(languages.map(\.code))
        var index = languages.count + 1
        while result.count < count {
            let code = "l\(index)"
            if taken.insert(code).inserted {
                result.append(Language(code: code, examples: examples, tokensPerExample: tokens))
            }
            index += 1
        }
        return result
    }
}
