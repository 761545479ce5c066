import Foundation

extension ModelArchitecture {
    /// The architecture as a JSON object (`plan scenarios show --model NAME --format json`): the
    /// catalog's field names, plus the parameter count. `ModelArchitecture.decode` reads it back.
    public var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "name": name, "layers": layers, "hidden": hidden, "mlp": mlp, "heads": heads, "kv_heads": kvHeads,
            "vocab": vocab, "head_dim": headDim, "tied_embeddings": tiedEmbeddings, "qkv_bias": qkvBias,
            "total_parameters": totalParameters, "source": source,
        ]
        if let publishedParams { object["published_params"] = publishedParams }
        return object
    }

    /// Reads an architecture file: plan's own export (`jsonObject`, from
    /// `plan scenarios show --model NAME --format json` or the probe) or a Hugging Face
    /// `config.json` (recognised by `num_hidden_layers`, read by `HFConfig`, which also refuses
    /// mixture-of-experts configs). The one reader behind `--model-config`, `model: {hf_config:}`
    /// and a run log's `.json` model. Throws `PlanCoreError.invalidModelConfig` naming `file`.
    public static func read(_ data: Data, file: String, name fallbackName: String) throws -> ModelArchitecture {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw PlanCoreError.invalidModelConfig(file, "is not a JSON object")
        }
        if object["num_hidden_layers"] != nil || object["layers"] == nil {
            return try HFConfig.architecture(from: data, file: file, name: fallbackName)
        }
        return try decode(object, file: file, name: fallbackName)
    }

    /// Reads an architecture from a JSON object with plan's field names (`jsonObject`).
    /// Throws `PlanCoreError.invalidModelConfig` naming `file` and the field.
    static func decode(_ object: [String: Any], file: String, name fallbackName: String) throws -> ModelArchitecture {
        func integer(_ key: String, required: Bool = true) throws -> Int? {
            guard let value = object[key] else {
                if required { throw PlanCoreError.invalidModelConfig(file, "missing field \(key)") }
                return nil
            }
            guard let number = value as? NSNumber, number.doubleValue == number.doubleValue.rounded(),
                  number.doubleValue >= 1, number.doubleValue <= 1e9
            else { throw PlanCoreError.invalidModelConfig(file, "field \(key): expected a positive integer, got \(value)") }
            return number.intValue
        }
        func flag(_ key: String) -> Bool { (object[key] as? Bool) ?? false }
        let layers = try integer("layers") ?? 0
        let hidden = try integer("hidden") ?? 0
        let mlp = try integer("mlp") ?? 0
        let heads = try integer("heads") ?? 0
        let kvHeads = try integer("kv_heads") ?? heads
        let vocab = try integer("vocab") ?? 0
        let headDim = try integer("head_dim", required: false)
        guard heads % kvHeads == 0 else {
            throw PlanCoreError.invalidModelConfig(file, "field kv_heads: heads (\(heads)) must be a multiple of it (\(kvHeads))")
        }
        guard headDim != nil || hidden % heads == 0 else {
            throw PlanCoreError.invalidModelConfig(file, "field heads: hidden (\(hidden)) is not divisible by it; give head_dim")
        }
        let name = (object["name"] as? String) ?? fallbackName
        return ModelArchitecture(
            name: name, layers: layers, hidden: hidden, mlp: mlp, heads: heads, kvHeads: kvHeads, vocab: vocab, headDim: headDim,
            tiedEmbeddings: flag("tied_embeddings"), qkvBias: flag("qkv_bias"), source: (object["source"] as? String) ?? "file \(file)")
    }
}
