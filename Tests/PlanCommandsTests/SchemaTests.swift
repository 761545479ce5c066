import Foundation
import PlanReport
import Testing

/// Every JSON document plan prints conforms to its schema in `docs/schemas/`, and every
/// `--format` value a `--help` lists is accepted.
struct SchemaTests {
    static let schemaNames = [
        "simulate", "estimate", "sweep", "runs-list", "runs-show", "runs-compare", "merge", "bench", "bench-anchors", "calibrate",
        "validate", "scenarios-list", "scenarios-show", "scenarios-check", "size", "sensitivity", "quality",
    ]

    /// Whether the built plan has this subcommand (`plan size` arrives with the pool-sizing work).
    static func hasCommand(_ name: String) -> Bool {
        // `plan NAME --help` for an unknown NAME prints the root help (exit 0), so look at the usage line.
        (try? Binary.run([name, "--help"], in: Binary.workspace()).stdout.contains("USAGE: plan \(name)")) == true
    }

    static var scenario: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scenarios/paper-2601.16127.yaml")
            .standardizedFileURL.path
    }

    @Test func everySchemaFileIsListed() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/schemas").standardizedFileURL
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".schema.json") }
        #expect(Set(files.map { String($0.dropLast(".schema.json".count)) }) == Set(Self.schemaNames))
    }

    @Test(arguments: schemaNames) func schemaUsesOnlyCheckedKeywords(_ name: String) throws {
        let schema = try JSONSchema.named(name)
        #expect(schema.unsupportedKeywords().isEmpty, "\(schema.unsupportedKeywords())")
        #expect(schema.root["$schema"]?.string == "https://json-schema.org/draft/2020-12/schema")
        #expect(schema.root["type"]?.string == "object")
        let required = schema.root["required"]?.items ?? []
        #expect(required.count > 0)
    }

    /// The validator itself: each rule can fail.
    @Test func validatorRejectsWhatTheSchemaForbids() throws {
        let schema = try #require(JSONValue.parse(#"""
            {"type": "object", "required": ["a", "b"], "properties": {
              "a": {"type": "integer"}, "b": {"type": ["string", "null"], "enum": ["x", null]},
              "c": {"type": "array", "items": {"type": "boolean"}},
              "d": {"type": "object", "additionalProperties": {"type": "number"}}}}
            """#))
        let validator = JSONSchema(schema)
        func errors(_ text: String) -> [String] { JSONValue.parse(text).map(validator.errors) ?? ["unparsable"] }
        #expect(errors(#"{"a": 1, "b": "x", "c": [true], "d": {"k": 2.5}}"#).isEmpty)
        #expect(errors(#"{"a": 1, "b": null}"#).isEmpty)
        #expect(errors(#"{"a": 1}"#) == [#"$: missing required key "b""#])
        #expect(errors(#"{"a": 1.5, "b": "x"}"#) == ["$.a: expected integer, got number"])
        #expect(errors(#"{"a": 1, "b": "y"}"#).first?.contains("is not one of") == true)
        #expect(errors(#"{"a": 1, "b": "x", "c": [true, 1]}"#) == ["$.c[1]: expected boolean, got number"])
        #expect(errors(#"{"a": 1, "b": "x", "d": {"k": "s"}}"#) == ["$.d.k: expected number, got string"])
        #expect(errors("[]") == ["$: expected object, got array"])
        #expect(JSONSchema(try #require(JSONValue.parse(#"{"oneOf": []}"#))).unsupportedKeywords() == ["$.oneOf"])
    }

    func expectConforms(_ output: Binary.Output, _ schemaName: String, _ what: String) throws {
        #expect(output.status == 0, "\(what): \(output.stderr)")
        // Valid JSON for an independent parser too.
        #expect((try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8))) != nil, "\(what): not JSON")
        let document = try #require(JSONValue.parse(output.stdout), "\(what): not JSON")
        let errors = try JSONSchema.named(schemaName).errors(document)
        #expect(errors.isEmpty, "\(what) against \(schemaName).schema.json: \(errors.prefix(5))")
    }

    /// Real outputs of every command with a JSON document, checked against their schemas; a
    /// stored run's document (in `runs show`) against the schema of its kind.
    @Test func realOutputsConformToTheirSchemas() throws {
        let folder = Binary.workspace()
        func run(_ arguments: [String]) throws -> Binary.Output { try Binary.run(arguments, in: folder) }
        let adapters = MergeCommandTests.adapters
        try expectConforms(try run(["simulate", "--format", "json", "--no-plots"]), "simulate", "simulate")
        try expectConforms(try run(["simulate", "--format", "json", "--no-plots", "--trials", "20"]), "simulate", "simulate --trials")
        try expectConforms(try run(["sweep", Self.scenario, "--vary", "schedule.horizon_days=10:60:25", "--format", "json", "--no-plots"]),
                           "sweep", "sweep")
        try expectConforms(try run(["merge", "--method", "ties", "--density", "0.5", "--weights", "1,0.5",
                                    adapters.appendingPathComponent("en").path, adapters.appendingPathComponent("fr").path,
                                    "--output", "merged", "--format", "json"]), "merge", "merge")
        try expectConforms(try run(["bench", "merge", "--tasks", "2", "--elements", "10000", "--repetitions", "1", "--format", "json"]),
                           "bench", "bench merge")
        try expectConforms(try run(["bench", "gemm", "--size", "64", "--repetitions", "1", "--format", "json"]), "bench", "bench gemm")
        try expectConforms(try run(["bench", "finetune", "--d-model", "64", "--layers", "1", "--seq", "16", "--batch", "1", "--steps", "1",
                                    "--format", "json"]), "bench", "bench finetune")
        try expectConforms(try run(["calibrate", "--setup", "tiny", "--format", "json"]), "calibrate", "calibrate")
        try expectConforms(try run(["validate", "--setup", "tiny", "--format", "json", "--no-plots"]), "validate", "validate")
        try expectConforms(try run(["bench", "anchors", "--format", "json"]), "bench-anchors", "bench anchors")
        for arguments in [["--model", "llama-3.1-8b", "--tokens", "1e9"], ["--model", "llama-3.1-70b", "--tokens", "1e8", "--gpus", "4"],
                          ["--model-config", ModelConfigCommandTests.configs.appendingPathComponent("qwen2.5-7b.json").path, "--tokens", "1e9"],
                          ["--gpu", "a100-80gb", "--gpu-hours", "10"]] {
            try expectConforms(try run(["estimate"] + arguments + ["--format", "json"]), "estimate", "estimate \(arguments)")
        }
        try expectConforms(try run(["scenarios", "list", "--format", "json"]), "scenarios-list", "scenarios list")
        try expectConforms(try run(["scenarios", "show", "paper-2601.16127", "--format", "json"]), "scenarios-show", "scenarios show")
        try expectConforms(try run(["scenarios", "check", Self.scenario, "--format", "json"]), "scenarios-check", "scenarios check")
        try Data("version: 1\nmodel: nope\n".utf8).write(to: folder.appendingPathComponent("bad.yaml"))
        var bad = try run(["scenarios", "check", "bad.yaml", "--format", "json"])
        #expect(bad.status == 65 && bad.stderr.contains("unknown model 'nope'"))
        bad.status = 0
        try expectConforms(bad, "scenarios-check", "scenarios check (invalid)")
        #expect(JSONValue.parse(bad.stdout)?["ok"] == .bool(false))

        let list = try run(["runs", "list", "--format", "json"])
        try expectConforms(list, "runs-list", "runs list")
        let ids = (JSONValue.parse(list.stdout)?["runs"]?.items ?? []).compactMap { $0["run_id"]?.number }.map { Int($0) }
        #expect(ids == Array((1...9).reversed()))
        try expectConforms(try run(["runs", "compare", "1", "2", "--format", "json"]), "runs-compare", "runs compare")
        let kinds = ["simulate": "simulate", "sweep": "sweep", "merge": "merge", "calibrate": "calibrate", "validate": "validate"]
        var seen: Set<String> = []
        for id in ids {
            let shown = try run(["runs", "show", String(id), "--format", "json"])
            try expectConforms(shown, "runs-show", "runs show \(id)")
            let document = try #require(JSONValue.parse(shown.stdout))
            let kind = try #require(document["kind"]?.string)
            seen.insert(kind)
            let stored = try #require(document["document"])
            let name = kind == "bench" ? "bench" : try #require(kinds[kind])
            #expect(try JSONSchema.named(name).errors(stored).isEmpty, "run \(id) (\(kind)) document")
            // runs export --format json prints the same stored document.
            let exported = try run(["runs", "export", String(id), "--format", "json"])
            #expect(JSONValue.parse(exported.stdout) == stored)
        }
        #expect(seen == ["simulate", "sweep", "merge", "bench", "calibrate", "validate"])
    }

    @Test(.enabled(if: hasCommand("size"), "plan size is not in this build"))
    func sizeConformsToItsSchema() throws {
        let output = try Binary.run(["size", "--target-latency-hours", "48", "--format", "json", "--no-plots"], in: Binary.workspace())
        try expectConforms(output, "size", "size")
    }

    /// `plan sensitivity --format json` and the document it stores (read back by `runs show`).
    @Test func sensitivityConformsToItsSchema() throws {
        let folder = Binary.workspace()
        let output = try Binary.run(["sensitivity", Self.scenario, "--trials", "4", "--format", "json", "--no-plots"], in: folder)
        try expectConforms(output, "sensitivity", "sensitivity")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let runID = try #require(object["run_id"] as? Int)
        let stored = try Binary.run(["runs", "export", String(runID), "--format", "json"], in: folder)
        try expectConforms(stored, "sensitivity", "stored sensitivity run")
    }

    /// The `(values: …)` list ArgumentParser prints for `--format` in a command's help.
    func formats(_ command: [String]) throws -> [String] {
        let help = try Binary.run(command + ["--help"], in: Binary.workspace())
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard let option = text.range(of: "--format <format>"),
              let values = text.range(of: "(values: ", range: option.upperBound..<text.endIndex),
              let end = text[values.upperBound...].firstIndex(where: { $0 == ";" || $0 == ")" })
        else { return [] }
        return text[values.upperBound..<end].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Each command with the arguments it needs, and the formats its help must list.
    @Test func everyFormatInHelpIsAccepted() throws {
        let folder = Binary.workspace()
        #expect(try Binary.run(["simulate", "--no-plots"], in: folder).status == 0)
        let adapters = MergeCommandTests.adapters
        let commands: [(command: [String], arguments: [String], expected: [String])] = [
            (["simulate"], ["--no-plots"], ["table", "json", "csv"]),
            (["sweep"], [Self.scenario, "--vary", "schedule.horizon_days=10:30:20", "--no-tornado", "--no-plots"], ["table", "json", "csv"]),
            (["estimate"], ["--model", "llama-3.2-1b", "--tokens", "1e6"], ["table", "json", "csv"]),
            (["runs", "list"], [], ["table", "json", "csv"]),
            (["runs", "show"], ["1"], ["table", "json", "csv"]),
            (["runs", "compare"], ["1", "1"], ["table", "json", "csv"]),
            (["runs", "export"], ["1"], ["table", "json", "csv"]),
            (["scenarios", "list"], [], ["table", "json"]),
            (["size"], ["--target-latency-hours", "24", "--no-plots"], ["table", "json"]),
            (["sensitivity"], [Self.scenario, "--trials", "2", "--no-plots"], ["table", "json", "csv"]),
            (["scenarios", "show"], ["paper-2601.16127"], ["yaml", "json"]),
            (["scenarios", "check"], [Self.scenario], ["table", "json"]),
            (["merge"], ["--method", "linear", adapters.appendingPathComponent("en").path, adapters.appendingPathComponent("fr").path],
             ["table", "json"]),
            (["bench", "merge"], ["--tasks", "2", "--elements", "1000", "--repetitions", "1", "--no-portable-peer"], ["table", "json"]),
            (["bench", "gemm"], ["--size", "32", "--repetitions", "1"], ["table", "json"]),
            (["bench", "finetune"], ["--d-model", "64", "--layers", "1", "--seq", "8", "--batch", "1", "--steps", "1"], ["table", "json"]),
            (["bench", "anchors"], [], ["table", "json"]),
            (["calibrate"], ["--setup", "tiny"], ["table", "json"]),
            (["validate"], ["--setup", "tiny", "--no-plots"], ["table", "json"]),
        ]
        for (command, arguments, expected) in commands {
            let listed = try formats(command)
            #expect(listed == expected, "\(command.joined(separator: " ")) --help lists \(listed)")
            for format in listed {
                var extra: [String] = []
                if command == ["merge"] { extra = ["--output", "merged-\(format)"] }
                let output = try Binary.run(command + arguments + extra + ["--format", format], in: folder)
                #expect(output.status == 0, "\(command.joined(separator: " ")) --format \(format): \(output.stderr)")
                #expect(!output.stdout.isEmpty)
                if format == "json" {
                    #expect(JSONValue.parse(output.stdout) != nil, "\(command) --format json is not one JSON document")
                }
            }
        }
        #expect(try Binary.run(["bench", "gemm", "--format", "csv"], in: folder).status == 64)
        #expect(try Binary.run(["scenarios", "show", "paper-2601.16127", "--format", "table"], in: folder).status == 64)
    }

    /// `plan --generate-completion-script bash|zsh|fish` (ArgumentParser) names the subcommands.
    @Test(arguments: ["bash", "zsh", "fish"]) func completionScripts(_ shell: String) throws {
        let output = try Binary.run(["--generate-completion-script", shell], in: Binary.workspace())
        #expect(output.status == 0, "\(output.stderr)")
        for word in ["simulate", "estimate", "sweep", "runs", "scenarios", "format"] {
            #expect(output.stdout.contains(word), "\(shell) completion lacks \(word)")
        }
    }
}
