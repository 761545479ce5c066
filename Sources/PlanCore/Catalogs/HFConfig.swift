import Foundation

/// Reads a Hugging Face `config.json` of a dense decoder (`LlamaForCausalLM`,
/// `MistralForCausalLM`, `Qwen2ForCausalLM`, `Gemma2ForCausalLM`, and others whose fields map the
/// same way) into a `ModelArchitecture`. Pure: bytes in, architecture out.
///
/// Field mapping (transformers' names → plan's): `num_hidden_layers` → layers, `hidden_size` →
/// hidden, `intermediate_size` → mlp, `num_attention_heads` → heads, `num_key_value_heads` →
/// kv heads (default: heads, as transformers does), `head_dim` (default: hidden / heads),
/// `vocab_size`, `tie_word_embeddings` (default: the family's class default), `attention_bias` →
/// q/k/v biases (Qwen2 always has them and has no such key). Mixture-of-experts configs
/// (`num_local_experts`, `num_experts`, `n_routed_experts` above 1) are refused: plan does not
/// model routed experts.
public enum HFConfig {
    /// `model_type`s whose `tie_word_embeddings` default (the transformers config class's) plan
    /// knows; other families must state the key.
    public static let tiedEmbeddingsDefault: [String: Bool] = [
        "llama": false, "mistral": false, "qwen2": false, "gemma": true, "gemma2": true,
    ]

    /// `model_type`s with q/k/v biases regardless of `attention_bias`.
    static let qkvBiasFamilies: Set<String> = ["qwen2"]

    /// The fields plan reads; everything else in the file is ignored.
    struct Fields: Decodable {
        var architectures: [String]?
        var model_type: String?
        var hidden_size: Int?
        var intermediate_size: Int?
        var num_hidden_layers: Int?
        var num_attention_heads: Int?
        var num_key_value_heads: Int?
        var head_dim: Int?
        var vocab_size: Int?
        var tie_word_embeddings: Bool?
        var attention_bias: Bool?
        var num_local_experts: Int?
        var num_experts: Int?
        var n_routed_experts: Int?
    }

    /// Parses `data` (the bytes of `file`, used in messages) into an architecture named `name`.
    /// Throws `PlanCoreError.invalidModelConfig` naming the file and the field at fault.
    public static func architecture(from data: Data, file: String, name: String) throws -> ModelArchitecture {
        let fields: Fields
        do {
            fields = try JSONDecoder().decode(Fields.self, from: data)
        } catch let error as DecodingError {
            throw PlanCoreError.invalidModelConfig(file, describe(error))
        } catch {
            throw PlanCoreError.invalidModelConfig(file, "is not valid JSON")
        }
        let family = fields.model_type ?? fields.architectures?.first ?? "unknown"
        for (key, experts) in [("num_local_experts", fields.num_local_experts), ("num_experts", fields.num_experts),
                               ("n_routed_experts", fields.n_routed_experts)] {
            if let experts, experts > 1 {
                throw PlanCoreError.invalidModelConfig(
                    file, "\(family) is a mixture-of-experts model (\(key): \(experts)); plan models dense decoders only")
            }
        }
        func required(_ value: Int?, _ key: String) throws -> Int {
            guard let value else { throw PlanCoreError.invalidModelConfig(file, "missing field \(key)") }
            guard value >= 1 && value <= 10_000_000 else {
                throw PlanCoreError.invalidModelConfig(file, "field \(key) must be between 1 and 10000000, got \(value)")
            }
            return value
        }
        let layers = try required(fields.num_hidden_layers, "num_hidden_layers")
        let hidden = try required(fields.hidden_size, "hidden_size")
        let mlp = try required(fields.intermediate_size, "intermediate_size")
        let heads = try required(fields.num_attention_heads, "num_attention_heads")
        let kvHeads = try required(fields.num_key_value_heads ?? heads, "num_key_value_heads")
        let vocab = try required(fields.vocab_size, "vocab_size")
        let headDim: Int? = try fields.head_dim.map { try required($0, "head_dim") }
        if heads % kvHeads != 0 {
            throw PlanCoreError.invalidModelConfig(
                file, "field num_attention_heads (\(heads)) must be a multiple of num_key_value_heads (\(kvHeads))")
        }
        if headDim == nil && hidden % heads != 0 {
            throw PlanCoreError.invalidModelConfig(
                file, "missing field head_dim (hidden_size \(hidden) is not divisible by num_attention_heads \(heads))")
        }
        let type = fields.model_type?.lowercased() ?? ""
        guard let tied = fields.tie_word_embeddings ?? tiedEmbeddingsDefault[type] else {
            throw PlanCoreError.invalidModelConfig(
                file, "missing field tie_word_embeddings (plan does not know the default of model_type '\(family)'; add it)")
        }
        let bias = qkvBiasFamilies.contains(type) || (fields.attention_bias ?? false)
        return ModelArchitecture(
            name: name, layers: layers, hidden: hidden, mlp: mlp, heads: heads, kvHeads: kvHeads, vocab: vocab,
            headDim: headDim, tiedEmbeddings: tied, qkvBias: bias, source: "\(file) (\(family))")
    }

    /// One line for a decoding error: the field path and what was wrong.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case let .typeMismatch(type, context):
            return context.codingPath.isEmpty ? "is not a JSON object" : "field \(path(context)) is not \(kind(type))"
        case let .valueNotFound(type, context):
            return "field \(path(context)) is not \(kind(type))"
        case let .keyNotFound(key, _):
            return "missing field \(key.stringValue)"
        case let .dataCorrupted(context):
            return context.codingPath.isEmpty ? "is not valid JSON" : "field \(path(context)) is not a valid value"
        @unknown default:
            return "is not valid JSON"
        }
    }

    private static func kind(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "an integer"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        default: return "the expected type"
        }
    }
}
