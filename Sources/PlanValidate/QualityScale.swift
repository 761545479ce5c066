import PlanKernels

/// The sizes of a `plan quality` run: the transformer and LoRA settings (a `ValidationSetup`,
/// so the tuners are built as `plan validate` builds them), the data per language, the fine-tuning
/// schedule of small and of large updates, and the base's pretraining.
public struct QualityScale: Sendable, Equatable {
    /// Model, LoRA, batch, languages, examples, growth, held-out examples, epochs and learning rate
    /// of small updates, pretraining steps and learning rate; its `seed` is unused (each run has its own).
    public var sizes: ValidationSetup
    /// Concepts of the synthetic task.
    public var concepts: Int
    /// Learning rate and epochs of `large-updates`.
    public var largeLearningRate: Double
    public var largeEpochs: Int

    public var name: String { sizes.name }

    public init(sizes: ValidationSetup, concepts: Int = 16, largeLearningRate: Double, largeEpochs: Int) {
        self.sizes = sizes
        self.concepts = concepts
        self.largeLearningRate = largeLearningRate
        self.largeEpochs = largeEpochs
    }

    /// The task of a run seeded `seed`: a disjoint or a shared lexicon (the study's own pool of 2·C
    /// tokens for shared, L·C for disjoint; the model's vocabulary holds either).
    public func task(disjointLexicons: Bool, seed: UInt64) -> MultilingualTask {
        let l = sizes.languages
        return MultilingualTask(
            languages: l, concepts: concepts, surfaceTokens: disjointLexicons ? l * concepts : 2 * concepts, itemsPerExample: 6, seed: seed,
            disjointLexicons: disjointLexicons)
    }

    /// The vocabulary every setup's model uses (specials, tags, L·C surface tokens).
    static func vocabulary(languages: Int, concepts: Int) -> Int { 3 + languages + max(2, languages) * concepts }

    static func make(
        name: String, dModel: Int, layers: Int, mlp: Int, sequenceLength: Int, rank: Int, examples: Int, heldOut: Int, epochs: Int,
        learningRate: Double, pretrainingSteps: Int, pretrainingLearningRate: Double
    ) -> QualityScale {
        let languages = 3, concepts = 16
        let heads = max(1, dModel / 64)
        let sizes = ValidationSetup(
            name: name,
            config: TransformerConfig(
                vocab: vocabulary(languages: languages, concepts: concepts), dModel: dModel, layers: layers, heads: heads,
                kvHeads: max(1, heads / 2), headDim: 64, mlp: mlp, sequenceLength: sequenceLength),
            rank: rank, alpha: Double(2 * rank), sequencesPerStep: 8, languages: languages, examplesPerLanguage: examples,
            growthExamples: examples / 2, heldOutExamples: heldOut, epochs: epochs, learningRate: learningRate, mergeRepetitions: 1,
            calibrationRepetitions: 1, seed: 0, pretrainingSteps: pretrainingSteps, pretrainingLearningRate: pretrainingLearningRate)
        return QualityScale(sizes: sizes, concepts: concepts, largeLearningRate: 5 * learningRate, largeEpochs: 2 * epochs)
    }

    /// `plan quality --quick`: under five minutes on two cores (release, one BLAS thread).
    public static let quick = make(
        name: "quick", dModel: 128, layers: 2, mlp: 352, sequenceLength: 64, rank: 8, examples: 384, heldOut: 128, epochs: 3,
        learningRate: 1e-3, pretrainingSteps: 600, pretrainingLearningRate: 2e-3)
    /// `plan quality`.
    public static let standard = make(
        name: "standard", dModel: 256, layers: 2, mlp: 704, sequenceLength: 128, rank: 16, examples: 1536, heldOut: 256, epochs: 3,
        learningRate: 1e-3, pretrainingSteps: 800, pretrainingLearningRate: 1e-3)
    /// Seconds in a debug build (tests).
    public static let tiny: QualityScale = {
        let languages = 2, concepts = 8
        let sizes = ValidationSetup(
            name: "tiny",
            config: TransformerConfig(
                vocab: vocabulary(languages: languages, concepts: concepts), dModel: 16, layers: 1, heads: 2, kvHeads: 1, headDim: 8, mlp: 24,
                sequenceLength: 32),
            rank: 2, alpha: 4, sequencesPerStep: 2, languages: languages, examplesPerLanguage: 12, growthExamples: 6, heldOutExamples: 6,
            epochs: 1, learningRate: 3e-3, mergeRepetitions: 1, calibrationRepetitions: 1, seed: 0, pretrainingSteps: 20,
            pretrainingLearningRate: 1e-2)
        return QualityScale(sizes: sizes, concepts: concepts, largeLearningRate: 1.5e-2, largeEpochs: 2)
    }()

    /// The scale called `name` (quick, standard, tiny).
    public static func named(_ name: String) -> QualityScale? {
        switch name {
        case "quick": .quick
        case "standard": .standard
        case "tiny": .tiny
        default: nil
        }
    }

    /// Checks the sizes.
    /// - Throws: `ValidateError.invalidArgument`.
    public func validate() throws {
        try sizes.validate()
        guard concepts >= 2, largeEpochs >= 1, largeLearningRate > 0, largeLearningRate.isFinite, sizes.learningRate > 0 else {
            throw ValidateError.invalidArgument("quality sizes must be positive")
        }
        guard sizes.config.vocab >= Self.vocabulary(languages: sizes.languages, concepts: concepts) else {
            throw ValidateError.invalidArgument("the model's vocabulary cannot hold \(sizes.languages) disjoint lexicons of \(concepts) concepts")
        }
    }

    /// A copy with sizes changed by `key=value` overrides (a hidden option for exploring the
    /// setup): epochs, lr, large-lr, large-epochs, examples, pretraining-steps, pretraining-lr, rank.
    /// - Throws: `ValidateError.invalidArgument` for an unknown key or a value that is not a number.
    public func overriding(_ pairs: [String]) throws -> QualityScale {
        var scale = self
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let value = Double(parts[1]), value.isFinite, value > 0 else {
                throw ValidateError.invalidArgument("an override is KEY=NUMBER (positive), got '\(pair)'")
            }
            switch parts[0] {
            case "epochs": scale.sizes.epochs = Int(value)
            case "lr": scale.sizes.learningRate = value
            case "large-lr": scale.largeLearningRate = value
            case "large-epochs": scale.largeEpochs = Int(value)
            case "examples":
                scale.sizes.examplesPerLanguage = Int(value)
                scale.sizes.growthExamples = Int(value) / 2
            case "pretraining-steps": scale.sizes.pretrainingSteps = Int(value)
            case "pretraining-lr": scale.sizes.pretrainingLearningRate = value
            case "rank":
                scale.sizes.rank = Int(value)
                scale.sizes.alpha = 2 * value
            default: throw ValidateError.invalidArgument("unknown override '\(parts[0])'")
            }
        }
        try scale.validate()
        return scale
    }
}
