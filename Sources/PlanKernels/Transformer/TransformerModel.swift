import PlanRandom

/// The decoder-only transformer with its parameters, optimizer state and step buffers, generic
/// over the scalar (Float trains, Double checks gradients).
///
/// Every buffer is allocated once, at construction: a step is `load` → `forward` → `backward` →
/// `applyOptimizer` with no allocation. Parameters, gradients and activations are each one flat
/// array addressed through `BaseLayout`, `LoRALayout` and `ActivationLayout`.
final class TransformerModel<S: TransformerScalar> {
    let config: TransformerConfig
    private(set) var mode: TrainingMode
    /// Sequences per step.
    let sequences: Int
    let baseLayout: BaseLayout
    private(set) var loraLayout: LoRALayout
    private(set) var layout: ActivationLayout
    let rope: RotaryEmbedding<S>
    /// Base weights (frozen under LoRA).
    var base: [S]
    /// LoRA factors (empty for full fine-tuning).
    var lora: [S]
    /// Gradient of the trainable parameters (LoRA factors, or base weights for full fine-tuning).
    var gradients: [S]
    var activations: [S]
    var firstMoment: [S]
    var secondMoment: [S]
    var optimizerSteps = 0
    var inputs: [Int32]
    var targets: [Int32]
    var weights: [S]
    /// Σ loss weights of the last forward pass.
    var lastWeight = 0.0

    /// A model with seeded base weights (`baseSeed`) and LoRA factors (`adapterSeed`; B = 0 as in
    /// PEFT unless `randomB`, which gradient checks use so that every path carries gradient).
    init(config: TransformerConfig, mode: TrainingMode, sequences: Int, baseSeed: UInt64, adapterSeed: UInt64, randomB: Bool = false) {
        self.config = config
        self.mode = mode
        self.sequences = sequences
        baseLayout = BaseLayout(config)
        loraLayout = LoRALayout(config, mode: mode)
        layout = ActivationLayout(config, loraRank: mode.loraRank, loraTargets: mode.loraTargets.count, sequences: sequences)
        rope = RotaryEmbedding(headDim: config.headDim, sequenceLength: config.sequenceLength, base: config.ropeBase)
        base = Self.initialBase(config, layout: baseLayout, seed: baseSeed)
        lora = Self.initialLoRA(loraLayout, seed: adapterSeed, randomB: randomB)
        let trainable = mode == .full ? baseLayout.count : loraLayout.count
        gradients = [S](repeating: 0, count: trainable)
        firstMoment = [S](repeating: 0, count: trainable)
        secondMoment = [S](repeating: 0, count: trainable)
        activations = [S](repeating: 0, count: layout.count)
        let tokens = sequences * config.sequenceLength
        inputs = [Int32](repeating: 0, count: tokens)
        targets = inputs
        weights = [S](repeating: 0, count: tokens)
    }

    /// Replaces the LoRA configuration (e.g. to evaluate a merged adapter of another rank) with
    /// fresh factors and optimizer state; the base weights stay. Buffers whose size does not
    /// change are reset in place, so a new adapter of the same shape trains on the same memory
    /// (no first touch, no new placement: consecutive jobs of one tuner run alike).
    func reconfigure(mode: TrainingMode, adapterSeed: UInt64) {
        precondition(mode != .full && self.mode != .full, "only LoRA configurations can be swapped")
        self.mode = mode
        loraLayout = LoRALayout(config, mode: mode)
        layout = ActivationLayout(config, loraRank: mode.loraRank, loraTargets: mode.loraTargets.count, sequences: sequences)
        Self.zero(&activations, count: layout.count)
        resetAdapter(seed: adapterSeed)
    }

    /// Fresh LoRA factors (A seeded, B = 0) and optimizer state, in place where the sizes stay.
    /// The gradients and both moments get storage of their own here, not on the first
    /// optimizer step (three arrays copied from one would share it until written).
    func resetAdapter(seed: UInt64, randomB: Bool = false) {
        let fresh = Self.initialLoRA(loraLayout, seed: seed, randomB: randomB)
        if lora.count == fresh.count {
            for i in fresh.indices { lora[i] = fresh[i] }
        } else {
            lora = fresh
        }
        let trainable = mode == .full ? baseLayout.count : loraLayout.count
        Self.zero(&gradients, count: trainable)
        Self.zero(&firstMoment, count: trainable)
        Self.zero(&secondMoment, count: trainable)
        optimizerSteps = 0
    }

