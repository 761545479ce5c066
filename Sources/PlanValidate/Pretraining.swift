import Dispatch
import Foundation
import PlanKernels
import PlanRandom

/// The pretraining phase of `plan validate`: full training of the validation transformer on the
/// synthetic languages' general text (`SyntheticCorpus.generalText`: copies, translations and
/// continuations, never the task), so the adapters and the combined model start from a base
/// that knows the languages, as the study's do. Seeded and deterministic; cached in a file keyed
/// by the setup, the seed and `formatVersion` (`PretrainingCache`), so later runs reuse it. Its
/// cost is reported but it is not one of the validation's timed jobs.
public enum Pretraining {
    /// Bumped whenever the corpus, the schedule or the file layout changes.
    public static let formatVersion = 1

    /// What the base was trained for and what it cost.
    public struct Base: Sendable, Equatable {
        /// Every base weight (the tuner's layout).
        public var weights: [Float]
        /// Optimizer steps of full training.
        public var steps: Int
        /// Wall time of the training when it ran (a reused base keeps the original figure).
        public var seconds: Double
        /// Held-out general-text loss (nats per scored token) of the random and the pretrained base.
        public var randomLoss: Double
        public var pretrainedLoss: Double
        /// Whether the base came from the cache.
        public var reused: Bool
    }

    /// The cache key: everything the base weights depend on.
    public static func key(_ setup: ValidationSetup) -> String {
        let c = setup.config, t = setup.task
        return [
            "v\(formatVersion)", "vocab \(c.vocab)", "d \(c.dModel)", "layers \(c.layers)", "heads \(c.heads)/\(c.kvHeads)x\(c.headDim)",
            "mlp \(c.mlp)", "seq \(c.sequenceLength)", "rope \(c.ropeBase)", "eps \(c.normEpsilon)",
            "task \(t.languages)/\(t.concepts)/\(t.surfaceTokens)/\(t.itemsPerExample)/\(t.seed)", "batch \(setup.sequencesPerStep)",
            "steps \(setup.pretrainingSteps)", "lr \(setup.pretrainingLearningRate)", "seed \(setup.seed)",
        ].joined(separator: "; ")
    }

    /// The training and held-out general text, each language's interleaved: enough training
    /// sequences for `pretrainingSteps` distinct batches.
    static func corpus(_ setup: ValidationSetup) throws -> (train: PackedSequences, heldOut: PackedSequences) {
        let corpus = try SyntheticCorpus(task: setup.task)
        let perSequence = max(1, setup.config.sequenceLength / setup.task.tokensPerExample)
        let total = setup.pretrainingSteps * setup.sequencesPerStep * perSequence
        let perLanguage = max(1, (total + setup.languages - 1) / setup.languages)
        let heldOut = max(1, setup.heldOutExamples)
        let train = Validation.interleaved((0..<setup.languages).map { corpus.generalText(language: $0, count: perLanguage, seed: 1) })
        let held = Validation.interleaved((0..<setup.languages).map { corpus.generalText(language: $0, count: heldOut, seed: 2) })
        let s = setup.config.sequenceLength
        return (try PackedSequences(examples: train, sequenceLength: s), try PackedSequences(examples: held, sequenceLength: s))
    }

    /// Trains the base (no cache).
    /// - Throws: `KernelError` from the kernels.
    public static func train(_ setup: ValidationSetup) throws -> Base {
        let (train, heldOut) = try corpus(setup)
        let tuner = try FineTuner(
            config: setup.config, mode: .full, sequencesPerStep: setup.sequencesPerStep, baseSeed: setup.seed, adapterSeed: setup.seed + 1,
            optimizer: AdamW(learningRate: setup.pretrainingLearningRate))
        let evaluation = try heldOut.batches(size: setup.sequencesPerStep, shuffleSeed: nil)
        let randomLoss = try tuner.evaluate(evaluation)
        let start = DispatchTime.now().uptimeNanoseconds
        var batches: [TokenBatch] = []
        var epoch: UInt64 = 0
        for step in 0..<setup.pretrainingSteps {
            let position = step % max(1, (train.count + setup.sequencesPerStep - 1) / setup.sequencesPerStep)
            if position == 0 {
                batches = try train.batches(size: setup.sequencesPerStep, shuffleSeed: SplitMix64.derive(setup.seed, 77, epoch))
                epoch += 1
            }
            try tuner.train(batches[position])
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Base(
            weights: tuner.baseWeights, steps: setup.pretrainingSteps, seconds: seconds, randomLoss: randomLoss,
            pretrainedLoss: try tuner.evaluate(evaluation), reused: false)
    }

    /// The base from `cache` when it holds this setup's key, else trained and written there.
    /// Returns the base and, when the cache could not be written, a one-line warning.
    /// - Throws: `KernelError` from the kernels.
    public static func base(_ setup: ValidationSetup, cache: URL?) throws -> (base: Base, warning: String?) {
        try PretrainingCache.base(cache, key: key(setup), weightCount: FineTuner.baseWeightCount(setup.config)) { try train(setup) }
    }
}
