/// Everything `plan merge` passes to `AdapterMerger`, with PEFT's defaults.
public struct MergeOptions: Sendable, Equatable {
    /// The method preset.
    public var method: MergeMethod
    /// One weight per adapter; nil means 1 for each.
    public var weights: [Double]?
    /// Fraction of entries kept by the sparsifier; required by methods that prune.
    public var density: Double?
    /// Sign election for TIES-style methods.
    public var majoritySign: MajoritySign
    /// Rank of the truncated SVD for `*svd` methods; nil = the largest input rank.
    public var svdRank: Int?
    /// Seed for DARE masks.
    public var seed: UInt64

    /// Options with PEFT's defaults (`majority_sign_method = total`, seed 0).
    public init(
        method: MergeMethod, weights: [Double]? = nil, density: Double? = nil,
        majoritySign: MajoritySign = .total, svdRank: Int? = nil, seed: UInt64 = 0
    ) {
        self.method = method
        self.weights = weights
        self.density = density
        self.majoritySign = majoritySign
        self.svdRank = svdRank
        self.seed = seed
    }

    /// Checks the options against `adapterCount` inputs and returns the weights to use.
    /// - Throws: `KernelError.invalidArgument` for no adapters, a weights count that differs from
    ///   the adapter count, non-finite weights, a missing or invalid density, or an SVD rank < 1.
    public func validatedWeights(adapterCount: Int) throws -> [Double] {
        guard adapterCount > 0 else { throw KernelError.invalidArgument("no adapters to merge; pass at least one adapter folder") }
        let weights = self.weights ?? Array(repeating: 1, count: adapterCount)
        guard weights.count == adapterCount else {
            throw KernelError.invalidArgument(
                "\(weights.count) weights for \(adapterCount) adapters; give exactly one weight per adapter")
        }
        guard weights.allSatisfy(\.isFinite) else { throw KernelError.invalidArgument("weights must be finite numbers") }
        if let density {
            // (0, 1]: a fraction of entries kept; 1 keeps everything (no pruning).
            guard density.isFinite, density > 0, density <= 1 else {
                let hint = method.sparsifier == .dare ? "; dare divides kept entries by it" : ""
                throw KernelError.invalidArgument("density must be > 0 and ≤ 1 (fraction of entries kept), got \(density)\(hint)")
            }
        } else if method.needsDensity {
            throw KernelError.invalidArgument("method \(method.name) needs a density, e.g. --density 0.5")
        }
        if let svdRank, svdRank < 1 {
            throw KernelError.invalidArgument("svd rank must be ≥ 1, got \(svdRank)")
        }
        return weights
    }
}
