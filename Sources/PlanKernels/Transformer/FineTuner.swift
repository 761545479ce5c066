/// A small transformer being fine-tuned in Float on OpenBLAS: LoRA over frozen base weights
/// (or full fine-tuning), AdamW, PEFT adapter export and import.
///
/// The base weights are a pure function of `baseSeed`, so every tuner built with the same
/// config and seed shares one "pretrained" base, as per-language adapters of one model do.
public final class FineTuner {
    public let config: TransformerConfig
    /// Sequences per training step.
    public let sequencesPerStep: Int
    public var optimizer: AdamW
    let model: TransformerModel<Float>

    /// A tuner; the LoRA factors start as in PEFT (A seeded from `adapterSeed`, B = 0).
    /// - Throws: `KernelError.invalidArgument` for an invalid config, rank < 1, no targets or
    ///   `sequencesPerStep < 1`.
    public init(
        config: TransformerConfig, mode: TrainingMode, sequencesPerStep: Int, baseSeed: UInt64 = 1, adapterSeed: UInt64 = 2,
        optimizer: AdamW = AdamW()
    ) throws {
        try config.validate()
        try Self.check(mode)
        guard sequencesPerStep >= 1 else { throw KernelError.invalidArgument("sequences per step must be at least 1") }
        self.config = config
        self.sequencesPerStep = sequencesPerStep
        self.optimizer = optimizer
        model = TransformerModel(config: config, mode: mode, sequences: sequencesPerStep, baseSeed: baseSeed, adapterSeed: adapterSeed)
    }

    static func check(_ mode: TrainingMode) throws {
        if case .lora(let rank, let alpha, let targets) = mode {
            guard rank >= 1, alpha > 0, alpha.isFinite else {
                throw KernelError.invalidArgument("lora rank must be at least 1 and alpha positive, got r = \(rank), alpha = \(alpha)")
            }
            guard !targets.isEmpty else { throw KernelError.invalidArgument("lora needs at least one target projection") }
        }
    }

    /// What the optimizer updates.
    public var mode: TrainingMode { model.mode }
    /// Number of trainable parameters.
    public var trainableParameters: Int { model.trainableCount }

    /// One training step on `batch` (forward, backward, AdamW); returns the batch's mean loss
    /// before the update (NaN when nothing in the batch is scored).
    /// - Throws: `KernelError.shapeMismatch` for a batch of another shape.
    @discardableResult
    public func train(_ batch: TokenBatch) throws -> Double {
        try model.load(batch)
        let (loss, weight) = model.forward()
        model.backward()
        model.applyOptimizer(optimizer)
        return loss / weight
    }

    /// The weighted mean loss over `batches` (forward only).
    public func evaluate(_ batches: [TokenBatch]) throws -> Double {
        var loss = 0.0, weight = 0.0
        for batch in batches {
            try model.load(batch)
            let r = model.forward()
            loss += r.loss
            weight += r.weight
        }
        return weight > 0 ? loss / weight : .nan
    }

    /// Held-out loss and answer-token accuracy over `batches` (forward only): the weighted mean
    /// loss as `evaluate`, and the share of scored answer tokens (the end token excluded) whose
    /// most probable next token is the target.
    public func score(_ batches: [TokenBatch]) throws -> HeldOutScore {
        var loss = 0.0, weight = 0.0
        var correct = 0, scored = 0
        let v = config.vocab
        for batch in batches {
            try model.load(batch)
            let r = model.forward()
            loss += r.loss
            weight += r.weight
            let logits = model.layout.logits
            for t in 0..<model.targets.count where model.weights[t] != 0 && model.targets[t] != MultilingualTask.endOfExample {
                let column = logits + t * v
                var best = 0
                for i in 1..<v where model.activations[column + i] > model.activations[column + best] { best = i }
                scored += 1
                if Int32(best) == model.targets[t] { correct += 1 }
            }
        }
        return HeldOutScore(loss: weight > 0 ? loss / weight : .nan, accuracy: scored > 0 ? Double(correct) / Double(scored) : .nan)
    }

    /// Number of base weights of a model of `config`.
    public static func baseWeightCount(_ config: TransformerConfig) -> Int { BaseLayout(config).count }

    /// A copy of the base weights (e.g. after full training, to start LoRA tuners from them).
    public var baseWeights: [Float] { model.base }

    /// Replaces the base weights (a pretrained base); adapter factors and optimizer state stay.
    /// - Throws: `KernelError.shapeMismatch` when the count differs from this config's.
    public func loadBase(_ weights: [Float]) throws {
        guard weights.count == model.base.count else {
            throw KernelError.shapeMismatch("base weights of \(weights.count) values for a model of \(model.base.count)")
        }
        guard weights.allSatisfy(\.isFinite) else { throw KernelError.invalidArgument("base weights must be finite") }
        model.base = weights
    }

    /// Starts a new adapter: fresh factors (A seeded, B = 0) and optimizer state.
    public func resetAdapter(seed: UInt64) {
        model.resetAdapter(seed: seed)
    }

    /// Starts a new adapter with other LoRA settings (e.g. after `load` switched to a merged
    /// adapter's rank); the base weights stay.
    /// - Throws: `KernelError.invalidArgument` for full fine-tuning or invalid settings.
    public func restart(mode: TrainingMode, seed: UInt64) throws {
        try Self.check(mode)
        guard mode != .full, model.mode != .full else {
            throw KernelError.invalidArgument("restart switches between lora settings; build a new tuner for full fine-tuning")
        }
        model.reconfigure(mode: mode, adapterSeed: seed)
    }

