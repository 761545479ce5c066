import PlanKernels

/// Scoring shared by `plan validate`'s quality rows and `plan quality`: merge a set of per-language
/// adapters with each method and score every merge on each language's held-out examples.
enum QualityScoring {
    /// One merge to score: a method (PEFT name), its density when it prunes, and the weight given
    /// to every adapter (nil: PEFT's default 1).
    struct MergeSpec: Sendable, Equatable {
        var method: String
        var density: Double?
        var weight: Double?
    }

    /// A tuner on `base` that only scores (loads adapters, runs forward passes).
    static func scorer(_ setup: ValidationSetup, base: [Float], adapterSeed: UInt64) throws -> FineTuner {
        let scorer = try ValidationExperiment.tuner(setup, adapterSeed: adapterSeed)
        try scorer.loadBase(base)
        return scorer
    }

    /// `adapter`'s scores on every held-out set, loaded into `scorer`.
    static func scores(_ adapter: LoRAAdapter, scorer: FineTuner, heldOut: [[TokenBatch]]) throws -> [HeldOutScore] {
        try scorer.load(adapter)
        return try heldOut.map { try scorer.score($0) }
    }

    /// One merge of `adapters` per spec, each scored on every language (DARE masks seeded by `seed`).
    static func mergeRows(
        _ adapters: [LoRAAdapter], specs: [MergeSpec], seed: UInt64, scorer: FineTuner, heldOut: [[TokenBatch]]
    ) throws -> [QualityRow] {
        try specs.map { spec in
            let merged = try merge(adapters, spec, seed: seed)
            return QualityRow(
                model: QualityRow.mergeLabel(spec.method, spec.density), method: spec.method, density: spec.density, weight: spec.weight,
                scores: try scores(merged, scorer: scorer, heldOut: heldOut))
        }
    }

    /// `adapters` merged as `spec` says.
    static func merge(_ adapters: [LoRAAdapter], _ spec: MergeSpec, seed: UInt64) throws -> LoRAAdapter {
        let method = try MergeMethod.named(spec.method)
        let weights = spec.weight.map { Array(repeating: $0, count: adapters.count) }
        return try AdapterMerger.merge(adapters, options: MergeOptions(method: method, weights: weights, density: spec.density, seed: seed)).adapter
    }
}
