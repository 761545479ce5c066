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
        let scorer = try ValidationExperiment.tuner(setup, adapterSeed: setup.seed + 3)
        try scorer.loadBase(base)
        func scores(_ adapter: LoRAAdapter) throws -> [HeldOutScore] {
            try scorer.load(adapter)
            return try heldOut.map { try scorer.score($0) }
        }
        var rows = [
            QualityRow(model: "random base", scores: inputs.randomBase), QualityRow(model: "base", scores: inputs.base),
            QualityRow(model: "combined", scores: inputs.combined), QualityRow(model: "single", scores: inputs.single),
        ]
        for (name, density) in QualityRow.qualityMerges {
            let method = try MergeMethod.named(name)
            let merged = try AdapterMerger.merge(
                inputs.initialAdapters, options: MergeOptions(method: method, density: density, seed: setup.seed)).adapter
            rows.append(QualityRow(model: QualityRow.mergeLabel(name, density), method: name, density: density, scores: try scores(merged)))
        }
        rows.append(QualityRow(model: "update/retrain-all", scores: try scores(inputs.retrainAll)))
        rows.append(QualityRow(
            model: "update/re-merge", method: setup.mergeMethod, density: try setup.mergeOptions().density, scores: try scores(inputs.remerged)))
        return rows
    }
}
