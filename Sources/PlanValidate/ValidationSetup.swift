import PlanCore
import PlanKernels

/// The small experiment `plan calibrate` and `plan validate` share: the transformer, its LoRA
/// settings, the synthetic languages and how much data each job trains on.
public struct ValidationSetup: Sendable, Equatable {
    public var name: String
    public var config: TransformerConfig
    public var rank: Int
    public var alpha: Double
    public var targets: [Projection]
    /// Sequences per optimizer step.
    public var sequencesPerStep: Int
    public var languages: Int
    /// Training examples per language for the initial build.
    public var examplesPerLanguage: Int
    /// Examples the first language gains in the update.
    public var growthExamples: Int
    /// Held-out examples per language (losses).
    public var heldOutExamples: Int
    public var epochs: Int
    public var learningRate: Double
    /// Merge method (PEFT name) and density.
    public var mergeMethod: String
    public var mergeDensity: Double
    /// Timed repetitions of each merge (the median is the measurement: a merge takes milliseconds).
    public var mergeRepetitions: Int
    /// Repetitions of each calibration timing (lower quartiles).
    public var calibrationRepetitions: Int
    public var seed: UInt64
    /// Optimizer steps of full training on general text before the experiment (`Pretraining`).
    public var pretrainingSteps: Int
    public var pretrainingLearningRate: Double

    /// Language codes used in output (synthetic languages named like the study's).
    public static let languageCodes = ["en", "de", "fr", "ja", "zh", "es", "ko", "it"]

    public init(
        name: String, config: TransformerConfig, rank: Int, alpha: Double, targets: [Projection] = Projection.allCases,
        sequencesPerStep: Int, languages: Int, examplesPerLanguage: Int, growthExamples: Int, heldOutExamples: Int, epochs: Int,
        learningRate: Double, mergeMethod: String = "ties", mergeDensity: Double = 0.5, mergeRepetitions: Int = 5,
        calibrationRepetitions: Int = 5, seed: UInt64 = 42, pretrainingSteps: Int = 200, pretrainingLearningRate: Double = 1e-3
    ) {
        self.name = name
        self.config = config
        self.rank = rank
        self.alpha = alpha
        self.targets = targets
        self.sequencesPerStep = sequencesPerStep
        self.languages = languages
        self.examplesPerLanguage = examplesPerLanguage
        self.growthExamples = growthExamples
        self.heldOutExamples = heldOutExamples
        self.epochs = epochs
        self.learningRate = learningRate
        self.mergeMethod = mergeMethod
        self.mergeDensity = mergeDensity
        self.mergeRepetitions = mergeRepetitions
        self.calibrationRepetitions = calibrationRepetitions
        self.seed = seed
        self.pretrainingSteps = pretrainingSteps
        self.pretrainingLearningRate = pretrainingLearningRate
    }

    /// The synthetic task: `languages` languages, 16 concepts, 6 per example (15 tokens).
    public var task: MultilingualTask { MultilingualTask(languages: languages, concepts: 16, itemsPerExample: 6, seed: seed) }

    /// `plan validate --quick` (about a minute on two AVX-512 cores with the SkylakeX kernels, 2–2.5 minutes with Prescott).
    public static let quick = make(name: "quick", dModel: 256, layers: 2, mlp: 704, examples: 1536, growth: 1536, epochs: 2, pretrainingSteps: 200)
    /// `plan validate`.
    public static let standard = make(name: "standard", dModel: 384, layers: 3, mlp: 1024, examples: 3072, growth: 3072, epochs: 2, pretrainingSteps: 400)
    /// A seconds-long setup for tests (debug builds).
    public static let tiny = ValidationSetup(
        name: "tiny",
        config: TransformerConfig(vocab: MultilingualTask(languages: 2).vocabulary, dModel: 16, layers: 1, heads: 2, kvHeads: 1, headDim: 8,
                                  mlp: 24, sequenceLength: 32),
        rank: 2, alpha: 4, sequencesPerStep: 2, languages: 2, examplesPerLanguage: 16, growthExamples: 16, heldOutExamples: 8, epochs: 1,
        learningRate: 3e-3, mergeRepetitions: 1, calibrationRepetitions: 1, seed: 7, pretrainingSteps: 400, pretrainingLearningRate: 1e-2)

    /// Three languages, 64-wide heads with two query heads per kv head, seq 128, 8 sequences per step,
    /// LoRA r = 16, alpha = 32 on all seven projections.
    static func make(
        name: String, dModel: Int, layers: Int, mlp: Int, examples: Int, growth: Int, epochs: Int, pretrainingSteps: Int
    ) -> ValidationSetup {
        let languages = 3
        let heads = dModel / 64
        return ValidationSetup(
            name: name,
            config: TransformerConfig(
                vocab: MultilingualTask(languages: languages).vocabulary, dModel: dModel, layers: layers, heads: heads,
                kvHeads: heads / 2, headDim: 64, mlp: mlp, sequenceLength: 128),
            rank: 16, alpha: 32, sequencesPerStep: 8, languages: languages, examplesPerLanguage: examples, growthExamples: growth,
            heldOutExamples: 256, epochs: epochs, learningRate: 2e-3, calibrationRepetitions: 9, pretrainingSteps: pretrainingSteps)
    }

    var mode: TrainingMode { .lora(rank: rank, alpha: alpha, targets: targets) }

    /// The transformer as a PlanCore architecture (for the cost model).
    public var architecture: ModelArchitecture {
        ModelArchitecture(
            name: "validation-\(name)", layers: config.layers, hidden: config.dModel, mlp: config.mlp, heads: config.heads,
            kvHeads: config.kvHeads, vocab: config.vocab, headDim: config.headDim, source: "plan validate synthetic transformer")
    }

    /// The LoRA settings as PlanCore fine-tuning settings.
    public var finetune: Finetune {
        var f = Finetune()
        f.method = .lora
        f.rank = rank
        f.alpha = alpha
        f.targets = Projection.allCases.filter(targets.contains).map(\.rawValue)
        f.epochs = Double(epochs)
        f.packing = true
        f.sequenceLength = config.sequenceLength
        return f
    }

    /// Checks the sizes.
    /// - Throws: `ValidateError.invalidArgument`.
    public func validate() throws {
        do {
            try config.validate()
            try task.validate()
        } catch let error as KernelError {
            throw ValidateError.invalidArgument(error.description)
        }
        guard rank >= 1, sequencesPerStep >= 1, languages >= 2, languages <= Self.languageCodes.count, examplesPerLanguage >= 1,
            growthExamples >= 0, heldOutExamples >= 1, epochs >= 1, mergeRepetitions >= 1, calibrationRepetitions >= 1,
            pretrainingSteps >= 0, pretrainingLearningRate > 0, pretrainingLearningRate.isFinite
        else {
            throw ValidateError.invalidArgument("validation sizes must be positive, with 2 to \(Self.languageCodes.count) languages")
        }
        guard config.sequenceLength >= task.tokensPerExample else {
            throw ValidateError.invalidArgument("sequences of \(config.sequenceLength) tokens cannot hold a \(task.tokensPerExample)-token example")
        }
    }
}

extension ValidationSetup {
    /// The options of the setup's merges (TIES density only for methods that take one).
    /// - Throws: `KernelError` for an unknown merge method.
    func mergeOptions() throws -> MergeOptions {
        let method = try MergeMethod.named(mergeMethod)
        return MergeOptions(method: method, density: method.needsDensity ? mergeDensity : nil, seed: seed)
    }
}
