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
        if case .denseSVD = method.route { try checkDenseSVD(adapters, svdRank: options.svdRank) }
        let pipeline = method.pipeline(density: options.density ?? 1, majoritySign: options.majoritySign, seed: options.seed)
        if let large = adapters.firstIndex(where: { $0.modules.count > maximumModules }) {
            throw KernelError.invalidData(
                path: "adapter \(large + 1)",
                reason: "\(adapters[large].modules.count) modules, more than the limit of \(maximumModules) per adapter")
        }
        // Each adapter's modules by name, built once: pairing is linear in the modules.
        let byName = adapters.map { adapter in
            Dictionary(adapter.modules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        }
        let names = Set(adapters.flatMap { $0.modules.map(\.name) }).sorted()
        let jobs = try names.enumerated().map { index, name in
            try ModuleJob(index: index, name: name, adapters: adapters, modulesByName: byName, weights: weights)
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
        // Large inputs (3e38) or scalings (lora_alpha 1e308) overflow Float: such a result would be
        // an adapter that nothing, plan included, can load. Refuse it before anything is written.
        for module in modules where !(module.a.storage.allSatisfy(\.isFinite) && module.b.storage.allSatisfy(\.isFinite)) {
            throw KernelError.invalidData(
                path: module.name,
                reason: "the merged weights are not finite (inf or nan); the inputs' values or lora_alpha / r scalings are too large for float32")
        }
        var targets: [String] = []
        var seenTargets: Set<String> = []
        for adapter in adapters {
            for target in adapter.config.targetModules where seenTargets.insert(target).inserted { targets.append(target) }
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

    /// Modules one adapter may have (documented in docs/commands.md): a 128-expert MoE LoRA on
    /// every projection of 94 layers has about 37,000.
    public static let maximumModules = 100_000

    /// The largest dense ΔW (out × in elements, one module) the `*svd` methods build: 2^31, about
    /// 8.6 GB as Float and twice that for the Double SVD.
    public static let maximumDenseDeltaElements = 1 << 31

    /// Checked before any allocation: every module's dense ΔW fits `maximumDenseDeltaElements`
    /// and an explicit SVD rank is at most min(out, in).
    static func checkDenseSVD(_ adapters: [LoRAAdapter], svdRank: Int?) throws {
        for adapter in adapters {
            for module in adapter.modules {
                let (elements, overflow) = module.outFeatures.multipliedReportingOverflow(by: module.inFeatures)
                if overflow || elements > maximumDenseDeltaElements {
                    throw KernelError.invalidData(
                        path: module.name,
                        reason: "the svd methods build a dense \(module.outFeatures) × \(module.inFeatures) delta, more than the limit of "
                            + "\(maximumDenseDeltaElements) elements per module; use a factor-level method (ties, cat, knots_ties)")
                }
                if let svdRank, svdRank > min(module.outFeatures, module.inFeatures) {
                    throw KernelError.invalidData(
                        path: module.name,
                        reason: "--svd-rank \(svdRank) exceeds min(out, in) = \(min(module.outFeatures, module.inFeatures)) of this "
                            + "\(module.outFeatures) × \(module.inFeatures) module")
                }
            }
        }
    }

    /// Differences between the adapters that PEFT would merge without complaint but that
    /// usually mean a mistake: another base model, or other target modules. Empty when they agree.
    public static func mismatches(_ adapters: [LoRAAdapter], names: [String]) -> [String] {
        guard let first = adapters.first else { return [] }
        var result: [String] = []
        let firstName = names.first ?? "adapter 1"
        for (index, adapter) in adapters.enumerated().dropFirst() {
            let name = index < names.count ? names[index] : "adapter \(index + 1)"
            if adapter.config.baseModel != first.config.baseModel {
                result.append(
                    "\(name) was trained on base model \(adapter.config.baseModel.map { "'\($0)'" } ?? "(none)") but \(firstName) on "
                        + "\(first.config.baseModel.map { "'\($0)'" } ?? "(none)")")
            }
            if Set(adapter.config.targetModules) != Set(first.config.targetModules) {
                result.append(
                    "\(name) targets [\(adapter.config.targetModules.joined(separator: ", "))] but \(firstName) targets "
                        + "[\(first.config.targetModules.joined(separator: ", "))]")
            }
        }
        return result
    }

    /// One module's inputs: the adapters that have it, with their weights and scalings.
    struct ModuleJob: Sendable {
        let index: Int
        let name: String
        let modules: [LoRAModule]
        let weights: [Double]
        let scalings: [Double]

        /// `modulesByName[i]`: adapter i's modules by name.
        init(index: Int, name: String, adapters: [LoRAAdapter], modulesByName: [[String: LoRAModule]], weights: [Double]) throws {
            var modules: [LoRAModule] = [], moduleWeights: [Double] = [], scalings: [Double] = []
            for ((adapter, byName), weight) in zip(zip(adapters, modulesByName), weights) {
                guard let module = byName[name] else { continue }
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
