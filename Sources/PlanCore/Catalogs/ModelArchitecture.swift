import Foundation

/// A decoder-only transformer's shape, as published in its `config.json`.
public struct ModelArchitecture: Sendable, Equatable {
    public var name: String
    public var layers: Int
    /// Hidden size (model width).
    public var hidden: Int
    /// MLP intermediate size.
    public var mlp: Int
    public var heads: Int
    /// Key/value heads (grouped-query attention when fewer than `heads`).
    public var kvHeads: Int
    public var vocab: Int
    /// Per-head width; usually hidden / heads.
    public var headDim: Int
    public var tiedEmbeddings: Bool
    /// Biases on q, k and v (Qwen2).
    public var qkvBias: Bool
    /// The parameter total its publisher states, if known (for checks).
    public var publishedParams: Double?
    public var source: String

    public init(
        name: String, layers: Int, hidden: Int, mlp: Int, heads: Int, kvHeads: Int, vocab: Int,
        headDim: Int? = nil, tiedEmbeddings: Bool = false, qkvBias: Bool = false,
        publishedParams: Double? = nil, source: String = "inline"
    ) {
        self.name = name
        self.layers = layers
        self.hidden = hidden
        self.mlp = mlp
        self.heads = heads
        self.kvHeads = kvHeads
        self.vocab = vocab
        self.headDim = headDim ?? (heads > 0 ? hidden / heads : 0)
        self.tiedEmbeddings = tiedEmbeddings
        self.qkvBias = qkvBias
        self.publishedParams = publishedParams
        self.source = source
    }

    /// The seven projections of a Llama-style decoder layer, in PEFT's naming.
    public static let projectionNames = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

    /// (in_features, out_features) of a projection in one layer; nil for an unknown name.
    public func projectionShape(_ name: String) -> (input: Int, output: Int)? {
        let attention = heads * headDim
        let keyValue = kvHeads * headDim
        switch name {
        case "q_proj": return (hidden, attention)
        case "k_proj", "v_proj": return (hidden, keyValue)
        case "o_proj": return (attention, hidden)
        case "gate_proj", "up_proj": return (hidden, mlp)
        case "down_proj": return (mlp, hidden)
        default: return nil
        }
    }
}
