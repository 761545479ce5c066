import Foundation
import Testing
@testable import PlanKernels
import PlanTestSupport

@Suite("PEFT adapter folders")
struct AdapterTests {
    @Test("the golden adapters load with r = 8, alpha = 16, scaling 2 and 14 modules")
    func loadsGoldenAdapter() throws {
        let adapter = try Golden.adapter("en")
        #expect(adapter.config.rank == 8 && adapter.config.alpha == 16 && adapter.config.scaling == 2)
        #expect(adapter.modules.count == 14)
        #expect(Set(adapter.config.targetModules) == ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
        let down = try #require(adapter.modules.first { $0.name.hasSuffix("layers.0.mlp.down_proj") })
        #expect(down.rank == 8 && down.inFeatures == 160 && down.outFeatures == 64)
    }

    @Test("the file's row-major tensors become column-major matrices and back")
    func layoutRoundTrip() throws {
        let url = try Golden.adapterURL("fr").appendingPathComponent(LoRAAdapter.weightsFileName)
        let tensors = try SafetensorsFile.read(url)
        let adapter = try Golden.adapter("fr")
        let module = adapter.modules[0]
        let rowMajorB = try #require(tensors["\(module.name).lora_B.weight"])
        #expect(module.b[1, 2] == rowMajorB.elements[1 * rowMajorB.shape[1] + 2])
        #expect(adapter.tensors() == tensors)
    }

