/// The shape of the small decoder-only transformer (Llama-style: RMSNorm, RoPE, causal
/// grouped-query attention, SwiGLU MLP, untied LM head).
public struct TransformerConfig: Sendable, Equatable, Codable {
    /// Vocabulary size (tokens).
    public var vocab: Int
    /// Model width d.
    public var dModel: Int
    /// Decoder layers.
    public var layers: Int
    /// Query heads.
    public var heads: Int
    /// Key/value heads; `heads` must be a multiple (grouped-query attention when fewer).
    public var kvHeads: Int
    /// Width of one head.
    public var headDim: Int
    /// MLP intermediate width.
    public var mlp: Int
    /// Tokens per sequence (the attention context).
    public var sequenceLength: Int
    /// RMSNorm epsilon.
    public var normEpsilon: Double
    /// RoPE base frequency.
    public var ropeBase: Double

    /// A configuration; `headDim` defaults to dModel / heads.
    public init(
        vocab: Int, dModel: Int, layers: Int, heads: Int, kvHeads: Int, headDim: Int? = nil, mlp: Int,
        sequenceLength: Int, normEpsilon: Double = 1e-5, ropeBase: Double = 10_000
    ) {
        self.vocab = vocab
        self.dModel = dModel
        self.layers = layers
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim ?? (heads > 0 ? dModel / heads : 0)
        self.mlp = mlp
        self.sequenceLength = sequenceLength
        self.normEpsilon = normEpsilon
        self.ropeBase = ropeBase
    }

    /// Checks that every size is positive and the heads fit together.
    /// - Throws: `KernelError.invalidArgument` naming the first bad size.
    public func validate() throws {
        for (name, value) in [("vocab", vocab), ("d-model", dModel), ("layers", layers), ("heads", heads),
                              ("kv heads", kvHeads), ("head dim", headDim), ("mlp", mlp), ("seq", sequenceLength)]
        where value < 1 {
            throw KernelError.invalidArgument("\(name) must be at least 1, got \(value)")
        }
        guard heads % kvHeads == 0 else {
            throw KernelError.invalidArgument("heads (\(heads)) must be a multiple of kv heads (\(kvHeads))")
        }
        guard headDim % 2 == 0 else {
            throw KernelError.invalidArgument("head dim must be even for rotary embeddings, got \(headDim)")
        }
    }

    /// Rows of the fused q/k/v projection output: (heads + 2 · kvHeads) · headDim.
    var qkvRows: Int { (heads + 2 * kvHeads) * headDim }
    /// Width of the attention output (input of o_proj): heads · headDim.
    var attentionWidth: Int { heads * headDim }
    /// Width of k or v: kvHeads · headDim.
    var keyValueWidth: Int { kvHeads * headDim }

    /// (in_features, out_features) of a projection.
    public func shape(of projection: Projection) -> (input: Int, output: Int) {
        switch projection {
        case .q: (dModel, attentionWidth)
        case .k, .v: (dModel, keyValueWidth)
        case .o: (attentionWidth, dModel)
        case .gate, .up: (dModel, mlp)
        case .down: (mlp, dModel)
        }
    }

    /// Weights of the seven projections in one layer.
    public var matmulParametersPerLayer: Int {
        Projection.allCases.reduce(0) { sum, p in
            let s = shape(of: p)
            return sum + s.input * s.output
        }
    }
}

/// The seven projections of a decoder layer, in PEFT's names.
public enum Projection: String, CaseIterable, Sendable, Codable {
    case q = "q_proj", k = "k_proj", v = "v_proj", o = "o_proj", gate = "gate_proj", up = "up_proj", down = "down_proj"

    /// The submodule PEFT names the projection under (`self_attn` or `mlp`).
    var submodule: String {
        switch self {
        case .q, .k, .v, .o: "self_attn"
        case .gate, .up, .down: "mlp"
        }
    }

    /// The projection for a PEFT target name.
    /// - Throws: `KernelError.invalidArgument` for an unknown name.
    public static func named(_ name: String) throws -> Projection {
        guard let projection = Projection(rawValue: name) else {
            throw KernelError.invalidArgument(
                "unknown projection '\(name)'; use one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return projection
    }
}

/// What a training step updates.
public enum TrainingMode: Sendable, Equatable {
    /// LoRA adapters on `targets` over frozen base weights: ΔW = (alpha / rank) · B · A.
    case lora(rank: Int, alpha: Double, targets: [Projection])
    /// Every base weight (embeddings, norms, projections, LM head).
    case full

    /// The LoRA targets in canonical order (empty for full fine-tuning).
    var loraTargets: [Projection] {
        guard case .lora(_, _, let targets) = self else { return [] }
        return Projection.allCases.filter(targets.contains)
    }

    var loraRank: Int {
        guard case .lora(let rank, _, _) = self else { return 0 }
        return rank
    }

    var loraScaling: Double {
        guard case .lora(let rank, let alpha, _) = self else { return 0 }
        return alpha / Double(rank)
    }
}
