import Foundation
import Testing
@testable import PlanCore

/// Hugging Face config.json files read as the catalog's architectures.
struct HFConfigTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/hf-configs")
    static let catalogNames = (try? Catalog.bundled().models.keys.sorted()) ?? []

    func config(_ name: String) throws -> ModelArchitecture {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent("\(name).json"))
        return try HFConfig.architecture(from: data, file: "\(name).json", name: name)
    }

    @Test func everyCatalogModelHasAPublishedConfig() {
        #expect(Self.catalogNames.count == 12)
        for name in Self.catalogNames {
            #expect(FileManager.default.fileExists(atPath: Self.folder.appendingPathComponent("\(name).json").path), "\(name)")
        }
    }

    /// The catalog entry and the model's published config.json describe the same architecture.
    @Test(arguments: catalogNames) func catalogAgreesWithConfig(_ name: String) throws {
        let catalog = try Catalog.bundled().model(name)
        let parsed = try config(name)
        #expect(parsed.layers == catalog.layers)
        #expect(parsed.hidden == catalog.hidden)
        #expect(parsed.mlp == catalog.mlp)
        #expect(parsed.heads == catalog.heads)
        #expect(parsed.kvHeads == catalog.kvHeads)
        #expect(parsed.vocab == catalog.vocab)
        #expect(parsed.headDim == catalog.headDim)
        #expect(parsed.tiedEmbeddings == catalog.tiedEmbeddings)
        #expect(parsed.qkvBias == catalog.qkvBias)
        #expect(parsed.totalParameters == catalog.totalParameters)
        if let published = catalog.publishedParams {
            #expect(abs(parsed.totalParameters / published - 1) < 0.02, "\(name): \(parsed.totalParameters) vs \(published)")
        }
    }

    /// Qwen2.5-7B model card: 7.61B parameters (7.62e9 in the catalog); Qwen2 has q/k/v biases
    /// without an attention_bias key.
    @Test func qwen25_7BParameters() throws {
        let qwen = try config("qwen2.5-7b")
        #expect(qwen.qkvBias)
        #expect(abs(qwen.totalParameters / 7.62e9 - 1) < 0.02, "\(qwen.totalParameters)")
    }

    @Test func mixtureOfExpertsIsRefused() throws {
        #expect {
            try config("mixtral-8x7b")
        } throws: { error in
            "\(error)".contains("mixture-of-experts") && "\(error)".contains("num_local_experts: 8")
        }
    }

    @Test(arguments: [
        ("{", "is not valid JSON"),
        ("[1, 2]", "is not a JSON object"),
        (#"{"hidden_size": 4096}"#, "missing field num_hidden_layers"),
        (#"{"hidden_size": "big", "model_type": "llama"}"#, "field hidden_size is not an integer"),
        (#"{"hidden_size": 4096, "intermediate_size": 11008, "num_hidden_layers": 32, "num_attention_heads": 32, "model_type": "llama"}"#,
         "missing field vocab_size"),
        (#"{"hidden_size": 4096, "intermediate_size": 11008, "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 0}"#,
         "field vocab_size must be between"),
        (#"{"hidden_size": 4096, "intermediate_size": 11008, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 5, "vocab_size": 32000}"#,
         "must be a multiple of num_key_value_heads"),
        (#"{"hidden_size": 4096, "intermediate_size": 11008, "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 32000, "model_type": "phi3"}"#,
         "missing field tie_word_embeddings"),
        (#"{"num_experts": 60, "model_type": "qwen2_moe"}"#, "mixture-of-experts"),
    ])
    func badConfigsNameTheField(_ text: String, _ message: String) {
        #expect {
            try HFConfig.architecture(from: Data(text.utf8), file: "c.json", name: "c")
        } throws: { error in
            guard case let PlanCoreError.invalidModelConfig(file, problem) = error else { return false }
            return file == "c.json" && problem.contains(message)
        }
    }

    @Test func defaultsFollowTransformers() throws {
        let text = #"{"hidden_size": 2048, "intermediate_size": 5632, "num_hidden_layers": 22, "num_attention_heads": 32, "vocab_size": 32000, "model_type": "llama", "attention_bias": true}"#
        let model = try HFConfig.architecture(from: Data(text.utf8), file: "c.json", name: "tiny")
        #expect(model.kvHeads == 32)
        #expect(model.headDim == 64)
        #expect(!model.tiedEmbeddings)
        #expect(model.qkvBias)
        #expect(model.name == "tiny")
    }

    /// `model: {hf_config: PATH}` in a scenario, relative to the scenario's folder.
    @Test func scenarioReadsHFConfigRelativeToItsFolder() throws {
        let text = try Catalog.scenarioText(Catalog.defaultScenarioName)
            .replacingOccurrences(of: "model: llama-3.1-8b", with: "model: {hf_config: llama-3.1-8b.json}")
        #expect(text.contains("hf_config"))
        let loader = ScenarioLoader(catalog: try Catalog.bundled(), baseDirectory: Self.folder)
        let scenario = try loader.load(text: text, file: "s.yaml")
        #expect(scenario.model.totalParameters == (try Catalog.bundled().model("llama-3.1-8b")).totalParameters)
        #expect(scenario.model.name == "llama-3.1-8b")

        let missing = ScenarioLoader(catalog: try Catalog.bundled(), baseDirectory: Self.folder.appendingPathComponent("nowhere"))
        #expect { try missing.load(text: text, file: "s.yaml") } throws: { error in
            "\(error)".contains("at model.hf_config: no such file")
        }
        let extra = text.replacingOccurrences(of: "{hf_config: llama-3.1-8b.json}", with: "{hf_config: llama-3.1-8b.json, layers: 3}")
        #expect { try loader.load(text: extra, file: "s.yaml") } throws: { error in
            "\(error)".contains("at model.layers: hf_config gives the architecture")
        }
        let moe = text.replacingOccurrences(of: "llama-3.1-8b.json", with: "mixtral-8x7b.json")
        #expect { try loader.load(text: moe, file: "s.yaml") } throws: { error in
            "\(error)".contains("at model.hf_config:") && "\(error)".contains("mixture-of-experts")
        }
    }
}
