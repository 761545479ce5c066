import Foundation
import PlanCore

/// `plan scenarios list | show | check` as text or JSON.
public enum ScenarioOutput {
    /// The embedded scenarios and the model, GPU and stack catalogs, as text.
    public static func listTable(scenarios: [String], defaultName: String, catalog: Catalog) -> String {
        var lines = ["embedded scenarios (plan scenarios show NAME):"]
        lines += scenarios.map { "  \($0)\($0 == defaultName ? "  (default)" : "")" }
        lines.append("models: " + catalog.models.keys.sorted().joined(separator: ", "))
        lines.append("gpus: " + catalog.gpus.keys.sorted().joined(separator: ", "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"scenarios": [{name, default}], "models": [...], "gpus": [...], "stacks": [...]}`, each
    /// catalog entry with its figures (units in the key names) and source.
    public static func listJSON(scenarios: [String], defaultName: String, catalog: Catalog) -> JSONValue {
        .object([
            ("scenarios", .array(scenarios.map { .object([("name", .string($0)), ("default", .bool($0 == defaultName))]) })),
            ("models", .array(catalog.models.keys.sorted().compactMap { catalog.models[$0].map(model) })),
            ("gpus", .array(catalog.gpus.keys.sorted().compactMap { name in
                catalog.gpus[name].map { gpu in
                    .object([
                        ("name", .string(name)), ("peak_tflops_bf16", .rounded(gpu.peakFlopsPerSecond / 1e12)),
                        ("peak_tflops_fp8", gpu.peakFP8FlopsPerSecond.map { .rounded($0 / 1e12) } ?? .null),
                        ("memory_gib", .rounded(gpu.memoryBytes / Memory.gib)), ("hbm_bandwidth_gbps", .rounded(gpu.memoryBytesPerSecond / 1e9)),
                        ("link_gb_per_s", .rounded(gpu.linkBytesPerSecond / 1e9)), ("board_watts", .rounded(gpu.boardWatts)),
                        ("source", .string(gpu.source)),
                    ])
                }
            })),
            ("stacks", .array(catalog.stacks.keys.sorted().compactMap { name in
                catalog.stacks[name].map { .object([("name", .string(name)), ("summary", .string($0.summary))]) }
            })),
        ])
    }

    /// An architecture with its parameter count: the stored architecture's fields
    /// (`SimulationDocument.architecture`) with `parameters` and `published_params` before `source`.
    public static func model(_ m: ModelArchitecture) -> JSONValue {
        guard case .object(var pairs) = SimulationDocument.architecture(m) else { return SimulationDocument.architecture(m) }
        let counts: [(String, JSONValue)] = [
            ("parameters", .rounded(m.totalParameters)), ("published_params", m.publishedParams.map { .number($0) } ?? .null),
        ]
        pairs.insert(contentsOf: counts, at: pairs.firstIndex { $0.0 == "source" } ?? pairs.endIndex)
        return .object(pairs)
    }

    /// `plan scenarios show NAME --format json`: the YAML text and what it resolves to.
    public static func showJSON(name: String, isDefault: Bool, yaml: String, scenario: Scenario) -> JSONValue {
        .object([
            ("name", .string(name)), ("default", .bool(isDefault)), ("yaml", .string(yaml)),
            ("scenario", summary(scenario)),
        ])
    }

    /// The resolved scenario in brief: name, model, languages, strategies and the key assumptions.
    static func summary(_ scenario: Scenario) -> JSONValue {
        .object([
            ("name", .string(scenario.name)), ("model", model(scenario.model)),
            ("languages", .array(scenario.languages.map { .string($0.code) })),
            ("strategies", .array(scenario.strategies.map { .string($0.rawValue) })),
            ("horizon_days", .number(Double(scenario.schedule.horizonDays))),
            ("assumptions", SimulationDocument.assumptions(scenario)),
        ])
    }

    /// `plan scenarios check FILE`: one line.
    public static func checkTable(file: String, scenario: Scenario) -> String {
        "\(file): ok: \(scenario.name), \(scenario.model.name), \(scenario.languages.count) languages, "
            + "strategies \(scenario.strategies.map(\.rawValue).joined(separator: ", "))\n"
    }

    /// `plan scenarios check FILE --format json`: `ok`, the scenario when it is valid, and every
    /// problem (`path`, `message`) when it is not.
    public static func checkJSON(file: String, scenario: Scenario?, diagnostics: [Diagnostic]) -> JSONValue {
        .object([
            ("file", .string(file)), ("ok", .bool(scenario != nil && diagnostics.isEmpty)),
            ("scenario", scenario.map(summary) ?? .null),
            ("diagnostics", .array(diagnostics.map { .object([("path", .string($0.path)), ("message", .string($0.message))]) })),
        ])
    }

    /// `plan scenarios show --model NAME`: the architecture as sorted, pretty JSON (the export
    /// scripts/gpu-probe.py reads).
    public static func modelJSON(_ architecture: ModelArchitecture) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: architecture.jsonObject, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
