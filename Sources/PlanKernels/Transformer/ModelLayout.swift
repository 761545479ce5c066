/// Where every base weight lives in one flat, column-major array.
///
/// Projections are fused where they share an input: q/k/v are one (heads + 2·kvHeads)·headDim × d
/// matrix and gate/up one 2·mlp × d matrix, so each is one large GEMM instead of two or three.
struct BaseLayout: Sendable, Equatable {
    struct Layer: Sendable, Equatable {
        /// RMSNorm gain before attention (d).
        let attentionNorm: Int
        /// Fused [q; k; v] weights, qkvRows × d.
        let qkv: Int
        /// o_proj, d × attentionWidth.
        let output: Int
        /// RMSNorm gain before the MLP (d).
        let mlpNorm: Int
        /// Fused [gate; up] weights, 2·mlp × d.
        let gateUp: Int
        /// down_proj, d × mlp.
        let down: Int
    }

    /// Token embeddings, d × vocab (column = token).
    let embedding: Int
    let layers: [Layer]
    /// Final RMSNorm gain (d).
    let finalNorm: Int
    /// LM head, vocab × d.
    let head: Int
    /// Total elements.
    let count: Int

    init(_ config: TransformerConfig) {
        let d = config.dModel
        var offset = 0
        func take(_ count: Int) -> Int {
            defer { offset += count }
            return offset
        }
        embedding = take(d * config.vocab)
        layers = (0..<config.layers).map { _ in
            Layer(
                attentionNorm: take(d), qkv: take(config.qkvRows * d), output: take(d * config.attentionWidth),
                mlpNorm: take(d), gateUp: take(2 * config.mlp * d), down: take(d * config.mlp))
        }
        finalNorm = take(d)
        head = take(config.vocab * d)
        count = offset
    }

    /// Offsets of the RMSNorm gains (initialised to 1).
    var gains: [Int] { layers.flatMap { [$0.attentionNorm, $0.mlpNorm] } + [finalNorm] }
}

/// Where every LoRA factor lives in one flat array: per layer and target, A (r × in) then B (out × r).
struct LoRALayout: Sendable, Equatable {
    struct Factors: Sendable, Equatable {
        let projection: Projection
        /// Offset of A, r × input.
        let a: Int
        /// Offset of B, output × r.
        let b: Int
        let input: Int
        let output: Int
    }

    let rank: Int
    let targets: [Projection]
    /// Per layer, one entry per target in `targets` order.
    let layers: [[Factors]]
    let count: Int

    init(_ config: TransformerConfig, mode: TrainingMode) {
        rank = mode.loraRank
        targets = mode.loraTargets
        var offset = 0
        var layers: [[Factors]] = []
        for _ in 0..<config.layers {
            var factors: [Factors] = []
            for projection in targets {
                let shape = config.shape(of: projection)
                let a = offset
                offset += rank * shape.input
                let b = offset
                offset += shape.output * rank
                factors.append(Factors(projection: projection, a: a, b: b, input: shape.input, output: shape.output))
            }
            layers.append(factors)
        }
        self.layers = layers
        count = offset
    }

    /// The factors of `projection` in `layer`, if it is a target.
    func factors(layer: Int, _ projection: Projection) -> Factors? {
        layers[layer].first { $0.projection == projection }
    }
}

/// Where the activations of one step (kept for the backward pass) and the backward scratch live
/// in one flat array. Tokens T = sequences × sequence length.
struct ActivationLayout: Sendable, Equatable {
    struct Layer: Sendable, Equatable {
        /// Layer input (residual stream), d × T.
        let input: Int
        /// Normalised input of attention, d × T, and its 1/rms per token (T).
        let attentionNormed: Int
        let attentionInverseRMS: Int
        /// [q; k; v] after rotary embedding, qkvRows × T.
        let qkv: Int
        /// Attention probabilities, S × S per (sequence, head).
        let probabilities: Int
        /// Attention output (input of o_proj), attentionWidth × T.
        let attention: Int
        /// Residual after attention, d × T.
        let middle: Int
        /// Normalised input of the MLP, d × T, and its 1/rms per token.
        let mlpNormed: Int
        let mlpInverseRMS: Int
        /// [gate; up] pre-activations, 2·mlp × T.
        let gateUp: Int
        /// silu(gate) ⊙ up (input of down_proj), mlp × T.
        let hidden: Int
        /// LoRA intermediates A·X, r × T, per target (in `LoRALayout.targets` order).
        let loraInner: [Int]
    }

    let tokens: Int
    let layers: [Layer]
    /// Output of the last layer, d × T.
    let output: Int
    let finalNormed: Int
    let finalInverseRMS: Int
    /// Logits, then probabilities, then their gradient: vocab × T.
    let logits: Int
    // Backward scratch.
    let residualGradient: Int
    let normedGradient: Int
    let hiddenGradient: Int
    let gateUpGradient: Int
    let attentionGradient: Int
    let qkvGradient: Int
    let probabilityGradient: Int
    let loraInnerGradient: Int
    let count: Int

    init(_ config: TransformerConfig, loraRank: Int, loraTargets: Int, sequences: Int) {
        let t = sequences * config.sequenceLength
        let d = config.dModel, s = config.sequenceLength
        tokens = t
        var offset = 0
        func take(_ count: Int) -> Int {
            defer { offset += count }
            return offset
        }
        layers = (0..<config.layers).map { _ in
            Layer(
                input: take(d * t), attentionNormed: take(d * t), attentionInverseRMS: take(t), qkv: take(config.qkvRows * t),
                probabilities: take(sequences * config.heads * s * s), attention: take(config.attentionWidth * t),
                middle: take(d * t), mlpNormed: take(d * t), mlpInverseRMS: take(t), gateUp: take(2 * config.mlp * t),
                hidden: take(config.mlp * t), loraInner: (0..<loraTargets).map { _ in take(loraRank * t) })
        }
        output = take(d * t)
        finalNormed = take(d * t)
        finalInverseRMS = take(t)
        logits = take(config.vocab * t)
        residualGradient = take(d * t)
        normedGradient = take(max(d, config.attentionWidth) * t)
        hiddenGradient = take(config.mlp * t)
        gateUpGradient = take(2 * config.mlp * t)
        attentionGradient = take(config.attentionWidth * t)
        qkvGradient = take(config.qkvRows * t)
        probabilityGradient = take(s * s)
        loraInnerGradient = take(loraRank * t)
        count = offset
    }
}
