import Foundation

extension Scenario {
    /// Numeric fields that Monte Carlo and sweeps may vary, by their YAML path (the variable
    /// entries of `ScenarioField`). Language fields take a code (`languages.en.examples`) or `*`
    /// for every language.
    public static var variablePaths: [String] { ScenarioField.variable.map(\.path) }

    /// The current value of a variable field (a language field: the mean over its languages).
    public func value(at path: String) throws -> Double {
        let (spec, codes) = try variable(path)
        switch spec.access {
        case let .scenario(get, _)?: return get(self)
        case let .language(get, _)?:
            let values = languages.filter { codes.contains($0.code) }.map(get)
            return values.reduce(0, +) / Double(max(values.count, 1))
        case nil: throw Self.unknownField(path)
        }
    }

    /// The bounds of a variable field on this scenario (see `variablePaths`); throws for an
    /// unknown path.
    public func bounds(at path: String) throws -> FieldBounds {
        try variable(path).spec.bounds(in: self)
    }

    /// A copy with one variable field set to `value`; throws for unknown paths or values out
    /// of the field's range. Whole-number fields are rounded (after the range check, so that no
    /// value converts to `Int` unchecked).
    public func setting(_ path: String, to value: Double) throws -> Scenario {
        let (spec, codes) = try variable(path)
        let bounds = spec.bounds(in: self)
        try bounds.check(value, path: path)
        let checked = bounds.isWhole ? value.rounded() : value
        var copy = self
        switch spec.access {
        case let .scenario(_, set)?: set(&copy, checked)
        case let .language(_, set)?:
            for i in copy.languages.indices where codes.contains(copy.languages[i].code) { set(&copy.languages[i], checked) }
        case nil: throw Self.unknownField(path)
        }
        return copy
    }

    /// A copy with `path` set to `value`, or, when `value` is outside the field's valid range
    /// (infinite included), to the nearest valid value: the value is clamped to the field's
    /// bounds before any conversion. Nil for an unknown path, a NaN value, or a value no
    /// setting accepts (a language field on a language that does not exist).
    public func settingClamped(_ path: String, to value: Double) -> Scenario? {
        guard let bounds = try? bounds(at: path), let clamped = bounds.clamped(value) else { return nil }
        return try? setting(path, to: clamped)
    }

    /// The spec of a variable path, and for a language field the codes it selects.
    private func variable(_ path: String) throws -> (spec: FieldSpec, codes: Set<String>) {
        if let field = ScenarioField(rawValue: path), field.spec.isVariable, case .scenario? = field.spec.access {
            return (field.spec, [])
        }
        let parts = path.split(separator: ".").map(String.init)
        guard let field = ScenarioField(path: path), parts.count == 3, case .language? = field.spec.access
        else { throw Self.unknownField(path) }
        if parts[1] == "*" { return (field.spec, Set(languages.map(\.code))) }
        guard language(parts[1]) != nil else {
            throw PlanCoreError.invalidArgument("unknown language \"\(TerminalText.excerpt(parts[1]))\" in \(TerminalText.excerpt(path))")
        }
        return (field.spec, [parts[1]])
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
        var index = languages.count + 1
        while result.count < count {
            let code = "l\(index)"
            if !result.contains(where: { $0.code == code }) {
                result.append(Language(code: code, examples: examples, tokensPerExample: tokens))
            }
            index += 1
        }
        return result
    }
}