    /// Sets `buffer` to `count` zeros, reusing its storage when it already has that many elements.
    static func zero(_ buffer: inout [S], count: Int) {
        if buffer.count == count {
            for i in buffer.indices { buffer[i] = 0 }
        } else {
            buffer = [S](repeating: 0, count: count)
        }
    }

    /// Parameters the optimizer updates.
    var trainableCount: Int { gradients.count }

    // MARK: Initialisation

    /// Embeddings ~ U with unit variance, projections ~ U(±√(3/in)) (variance 1/in), the LM head
    /// likewise, RMSNorm gains 1; each tensor from its own xoshiro256** stream.
    static func initialBase(_ config: TransformerConfig, layout: BaseLayout, seed: UInt64) -> [S] {
        var values = [S](repeating: 0, count: layout.count)
        var stream: UInt64 = 0
        func fill(_ offset: Int, _ count: Int, bound: Double) {
            var generator = Xoshiro256StarStar(seed: SplitMix64.derive(seed, stream))
            stream += 1
            for i in offset..<(offset + count) { values[i] = S(Double(generator.nextUnitFloat() * 2 - 1) * bound) }
        }
        let d = config.dModel
        fill(layout.embedding, d * config.vocab, bound: 3.0.squareRoot())
        for layer in layout.layers {
            fill(layer.qkv, config.qkvRows * d, bound: (3.0 / Double(d)).squareRoot())
            fill(layer.output, d * config.attentionWidth, bound: (3.0 / Double(config.attentionWidth)).squareRoot())
            fill(layer.gateUp, 2 * config.mlp * d, bound: (3.0 / Double(d)).squareRoot())
            fill(layer.down, d * config.mlp, bound: (3.0 / Double(config.mlp)).squareRoot())
        }
        fill(layout.head, config.vocab * d, bound: (3.0 / Double(d)).squareRoot())
        for gain in layout.gains {
            for i in gain..<(gain + d) { values[i] = 1 }
        }
        return values
    }

    /// A ~ U(±1/√in) (PEFT's kaiming-uniform with a = √5), B = 0 (or U(±1/√r) when `randomB`).
    static func initialLoRA(_ layout: LoRALayout, seed: UInt64, randomB: Bool) -> [S] {
        var values = [S](repeating: 0, count: layout.count)
        for (layerIndex, factors) in layout.layers.enumerated() {
            for (targetIndex, f) in factors.enumerated() {
                var generator = Xoshiro256StarStar(seed: SplitMix64.derive(seed, UInt64(layerIndex), UInt64(targetIndex)))
                let boundA = 1 / Double(f.input).squareRoot()
                for i in f.a..<(f.a + layout.rank * f.input) {
                    values[i] = S(Double(generator.nextUnitFloat() * 2 - 1) * boundA)
                }
                if randomB {
                    let boundB = 1 / Double(layout.rank).squareRoot()
                    for i in f.b..<(f.b + layout.rank * f.output) {
                        values[i] = S(Double(generator.nextUnitFloat() * 2 - 1) * boundB)
                    }
                }
            }
        }
        return values
    }

    // MARK: Batches

    /// Copies a batch into the step buffers.
    /// - Throws: `KernelError.shapeMismatch` when its shape differs from the model's, or a token
    ///   is outside the vocabulary.
    func load(_ batch: TokenBatch) throws {
        guard batch.sequences == sequences, batch.sequenceLength == config.sequenceLength else {
            throw KernelError.shapeMismatch(
                "batch of \(batch.sequences) × \(batch.sequenceLength) tokens for a model that steps "
                    + "\(sequences) × \(config.sequenceLength)")
        }
        let vocab = Int32(config.vocab)
        guard batch.inputs.allSatisfy({ $0 >= 0 && $0 < vocab }), batch.targets.allSatisfy({ $0 >= 0 && $0 < vocab }) else {
            throw KernelError.invalidArgument("token ids must lie in 0..<\(vocab)")
        }
        inputs = batch.inputs
        targets = batch.targets
        for i in weights.indices { weights[i] = S(batch.weights[i]) }
    }
}
