import Foundation
import PlanReport

/// A JSON Schema (draft 2020-12) validator for the subset `docs/schemas/` uses: `type` (one name
/// or a list; `integer` = a number without a fraction), `enum`, `properties`, `required`,
/// `additionalProperties` (false or a schema) and `items`. Annotations (`$schema`, `$id`, `title`,
/// `description`) are ignored; any other keyword is reported as unsupported, so a schema cannot
/// rely on a rule this validator would silently skip.
struct JSONSchema {
    static let keywords: Set<String> = ["type", "enum", "properties", "required", "additionalProperties", "items"]
    static let annotations: Set<String> = ["$schema", "$id", "title", "description"]

    let root: JSONValue

    init(_ root: JSONValue) { self.root = root }

    /// The schema file `docs/schemas/NAME.schema.json` of this repository.
    static func named(_ name: String) throws -> JSONSchema {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../docs/schemas/\(name).schema.json").standardizedFileURL
        let text = try String(contentsOf: url, encoding: .utf8)
        guard let value = JSONValue.parse(text) else { throw SchemaFileError(name: name) }
        return JSONSchema(value)
    }

    struct SchemaFileError: Error, CustomStringConvertible {
        var name: String
        var description: String { "docs/schemas/\(name).schema.json is not JSON" }
    }

    /// Every way `instance` breaks the schema, each as `path: problem`; empty when it conforms.
    func errors(_ instance: JSONValue) -> [String] {
        var errors: [String] = []
        check(root, instance, path: "$", into: &errors)
        return errors
    }

    /// Keywords the schema uses that this validator does not enforce.
    func unsupportedKeywords() -> [String] {
        var found: [String] = []
        func walk(_ schema: JSONValue, _ path: String) {
            guard case let .object(pairs) = schema else { return }
            for (key, value) in pairs {
                if !Self.keywords.contains(key) && !Self.annotations.contains(key) { found.append("\(path).\(key)") }
                switch key {
                case "properties":
                    if case let .object(properties) = value { for (name, sub) in properties { walk(sub, "\(path).\(name)") } }
                case "items", "additionalProperties": walk(value, "\(path).\(key)")
                default: break
                }
            }
        }
        walk(root, "$")
        return found
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        if type == "integer", case let .number(number) = value { return number == number.rounded() }
        return typeName(value) == type
    }

    private func check(_ schema: JSONValue, _ value: JSONValue, path: String, into errors: inout [String]) {
        if case .bool(false) = schema { errors.append("\(path): not allowed"); return }
        guard case .object = schema else { return }
        if let type = schema["type"] {
            let names = type.items?.compactMap(\.string) ?? [type.string].compactMap { $0 }
            if !names.contains(where: { Self.matches(value, type: $0) }) {
                errors.append("\(path): expected \(names.joined(separator: " or ")), got \(Self.typeName(value))")
                return
            }
        }
        if let options = schema["enum"]?.items, !options.contains(value) {
            errors.append("\(path): \(value.rendered(pretty: false)) is not one of \(JSONValue.array(options).rendered(pretty: false))")
        }
        if case let .object(pairs) = value {
            for name in schema["required"]?.items?.compactMap(\.string) ?? [] where !pairs.contains(where: { $0.0 == name }) {
                errors.append("\(path): missing required key \"\(name)\"")
            }
            let properties = schema["properties"]
            for (key, item) in pairs {
                if let property = properties?[key] {
                    check(property, item, path: "\(path).\(key)", into: &errors)
                } else if let additional = schema["additionalProperties"] {
                    check(additional, item, path: "\(path).\(key)", into: &errors)
                }
            }
        }
        if case let .array(items) = value, let itemSchema = schema["items"] {
            for (index, item) in items.enumerated() { check(itemSchema, item, path: "\(path)[\(index)]", into: &errors) }
        }
    }
}
