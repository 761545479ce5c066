import Foundation

/// A PEFT LoRA adapter: its config and its modules (sorted by name), all in Float.
public struct LoRAAdapter: Equatable, Sendable {
    /// File names inside a PEFT adapter folder.
    public static let weightsFileName = "adapter_model.safetensors"
    /// File names inside a PEFT adapter folder.
    public static let configFileName = "adapter_config.json"

    /// The adapter's config.
    public var config: AdapterConfig
    /// The adapted layers, sorted by name.
    public var modules: [LoRAModule]

    /// An adapter from parts; modules are sorted by name.
    public init(config: AdapterConfig, modules: [LoRAModule]) {
        self.config = config
        self.modules = modules.sorted { $0.name < $1.name }
    }

    /// Reads and validates the adapter folder at `folder`.
    /// - Throws: `KernelError.missingInput` when the folder or one of its two files is missing,
    ///   `KernelError.invalidData` for invalid files, unknown tensor names, unpaired factors, empty
    ///   modules (no input or output features), ranks that disagree with `r`, or NaN / Inf values.
    public static func load(_ folder: URL) throws -> LoRAAdapter {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw KernelError.missingInput(
                path: folder.path, reason: "no such adapter folder; pass a peft adapter directory")
        }
        let configURL = folder.appendingPathComponent(configFileName)
        guard let configData = FileManager.default.contents(atPath: configURL.path) else {
            throw KernelError.missingInput(
                path: configURL.path,
                reason: "missing adapter_config.json; a peft adapter folder needs it beside adapter_model.safetensors")
        }
        let config = try AdapterConfig.parse(configData, path: configURL.path)
        let weightsURL = folder.appendingPathComponent(weightsFileName)
        guard FileManager.default.fileExists(atPath: weightsURL.path) else {
            throw KernelError.missingInput(
                path: weightsURL.path,
                reason: "missing adapter_model.safetensors; save the adapter with safe_serialization=True")
        }
        let tensors = try SafetensorsFile.read(weightsURL)
        return try LoRAAdapter(config: config, tensors: tensors, path: weightsURL.path)
    }

    /// Builds an adapter from safetensors tensors; `path` only labels errors.
    /// - Throws: `KernelError.invalidData` as described in `load(_:)`.
    public init(config: AdapterConfig, tensors: [String: Tensor], path: String) throws {
        func invalid(_ reason: String) -> KernelError { .invalidData(path: path, reason: reason) }
        var factors: [String: (a: Tensor?, b: Tensor?)] = [:]
        for (name, tensor) in tensors {
            if name.hasSuffix(".lora_A.weight") {
                factors[String(name.dropLast(".lora_A.weight".count)), default: (nil, nil)].a = tensor
            } else if name.hasSuffix(".lora_B.weight") {
                factors[String(name.dropLast(".lora_B.weight".count)), default: (nil, nil)].b = tensor
            } else {
                throw invalid("tensor '\(name)' is not a lora_A or lora_B weight; only plain lora adapters can be merged")
            }
            guard tensor.elements.allSatisfy(\.isFinite) else {
                throw invalid("tensor '\(name)' contains nan or inf values; the adapter is corrupt, retrain or re-export it")
            }
        }
        guard !factors.isEmpty else { throw invalid("the adapter has no lora tensors") }
        var modules: [LoRAModule] = []
        for (name, pair) in factors {
            guard let a = pair.a, let b = pair.b else {
                throw invalid("module '\(name)' has only one of lora_A and lora_B; both are needed")
            }
            guard a.shape.count == 2, b.shape.count == 2 else {
                throw invalid("module '\(name)': lora_A and lora_B must be 2-d, got \(a.shape) and \(b.shape)")
            }
            guard a.shape[1] > 0, b.shape[0] > 0 else {
                throw invalid("module '\(name)' is empty: lora_A \(a.shape) and lora_B \(b.shape) have no input or output features")
            }
            guard a.shape[0] == config.rank, b.shape[1] == config.rank else {
                throw invalid(
                    "module '\(name)': lora_A \(a.shape) and lora_B \(b.shape) do not match r = \(config.rank) "
                        + "from adapter_config.json")
            }
            modules.append(try LoRAModule(name: name, a: a.matrix(), b: b.matrix()))
        }
        self.init(config: config, modules: modules)
    }

    /// The tensors of this adapter in PEFT naming and row-major layout.
    public func tensors() -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for module in modules {
            let names = module.tensorNames
            tensors[names.a] = Tensor(module.a)
            tensors[names.b] = Tensor(module.b)
        }
        return tensors
    }
}
