import Foundation

/// Merges PEFT LoRA adapters exactly as PEFT's `add_weighted_adapter` (0.21) does, module by module.
///
/// Each module uses the adapters that contain it (as PEFT does); modules are independent, so they
/// run in parallel when they are small, while large ones parallelise inside the pipeline.
public enum AdapterMerger {
    /// Merges `adapters` with `options`.
    /// - Throws: `KernelError.invalidArgument` for invalid options or ranks the method cannot use,
    ///   `KernelError.shapeMismatch` when a module's shapes differ between adapters,
    ///   `KernelError.lapackFailure` when an SVD or QR fails.
    public static func merge(_ adapters: [LoRAAdapter], options: MergeOptions) throws -> MergeOutcome {
        let started = DispatchTime.now().uptimeNanoseconds
        let weights = try options.validatedWeights(adapterCount: adapters.count)
        let method = options.method
        let ranks = adapters.map(\.config.rank)
        let maxRank = ranks.max() ?? 0
        let outputRank: Int
        switch method.route {
        case .factors:
            guard Set(ranks).count == 1 else {
                throw KernelError.shapeMismatch(
                    "\(method.name) needs adapters of equal rank, got ranks \(ranks.map(String.init).joined(separator: ", ")); "
                        + "use cat or an *svd method for mixed ranks")
            }
            outputRank = maxRank
        case .concatenate, .knots:
            outputRank = ranks.reduce(0, +)
        case .denseSVD:
            outputRank = options.svdRank ?? maxRank
        }
        let pipeline = method.pipeline(density: options.density ?? 1, majoritySign: options.majoritySign, seed: options.seed)
        let names = Set(adapters.flatMap { $0.modules.map(\.name) }).sorted()
        let jobs = try names.enumerated().map { index, name in
            try ModuleJob(index: index, name: name, adapters: adapters, weights: weights)
        }
        let smallModules = jobs.allSatisfy { $0.elementCount < 1 << 20 }
        let results: [Result<LoRAModule, Error>]
        let mergeOne: @Sendable (ModuleJob) -> Result<LoRAModule, Error> = { job in
            Result {
                try mergeModule(job, method: method, pipeline: pipeline, outputRank: outputRank)
            }
        }
        if smallModules {
            results = Parallel.map(jobs.count) { mergeOne(jobs[$0]) }
        } else {
            results = jobs.map(mergeOne)
        }
        let modules = try results.map { try $0.get() }
        var targets: [String] = []
        for adapter in adapters {
            for target in adapter.config.targetModules where !targets.contains(target) { targets.append(target) }
        }
        let config = adapters[0].config.merged(rank: outputRank, targetModules: targets)
        let merged = LoRAAdapter(config: config, modules: modules)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return MergeOutcome(
            adapter: merged, rank: outputRank,
            inputElements: adapters.reduce(0) { $0 + $1.modules.reduce(0) { $0 + $1.a.storage.count + $1.b.storage.count } },
            outputElements: modules.reduce(0) { $0 + $1.a.storage.count + $1.b.storage.count },
            seconds: seconds, blas: BLASInfo.current(), kernels: pipeline.kernels)
    }

    /// One module's inputs: the adapters that have it, with their weights and scalings.
    struct ModuleJob: Sendable {
        let index: Int
        let name: String
        let modules: [LoRAModule]
        let weights: [Double]
        let scalings: [Double]

        init(index: Int, name: String, adapters: [LoRAAdapter], weights: [Double]) throws {
            var modules: [LoRAModule] = [], moduleWeights: [Double] = [], scalings: [Double] = []
            for (adapter, weight) in zip(adapters, weights) {
                guard let module = adapter.modules.first(where: { $0.name == name }) else { continue }
                if let first = modules.first, first.inFeatures != module.inFeatures || first.outFeatures != module.outFeatures {
                    throw KernelError.shapeMismatch(
                        "module '\(name)' is \(first.outFeatures) × \(first.inFeatures) in one adapter but "
                            + "\(module.outFeatures) × \(module.inFeatures) in another; merge adapters of the same base model")
                }
                modules.append(module)
                moduleWeights.append(weight)
                scalings.append(adapter.config.scaling)
            }
            self.index = index
            self.name = name
            self.modules = modules
            self.weights = moduleWeights
            self.scalings = scalings
        }

