import PlanKernels
import PlanRandom

/// One seed of one training setup of `plan quality`: the combined model, one adapter per
/// language, every merge, the update (the first language grows: retrain-all vs retrain-one and
/// re-merge), each scored on every language's held-out examples, plus the diagnostics (cosine of
/// the adapters' updates, their accuracy on the other languages, ‖ΔW‖ / ‖W‖). Setups that only
/// reweight this setup's merges (`reusesAdaptersOf`) are scored from the same adapters.
struct QualityTrial: Sendable {
    /// One setup's outcome for this seed.
    struct Outcome: Sendable {
        var rows: [QualityRow]
        var adapterCosine: Double
        var crossLanguageAccuracy: Double
        var relativeUpdateNorm: Double
    }

    let scale: QualityScale
    let setup: QualitySetup
    let corpus: SyntheticCorpus
    let base: [Float]
    let seed: UInt64
    /// Which repetition this is: fine-tuning examples come from its own index range.
    let repetition: Int

    var sizes: ValidationSetup { scale.sizes }
    var mode: TrainingMode { sizes.mode }

    /// Runs the trial; returns the outcome of `setup` and of each of `reweighted` (same adapters).
    func run(reweighted: [QualitySetup]) throws -> [String: Outcome] {
        let l = sizes.languages, s = sizes.config.sequenceLength
        let n = sizes.examplesPerLanguage, g = sizes.growthExamples
        let offset = repetition * (n + g)
        let train = (0..<l).map { corpus.examples(language: $0, split: .train, indices: offset..<(offset + n)) }
        let grown = corpus.examples(language: 0, split: .train, indices: offset..<(offset + n + g))
        let heldOut = try (0..<l).map {
            try PackedSequences(examples: corpus.examples(language: $0, split: .heldOut, count: sizes.heldOutExamples), sequenceLength: s)
                .batches(size: sizes.sequencesPerStep, shuffleSeed: nil)
        }
        var tunerSizes = sizes
        tunerSizes.learningRate = setup.largeUpdates ? scale.largeLearningRate : sizes.learningRate
        tunerSizes.seed = SplitMix64.derive(seed, 1)
        let tuner = try ValidationExperiment.tuner(tunerSizes, adapterSeed: SplitMix64.derive(seed, 2))
        let randomBase = try heldOut.map { try tuner.score($0) }
        try tuner.loadBase(base)
        let baseScores = try heldOut.map { try tuner.score($0) }
        let epochs = setup.largeUpdates ? scale.largeEpochs : sizes.epochs
        var job: UInt64 = 0
        func fit(_ examples: [[Int32]]) throws -> LoRAAdapter {
            job += 1
            try tuner.restart(mode: mode, seed: SplitMix64.derive(seed, 10, setup.sameInit ? 0 : job))
            let packed = try PackedSequences(examples: examples, sequenceLength: s)
            for epoch in 0..<epochs {
                for batch in try packed.batches(size: sizes.sequencesPerStep, shuffleSeed: SplitMix64.derive(seed, 20, job, UInt64(epoch))) {
                    try tuner.train(batch)
                }
            }
            return try tuner.adapter()
        }
        let combined = try fit(Validation.interleaved(train))
        let scorer = try QualityScoring.scorer(tunerSizes, base: base, adapterSeed: SplitMix64.derive(seed, 3))
        func scores(_ adapter: LoRAAdapter) throws -> [HeldOutScore] { try QualityScoring.scores(adapter, scorer: scorer, heldOut: heldOut) }
        let combinedScores = try scores(combined)
        var adapters: [LoRAAdapter] = []
        var single: [HeldOutScore] = [], cross: [Double] = []
        for language in 0..<l {
            let adapter = try fit(train[language])
            adapters.append(adapter)
            let all = try scores(adapter)
            single.append(all[language])
            cross += all.indices.filter { $0 != language }.map { all[$0].accuracy }
        }
        var current = train
        current[0] = grown
        let retrainAll = try scores(try fit(Validation.interleaved(current)))
        var updated = adapters
        updated[0] = try fit(grown)
        let diagnostics = try Self.diagnostics(adapters, base: base, config: sizes.config)
        let shared = [
            QualityRow(model: "random-base", scores: randomBase), QualityRow(model: "base", scores: baseScores),
            QualityRow(model: "combined", scores: combinedScores), QualityRow(model: "single", scores: single),
        ]
        var outcomes: [String: Outcome] = [:]
        for variant in [setup] + reweighted {
            var rows = shared
            rows += try QualityScoring.mergeRows(adapters, specs: variant.mergeSpecs(languages: l), seed: seed, scorer: scorer, heldOut: heldOut)
            rows.append(QualityRow(model: "update/retrain-all", scores: retrainAll))
            let spec = variant.updateSpec(languages: l)
            let remerged = try QualityScoring.merge(updated, spec, seed: seed)
            rows.append(QualityRow(model: "update/re-merge", method: spec.method, density: spec.density, weight: spec.weight, scores: try scores(remerged)))
            outcomes[variant.name] = Outcome(
                rows: rows, adapterCosine: diagnostics.cosine, crossLanguageAccuracy: cross.reduce(0, +) / Double(max(1, cross.count)),
                relativeUpdateNorm: diagnostics.relativeNorm)
        }
        return outcomes
    }

    /// Mean pairwise cosine similarity of the adapters' dense updates (every module, flattened)
    /// and their mean ‖ΔW‖ / ‖W‖ over the adapted projections.
    static func diagnostics(_ adapters: [LoRAAdapter], base: [Float], config: TransformerConfig) throws -> (cosine: Double, relativeNorm: Double) {
        let deltas = try adapters.map { adapter in
            try adapter.modules.flatMap { try $0.delta(scaling: Float(adapter.config.scaling)).storage }
        }
        func dot(_ a: [Float], _ b: [Float]) -> Double {
            var sum = 0.0
            for i in 0..<min(a.count, b.count) { sum += Double(a[i]) * Double(b[i]) }
            return sum
        }
        let norms = deltas.map { dot($0, $0).squareRoot() }
        var cosines: [Double] = []
        for i in deltas.indices {
            for j in deltas.indices where j > i {
                cosines.append(norms[i] > 0 && norms[j] > 0 ? dot(deltas[i], deltas[j]) / (norms[i] * norms[j]) : 0)
            }
        }
        let weightNorm = try FineTuner.projectionWeightNorm(config, weights: base)
        let relative = weightNorm > 0 ? norms.reduce(0, +) / Double(max(1, norms.count)) / weightNorm : .nan
        return (cosines.isEmpty ? .nan : cosines.reduce(0, +) / Double(cosines.count), relative)
    }
}
