import Foundation
import PlanCore

/// The model architecture a stored run used (`model_architecture` in the simulate document's
/// `assumptions`, at the top of sweep and sensitivity documents), read back for the report of a
/// `model: {hf_config: PATH}` run.
public struct ArchitectureRecord: Sendable, Equatable, Decodable {
    public var name: String
    public var layers: Int
    public var hidden: Int
    public var mlp: Int
    public var heads: Int
    public var kvHeads: Int
    public var vocab: Int
    public var headDim: Int
    public var tiedEmbeddings: Bool
    public var qkvBias: Bool
    public var source: String

    enum CodingKeys: String, CodingKey {
        case name, layers, hidden, mlp, heads, kvHeads = "kv_heads", vocab, headDim = "head_dim", tiedEmbeddings = "tied_embeddings"
        case qkvBias = "qkv_bias", source
    }

    public var architecture: ModelArchitecture {
        ModelArchitecture(name: name, layers: layers, hidden: hidden, mlp: mlp, heads: heads, kvHeads: kvHeads, vocab: vocab, headDim: headDim,
                          tiedEmbeddings: tiedEmbeddings, qkvBias: qkvBias, source: source)
    }

    private struct Holder: Decodable {
        struct Assumptions: Decodable { var model_architecture: ArchitectureRecord? }
        var assumptions: Assumptions?
        var model_architecture: ArchitectureRecord?
    }

    /// The architecture stored in a run document; nil when the run (an older plan) stored none.
    public static func stored(in document: String) -> ModelArchitecture? {
        guard let holder = try? JSONDecoder().decode(Holder.self, from: Data(document.utf8)) else { return nil }
        return (holder.assumptions?.model_architecture ?? holder.model_architecture)?.architecture
    }
}