    /// The PEFT module name of a projection in a layer (Llama naming).
    static func moduleName(layer: Int, _ projection: Projection) -> String {
        "base_model.model.model.layers.\(layer).\(projection.submodule).\(projection.rawValue)"
    }

    /// The current LoRA factors as a PEFT adapter (r and lora_alpha as trained).
    /// - Throws: `KernelError.invalidArgument` under full fine-tuning.
    public func adapter() throws -> LoRAAdapter {
        guard case .lora(let rank, let alpha, _) = model.mode else {
            throw KernelError.invalidArgument("full fine-tuning has no adapter to export")
        }
        let layout = model.loraLayout
        var modules: [LoRAModule] = []
        for (layer, factors) in layout.layers.enumerated() {
            for f in factors {
                let a = try Matrix(rows: rank, columns: f.input, columnMajor: Array(model.lora[f.a..<(f.a + rank * f.input)]))
                let b = try Matrix(rows: f.output, columns: rank, columnMajor: Array(model.lora[f.b..<(f.b + f.output * rank)]))
                modules.append(try LoRAModule(name: Self.moduleName(layer: layer, f.projection), a: a, b: b))
            }
        }
        let targets = layout.targets.map(\.rawValue)
        let document: [String: JSONValue] = [
            "peft_type": .string("LORA"), "task_type": .string("CAUSAL_LM"), "r": .integer(rank), "lora_alpha": .number(alpha),
            "target_modules": .array(targets.map { .string($0) }), "base_model_name_or_path": .string("plan-synthetic-transformer"),
            "lora_dropout": .number(0), "bias": .string("none"), "use_rslora": .bool(false),
        ]
        return LoRAAdapter(
            config: AdapterConfig(rank: rank, alpha: alpha, targetModules: targets, useRSLoRA: false, document: document),
            modules: modules)
    }

    /// Loads an adapter's factors (e.g. a merged one), switching to its rank and scaling; the
    /// optimizer state restarts.
    /// - Throws: `KernelError.invalidArgument` under full fine-tuning or for a module this model
    ///   does not have, `KernelError.shapeMismatch` for factors of the wrong shape.
    public func load(_ adapter: LoRAAdapter) throws {
        guard model.mode != .full else { throw KernelError.invalidArgument("cannot load an adapter into a fully fine-tuned model") }
        var placed: [(layer: Int, projection: Projection, module: LoRAModule)] = []
        for module in adapter.modules {
            let parts = module.name.split(separator: ".")
            guard let layerIndex = parts.firstIndex(of: "layers"), layerIndex + 1 < parts.count,
                let layer = Int(parts[layerIndex + 1]), layer < config.layers,
                let projection = Projection(rawValue: module.shortName)
            else {
                throw KernelError.invalidArgument("adapter module '\(module.name)' does not belong to this model")
            }
            placed.append((layer, projection, module))
        }
        let rank = adapter.config.rank
        let targets = Projection.allCases.filter { p in placed.contains { $0.projection == p } }
        model.reconfigure(mode: .lora(rank: rank, alpha: adapter.config.scaling * Double(rank), targets: targets), adapterSeed: 0)
        // Modules missing in some layer stay zero (A random, B = 0 contributes nothing).
        for i in model.lora.indices { model.lora[i] = 0 }
        for (layer, projection, module) in placed {
            guard let f = model.loraLayout.factors(layer: layer, projection) else { continue }
            guard module.a.rows == rank, module.a.columns == f.input, module.b.rows == f.output, module.b.columns == rank else {
                throw KernelError.shapeMismatch("adapter module '\(module.name)' has the wrong shape for this model")
            }
            model.lora.replaceSubrange(f.a..<(f.a + rank * f.input), with: module.a.storage)
            model.lora.replaceSubrange(f.b..<(f.b + f.output * rank), with: module.b.storage)
        }
    }

    /// Model FLOPs of one training step at this tuner's size (`StepFlops`).
    public var stepFlops: StepFlops {
        StepFlops(config: config, mode: model.mode, tokens: sequencesPerStep * config.sequenceLength)
    }
}

/// Model FLOPs of one training step, by the same formulas as PlanCore's `TrainingFlops`
/// (Kaplan et al. 2020; Hu et al. 2021): forward = 2 · matmul parameters per token + causal
/// attention 4 · (S + 1)/2 · heads · headDim per token and layer; LoRA training = forward +
/// activation-gradient backward (matmuls 1 ×, attention 2 × forward) + 6 · r · (in + out) per
/// adapted projection; full fine-tuning = 3 × forward.
public struct StepFlops: Sendable, Equatable, Codable {
    /// Projection and LM-head GEMMs.
    public let matmul: Double
    /// Attention scores and weighted sums (causal count: the useful half of the square).
    public let attention: Double
    /// LoRA factors' own products.
    public let adapter: Double
    /// Everything.
    public var total: Double { matmul + attention + adapter }

    public init(config: TransformerConfig, mode: TrainingMode, tokens: Int) {
        let t = Double(tokens)
        let matmulForward = 2 * Double(config.layers * config.matmulParametersPerLayer + config.dModel * config.vocab) * t
        let attentionForward = Double(config.layers) * 4 * Double(config.sequenceLength + 1) / 2
            * Double(config.heads * config.headDim) * t
        switch mode {
        case .full:
            matmul = 3 * matmulForward
            attention = 3 * attentionForward
            adapter = 0
        case .lora(let rank, _, let targets):
            matmul = 2 * matmulForward
            attention = 3 * attentionForward
            let perLayer = Set(targets).reduce(0) { sum, p in
                let s = config.shape(of: p)
                return sum + rank * (s.input + s.output)
            }
            adapter = 6 * Double(config.layers * perLayer) * t
        }
    }
}
