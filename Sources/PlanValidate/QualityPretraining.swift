import Dispatch
import Foundation
import PlanKernels
import PlanRandom

/// The bases of `plan quality`: full training of the transformer on a mixture of the languages'
/// general text (`SyntheticCorpus.generalText`) and, for a share of the sequences, task examples
/// in every language (train-split prompts from an index range no fine-tuning run draws from), so
/// that the base performs the task on its own as an instruction-tuned model does. Share 0 is
/// `plan validate`'s base. Seeded and deterministic; cached beside the run database by key
/// (`PretrainingCache`).
enum QualityPretraining {
    /// Bumped whenever the mixture, the schedule or the layout changes.
    static let formatVersion = 1
    /// First index of the task examples pretraining draws (fine-tuning draws from 0 upward).
    static let taskIndexOffset = 50_000_000

    /// Everything the weights depend on.
    static func key(_ scale: QualityScale, task: MultilingualTask, taskShare: Double, seed: UInt64) -> String {
        let c = scale.sizes.config
        return [
            "quality v\(formatVersion)", "vocab \(c.vocab)", "d \(c.dModel)", "layers \(c.layers)", "heads \(c.heads)/\(c.kvHeads)x\(c.headDim)",
            "mlp \(c.mlp)", "seq \(c.sequenceLength)", "rope \(c.ropeBase)", "eps \(c.normEpsilon)",
            "task \(task.languages)/\(task.concepts)/\(task.surfaceTokens)/\(task.itemsPerExample)/\(task.seed)/\(task.disjointLexicons)",
            "share \(taskShare)", "batch \(scale.sizes.sequencesPerStep)", "steps \(scale.sizes.pretrainingSteps)",
            "lr \(scale.sizes.pretrainingLearningRate)", "seed \(seed)",
        ].joined(separator: "; ")
    }

    /// The pretraining mixture, shuffled by `seed`, and held-out general text.
    static func corpus(_ scale: QualityScale, corpus: SyntheticCorpus, taskShare: Double, seed: UInt64) throws
        -> (train: PackedSequences, heldOut: PackedSequences)
    {
        let sizes = scale.sizes, languages = sizes.languages
        let perSequence = max(1, sizes.config.sequenceLength / corpus.task.tokensPerExample)
        let total = max(1, sizes.pretrainingSteps * sizes.sequencesPerStep * perSequence)
        let taskCount = Int((Double(total) * min(1, max(0, taskShare))).rounded())
        let perLanguage = { (count: Int) in (count + languages - 1) / languages }
        let general = Validation.interleaved((0..<languages).map { corpus.generalText(language: $0, count: perLanguage(total - taskCount), seed: 1) })
        let task = Validation.interleaved((0..<languages).map {
            corpus.examples(language: $0, split: .train, indices: taskIndexOffset..<(taskIndexOffset + perLanguage(taskCount)))
        })
        var mixture = Array(general.prefix(total - taskCount)) + Array(task.prefix(taskCount))
        var generator = Xoshiro256StarStar(seed: SplitMix64.derive(seed, 91))
        for i in stride(from: mixture.count - 1, to: 0, by: -1) { mixture.swapAt(i, Int(generator.next() % UInt64(i + 1))) }
        let held = Validation.interleaved((0..<languages).map { corpus.generalText(language: $0, count: max(1, sizes.heldOutExamples), seed: 2) })
        let s = sizes.config.sequenceLength
        return (try PackedSequences(examples: mixture, sequenceLength: s), try PackedSequences(examples: held, sequenceLength: s))
    }

    /// Trains a base (no cache).
    static func train(_ scale: QualityScale, corpus: SyntheticCorpus, taskShare: Double, seed: UInt64) throws -> Pretraining.Base {
        let sizes = scale.sizes
        let (train, heldOut) = try self.corpus(scale, corpus: corpus, taskShare: taskShare, seed: seed)
        let tuner = try FineTuner(
            config: sizes.config, mode: .full, sequencesPerStep: sizes.sequencesPerStep, baseSeed: seed, adapterSeed: seed &+ 1,
            optimizer: AdamW(learningRate: sizes.pretrainingLearningRate))
        let evaluation = try heldOut.batches(size: sizes.sequencesPerStep, shuffleSeed: nil)
        let randomLoss = try tuner.evaluate(evaluation)
        let start = DispatchTime.now().uptimeNanoseconds
        let perEpoch = max(1, (train.count + sizes.sequencesPerStep - 1) / sizes.sequencesPerStep)
        var batches: [TokenBatch] = []
        for step in 0..<sizes.pretrainingSteps {
            let position = step % perEpoch
            if position == 0 { batches = try train.batches(size: sizes.sequencesPerStep, shuffleSeed: SplitMix64.derive(seed, 77, UInt64(step / perEpoch))) }
            try tuner.train(batches[position])
        }
        return Pretraining.Base(
            weights: tuner.baseWeights, steps: sizes.pretrainingSteps, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
            randomLoss: randomLoss, pretrainedLoss: try tuner.evaluate(evaluation), reused: false)
    }

    /// The base from `cache` when it holds this key, else trained (and written there when given).
    /// Returns the base and a one-line warning when the cache could not be written.
    static func base(_ scale: QualityScale, corpus: SyntheticCorpus, taskShare: Double, seed: UInt64, cache: URL?) throws
        -> (base: Pretraining.Base, warning: String?)
    {
        try PretrainingCache.base(cache, key: key(scale, task: corpus.task, taskShare: taskShare, seed: seed),
                                  weightCount: FineTuner.baseWeightCount(scale.sizes.config)) {
            try train(scale, corpus: corpus, taskShare: taskShare, seed: seed)
        }
    }
}