        var elementCount: Int { modules.reduce(0) { $0 + $1.a.storage.count + $1.b.storage.count } }
        var outFeatures: Int { modules[0].outFeatures }
        var inFeatures: Int { modules[0].inFeatures }
    }

    static func mergeModule(
        _ job: ModuleJob, method: MergeMethod, pipeline: TaskVectorMerge, outputRank: Int
    ) throws -> LoRAModule {
        let stream = UInt64(job.index) * 4
        switch method.route {
        case .factors:
            // PEFT: A's get sign(w s)·sqrt(|w s|), B's get sqrt(|w s|), so B·A carries w·s.
            let products = zip(job.weights, job.scalings).map { $0 * $1 }
            let aWeights = products.map { Float(($0 < 0 ? -1 : 1) * abs($0).squareRoot()) }
            let bWeights = products.map { Float(abs($0).squareRoot()) }
            let first = job.modules[0]
            let a = try pipeline.merge(job.modules.map(\.a.storage), weights: aWeights, stream: stream)
            let b = try pipeline.merge(job.modules.map(\.b.storage), weights: bWeights, stream: stream + 1)
            return try LoRAModule(
                name: job.name,
                a: Matrix(rows: first.rank, columns: first.inFeatures, columnMajor: a),
                b: Matrix(rows: first.outFeatures, columns: first.rank, columnMajor: b))
        case .concatenate:
            var aParts: [Matrix<Float>] = [], bParts: [Matrix<Float>] = []
            for (module, (weight, scaling)) in zip(job.modules, zip(job.weights, job.scalings)) {
                aParts.append(module.a.scaled(by: Float(weight * scaling)))
                bParts.append(module.b)
            }
            return try padded(
                name: job.name, a: Matrix.vertical(aParts), b: Matrix.horizontal(bParts), rank: outputRank)
        case .denseSVD:
            let deltas = try zip(job.modules, job.scalings).map { try $0.delta(scaling: Float($1)).storage }
            let merged = try pipeline.merge(deltas, weights: job.weights.map { Float($0) }, stream: stream)
            // The truncated SVD runs in Double: when σ_k ≈ σ_{k+1} the kept subspace amplifies
            // rounding by σ₁ / (σ_k − σ_{k+1}), and Float's SVD noise would show in ΔW.
            let delta = try Matrix(rows: job.outFeatures, columns: job.inFeatures, columnMajor: merged)
            let (u, s, vt) = try delta.converted(to: Double.self).svd()
            let k = min(outputRank, s.count)
            var b = u.columns(0..<k)
            for j in 0..<k {
                for i in 0..<b.rows { b[i, j] *= s[j] }
            }
            return try padded(
                name: job.name, a: vt.rows(0..<k).converted(to: Float.self), b: b.converted(to: Float.self),
                rank: outputRank)
        case .knots:
            let factors = try KnotsMerge.lowRankFactors(
                modules: job.modules, scalings: job.scalings)
            let merged = try pipeline.merge(factors.blocks, weights: job.weights.map { Float($0) }, stream: stream)
            let a = try Matrix(rows: factors.u.columns, columns: job.inFeatures, columnMajor: merged)
            return try padded(name: job.name, a: a, b: factors.u, rank: outputRank)
        }
    }

    /// A module with A zero-padded to `rank` rows and B to `rank` columns (ΔW unchanged), so every
    /// module of the written adapter has the config's rank.
    static func padded(name: String, a: Matrix<Float>, b: Matrix<Float>, rank: Int) throws -> LoRAModule {
        guard a.rows < rank else { return try LoRAModule(name: name, a: a, b: b) }
        let extra = rank - a.rows
        let paddedA = try Matrix.vertical([a, Matrix(zeros: extra, a.columns)])
        let paddedB = try Matrix.horizontal([b, Matrix(zeros: b.rows, extra)])
        return try LoRAModule(name: name, a: paddedA, b: paddedB)
    }
}
