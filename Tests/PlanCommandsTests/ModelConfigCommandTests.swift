import Foundation
import Testing

/// `plan estimate --model-config` and `model: {hf_config: PATH}` end to end.
struct ModelConfigCommandTests {
    static let configs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../PlanCoreTests/Fixtures/hf-configs").standardizedFileURL

    func json(_ output: Binary.Output) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    }

    /// Qwen2.5-7B's published config.json: 7.62e9 parameters (model card 7.61B).
    @Test func qwenConfigGivesItsParameterCount() throws {
        let path = Self.configs.appendingPathComponent("qwen2.5-7b.json").path
        let output = try Binary.run(["estimate", "--model-config", path, "--tokens", "1e9", "--format", "json"], in: Binary.workspace())
        #expect(output.status == 0, "\(output.stderr)")
        let parameters = try #require(try json(output)["parameters"] as? Double)
        #expect(abs(parameters / 7.62e9 - 1) < 0.02, "\(parameters)")
        // The same job from the catalog entry prices identically.
        let catalog = try Binary.run(["estimate", "--model", "qwen2.5-7b", "--tokens", "1e9", "--format", "json"], in: Binary.workspace())
        #expect(try json(catalog)["gpu_hours"] as? Double == (try json(output)["gpu_hours"] as? Double))
    }

    @Test func mixtralIsRefusedWith65() throws {
        let path = Self.configs.appendingPathComponent("mixtral-8x7b.json").path
        let output = try Binary.run(["estimate", "--model-config", path, "--tokens", "1e9", "--format", "json"], in: Binary.workspace())
        #expect(output.status == 65)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains("mixture-of-experts"))
        #expect(output.stderr.split(separator: "\n").count == 1)
    }

    @Test func missingAndBrokenConfigs() throws {
        let folder = Binary.workspace()
        let missing = try Binary.run(["estimate", "--model-config", "nope.json", "--tokens", "1e9"], in: folder)
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("nope.json"))
        try Data(#"{"hidden_size": 4096, "num_hidden_layers": 32}"#.utf8).write(to: folder.appendingPathComponent("bad.json"))
        let bad = try Binary.run(["estimate", "--model-config", "bad.json", "--tokens", "1e9"], in: folder)
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("bad.json: missing field intermediate_size"), "\(bad.stderr)")
        let both = try Binary.run(["estimate", "--model-config", "bad.json", "--model", "llama-3.1-8b", "--tokens", "1e9"], in: folder)
        #expect(both.status == 64)
    }

    /// A scenario's `model: {hf_config: PATH}` is read relative to the scenario file.
    @Test func scenarioHFConfigIsRelativeToTheScenario() throws {
        let folder = Binary.workspace()
        let sub = folder.appendingPathComponent("s")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.configs.appendingPathComponent("llama-3.1-8b.json"), to: sub.appendingPathComponent("config.json"))
        let yaml = try Binary.defaultScenario(in: folder).replacingOccurrences(of: "model: llama-3.1-8b", with: "model: {hf_config: config.json}")
        try Data(yaml.utf8).write(to: sub.appendingPathComponent("scenario.yaml"))
        let check = try Binary.run(["scenarios", "check", "s/scenario.yaml"], in: folder)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("config"))
        let withConfig = try Binary.run(["simulate", "s/scenario.yaml", "--format", "json", "--no-plots", "--db", "r.sqlite"], in: folder)
        let catalog = try Binary.run(["simulate", "--format", "json", "--no-plots", "--db", "r.sqlite"], in: folder)
        #expect(withConfig.status == 0, "\(withConfig.stderr)")
        let a = try json(withConfig)["strategies"] as? [[String: Any]]
        let b = try json(catalog)["strategies"] as? [[String: Any]]
        #expect(a?.first?["gpu_hours"] as? Double == b?.first?["gpu_hours"] as? Double)
        try FileManager.default.removeItem(at: sub.appendingPathComponent("config.json"))
        let gone = try Binary.run(["scenarios", "check", "s/scenario.yaml"], in: folder)
        #expect(gone.status == 65)
        #expect(gone.stderr.contains("at model.hf_config: no such file"), "\(gone.stderr)")
    }
}
