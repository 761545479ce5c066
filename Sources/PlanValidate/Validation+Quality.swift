import PlanKernels

/// The untimed quality phase of `plan validate`: merges of the initial adapters with every
/// method of `QualityRow.qualityMerges`, and the update's two outcomes, scored on each language's
/// held-out examples. It runs after the closing calibration, so it never disturbs a timing.
extension Validation {
    /// What the timed phase left to score.
    struct QualityInputs {
        var randomBase: [HeldOutScore]
        var base: [HeldOutScore]
        var combined: [HeldOutScore]
        var single: [HeldOutScore]
        var initialAdapters: [LoRAAdapter]
        var retrainAll: LoRAAdapter
        var remerged: LoRAAdapter
    }

    /// Every quality row, in report order.
    static func qualityRows(
        _ inputs: QualityInputs, setup: ValidationSetup, base: [Float], heldOut: [[TokenBatch]]
    ) throws -> [QualityRow] {
        let scorer = try QualityScoring.scorer(setup, base: base, adapterSeed: setup.seed + 3)
        func scores(_ adapter: LoRAAdapter) throws -> [HeldOutScore] { try QualityScoring.scores(adapter, scorer: scorer, heldOut: heldOut) }
        var rows = [
            QualityRow(model: "random base", scores: inputs.randomBase), QualityRow(model: "base", scores: inputs.base),
            QualityRow(model: "combined", scores: inputs.combined), QualityRow(model: "single", scores: inputs.single),
        ]
        rows += try QualityScoring.mergeRows(
            inputs.initialAdapters, specs: QualityRow.qualityMerges.map { QualityScoring.MergeSpec(method: $0.method, density: $0.density) },
            seed: setup.seed, scorer: scorer, heldOut: heldOut)
        rows.append(QualityRow(model: "update/retrain-all", scores: try scores(inputs.retrainAll)))
        rows.append(QualityRow(
            model: "update/re-merge", method: setup.mergeMethod, density: try setup.mergeOptions().density, scores: try scores(inputs.remerged)))
        return rows
    }
}