    @Test("rsLoRA scales by alpha / sqrt(r)")
    func rsLoRAScaling() throws {
        let config = try AdapterConfig.parse(Data(#"{"r": 16, "lora_alpha": 8, "use_rslora": true}"#.utf8), path: "c")
        #expect(config.scaling == 2)
        let plain = try AdapterConfig.parse(Data(#"{"r": 16, "lora_alpha": 8}"#.utf8), path: "c")
        #expect(plain.scaling == 0.5)
    }

    @Test("a written adapter reloads identically, with r = lora_alpha = new rank and other fields copied")
    func writeAndReload() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try Golden.adapter("de")
        let merged = LoRAAdapter(config: source.config.merged(rank: 8, targetModules: ["q_proj"]), modules: source.modules)
        let output = folder.appendingPathComponent("out")
        try AdapterWriter.write(merged, to: output)
        let reloaded = try LoRAAdapter.load(output)
        #expect(reloaded.modules == source.modules)
        #expect(reloaded.config.rank == 8 && reloaded.config.alpha == 8 && reloaded.config.scaling == 1)
        #expect(reloaded.config.document["peft_type"] == .string("LORA"))
        #expect(reloaded.config.document["base_model_name_or_path"] == source.config.document["base_model_name_or_path"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out"])
    }

    @Test("writing over a non-empty folder or under a missing parent fails and leaves nothing")
    func atomicFailures() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let adapter = try Golden.adapter("en")
        let occupied = folder.appendingPathComponent("occupied")
        try FileManager.default.createDirectory(at: occupied, withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: occupied.appendingPathComponent("file"))
        for target in [occupied, folder.appendingPathComponent("missing/parent/out")] {
            do {
                try AdapterWriter.write(adapter, to: target)
                Issue.record("wrote to \(target.path)")
            } catch let error as KernelError {
                #expect(error.kind == .cannotCreateOutput)
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["occupied"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: occupied.path) == ["file"])
    }

    /// Copies the golden `en` adapter into a temporary folder and lets `edit` damage it.
    func damagedAdapter(_ edit: (URL) throws -> Void) throws -> (URL, KernelError?) {
        let folder = try temporaryFolder()
        let adapter = folder.appendingPathComponent("adapter")
        try FileManager.default.copyItem(at: try Golden.adapterURL("en"), to: adapter)
        for name in [LoRAAdapter.weightsFileName, LoRAAdapter.configFileName] {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: adapter.appendingPathComponent(name).path)
        }
        try edit(adapter)
        do {
            _ = try LoRAAdapter.load(adapter)
            return (folder, nil)
        } catch let error as KernelError {
            return (folder, error)
        }
    }

    struct Damage: Sendable, CustomTestStringConvertible {
        let name: String
        let kind: KernelError.Kind
        let message: String
        let edit: @Sendable (URL) throws -> Void
        var testDescription: String { name }
    }

    static func rewriteTensors(_ adapter: URL, _ change: ([String: Tensor]) throws -> [String: Tensor]) throws {
        let url = adapter.appendingPathComponent(LoRAAdapter.weightsFileName)
        try SafetensorsFile.write(try change(try SafetensorsFile.read(url)), to: url)
    }

    static let damages: [Damage] = [
        Damage(name: "missing adapter_config.json", kind: .missingInput, message: "missing adapter_config.json") {
            try FileManager.default.removeItem(at: $0.appendingPathComponent(LoRAAdapter.configFileName))
        },
        Damage(name: "missing adapter_model.safetensors", kind: .missingInput, message: "missing adapter_model.safetensors") {
            try FileManager.default.removeItem(at: $0.appendingPathComponent(LoRAAdapter.weightsFileName))
        },
        Damage(name: "config that is not json", kind: .invalidData, message: "not a json object") {
            try Data("{r: 8".utf8).write(to: $0.appendingPathComponent(LoRAAdapter.configFileName))
        },
        Damage(name: "rank that disagrees with the tensors", kind: .invalidData, message: "do not match r = 4") {
            try Data(#"{"r": 4, "lora_alpha": 8, "peft_type": "LORA"}"#.utf8).write(to: $0.appendingPathComponent(LoRAAdapter.configFileName))
        },
        Damage(name: "negative rank", kind: .invalidData, message: "r must be a positive integer") {
            try Data(#"{"r": -4, "lora_alpha": 8}"#.utf8).write(to: $0.appendingPathComponent(LoRAAdapter.configFileName))
        },
        Damage(name: "truncated safetensors", kind: .invalidData, message: "outside") {
            let url = $0.appendingPathComponent(LoRAAdapter.weightsFileName)
            let data = try Data(contentsOf: url)
            try data.prefix(data.count / 2).write(to: url)
        },
        Damage(name: "nan in a tensor", kind: .invalidData, message: "nan or inf") { adapter in
            try rewriteTensors(adapter) { tensors in
                var tensors = tensors
                let name = tensors.keys.sorted()[0]
                let tensor = try #require(tensors[name])
                tensors[name] = try Tensor(shape: tensor.shape, elements: [.nan] + tensor.elements.dropFirst())
                return tensors
            }
        },
        Damage(name: "inf in a tensor", kind: .invalidData, message: "nan or inf") { adapter in
            try rewriteTensors(adapter) { tensors in
                var tensors = tensors
                let name = tensors.keys.sorted()[3]
                let tensor = try #require(tensors[name])
                tensors[name] = try Tensor(shape: tensor.shape, elements: tensor.elements.dropLast() + [-.infinity])
                return tensors
            }
        },
        Damage(name: "lora_A without lora_B", kind: .invalidData, message: "only one of lora_A and lora_B") { adapter in
            try rewriteTensors(adapter) { tensors in
                tensors.filter { !$0.key.hasSuffix("layers.1.self_attn.q_proj.lora_B.weight") }
            }
        },
        Damage(name: "a non-lora tensor", kind: .invalidData, message: "not a lora_A or lora_B") { adapter in
            try rewriteTensors(adapter) { tensors in
                var tensors = tensors
                tensors["base_model.model.lm_head.weight"] = try Tensor(shape: [1], elements: [0])
                return tensors
            }
        },
    ]

    @Test("damaged adapter folders are refused with the right kind of error", arguments: damages)
    func refusesDamagedAdapter(_ damage: Damage) throws {
        let (folder, error) = try damagedAdapter(damage.edit)
        defer { try? FileManager.default.removeItem(at: folder) }
        let failure = try #require(error)
        #expect(failure.kind == damage.kind)
        #expect(failure.description.contains(damage.message), "\(failure)")
    }

    @Test("a folder that does not exist is a missing input")
    func missingFolder() {
        do {
            _ = try LoRAAdapter.load(URL(fileURLWithPath: "/nonexistent/adapter"))
            Issue.record("loaded a missing folder")
        } catch let error as KernelError {
            #expect(error.kind == .missingInput)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
