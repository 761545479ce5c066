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

    /// Reads an architecture from a JSON object with plan's field names (`jsonObject`) or a
    /// Hugging Face `config.json` (`num_hidden_layers`, `hidden_size`, `intermediate_size`,
    /// `num_attention_heads`, `num_key_value_heads`, `vocab_size`, `head_dim`,
    /// `tie_word_embeddings`). Throws `PlanCoreError.invalidRunLog` naming `file` and the field.
    public static func decode(_ object: [String: Any], file: String, name fallbackName: String) throws -> ModelArchitecture {
        let hf = object["num_hidden_layers"] != nil
        func integer(_ plan: String, _ hfKey: String, required: Bool = true) throws -> Int? {
            let key = hf ? hfKey : plan
            guard let value = object[key] else {
                if required { throw PlanCoreError.invalidRunLog("\(file): missing field \(key)") }
                return nil
            }
            guard let number = value as? NSNumber, number.doubleValue == number.doubleValue.rounded(),
                  number.doubleValue >= 1, number.doubleValue <= 1e9
            else { throw PlanCoreError.invalidRunLog("\(file): field \(key): expected a positive integer, got \(value)") }
            return number.intValue
        }
        func flag(_ plan: String, _ hfKey: String) -> Bool { (object[hf ? hfKey : plan] as? Bool) ?? false }
        let layers = try integer("layers", "num_hidden_layers") ?? 0
        let hidden = try integer("hidden", "hidden_size") ?? 0
        let mlp = try integer("mlp", "intermediate_size") ?? 0
        let heads = try integer("heads", "num_attention_heads") ?? 0
        let kvHeads = try integer("kv_heads", "num_key_value_heads", required: !hf) ?? heads
        let vocab = try integer("vocab", "vocab_size") ?? 0
        let headDim = try integer("head_dim", "head_dim", required: false)
        guard heads % kvHeads == 0 else {
            throw PlanCoreError.invalidRunLog("\(file): field \(hf ? "num_key_value_heads" : "kv_heads"): heads (\(heads)) must be a multiple of it (\(kvHeads))")
        }
        guard headDim != nil || hidden % heads == 0 else {
            throw PlanCoreError.invalidRunLog("\(file): field \(hf ? "num_attention_heads" : "heads"): hidden (\(hidden)) is not divisible by it; give head_dim")
        }
        let name = (object["name"] as? String) ?? fallbackName
        let bias = hf ? ((object["model_type"] as? String) == "qwen2" || (object["attention_bias"] as? Bool) == true) : flag("qkv_bias", "")
        return ModelArchitecture(
            name: name, layers: layers, hidden: hidden, mlp: mlp, heads: heads, kvHeads: kvHeads, vocab: vocab, headDim: headDim,
            tiedEmbeddings: flag("tied_embeddings", "tie_word_embeddings"), qkvBias: bias, source: "file \(file)")
    }
}
