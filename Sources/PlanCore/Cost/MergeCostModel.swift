import Foundation

/// Work of one merge of T LoRA adapters: bytes streamed and FLOPs, per method family.
///
/// Merges are memory-bound passes over the inputs (DESIGN §4, §6):
/// - factor-level methods (`linear`, `ties`, `dare_*`, `magnitude_prune`, `cat`) pass over the
///   T adapters' factors: linear and cat read them once; DARE adds a mask pass; TIES and
///   magnitude pruning add a top-k selection pass (selection, not sort) and a sign pass;
/// - `*svd` methods rebuild each module's dense ΔW_t (GEMM, 2·r·in·out FLOPs per task), pass
///   over the dense deltas as above, then take a thin SVD (Golub & Van Loan, R-SVD with U and V:
///   6·m·n² + 20·n³ FLOPs for m ≥ n);
/// - `knots_*` methods take the low-rank route: QR of the stacked factors (4·m·k² each, k = Σ r),
///   an SVD of the k × k core, TIES/DARE over the k × in per-task blocks, and U·merged.
public struct MergeCostModel: Sendable, Equatable {
    /// Every method `plan merge` implements, in PEFT's names.
    public static let methods = [
        "linear", "ties", "dare_linear", "dare_ties", "magnitude_prune", "cat",
        "svd", "ties_svd", "dare_linear_svd", "dare_ties_svd", "magnitude_prune_svd",
        "knots_ties", "knots_dare_ties",
    ]

    public let method: String
    public let model: ModelArchitecture
    public let rank: Int
    public let targets: [String]
    /// Bytes per stored adapter element (4 for float32 safetensors).
    public let bytesPerElement: Double = 4
    /// Passes over the inputs besides the one read: selection, sign, masks.
    let extraPasses: Double
    private enum Family: Equatable { case factors, dense, knots }
    private let family: Family
    /// (in, out) of every adapted projection in one layer.
    private let shapes: [(input: Double, output: Double)]

    public init(method: String, model: ModelArchitecture, rank: Int, targets: [String]) {
        self.method = method
        self.model = model
        self.rank = rank
        self.targets = targets
        // The base method without the KnOTS prefix and the SVD suffix (plain string slicing:
        // this runs once per Monte Carlo trial).
        var base = Substring(method)
        if base.hasPrefix("knots_") { base = base.dropFirst(6) }
        if base.hasSuffix("_svd") { base = base.dropLast(4) }
        switch base {
        case "linear", "cat", "svd": extraPasses = 0
        case "dare_linear": extraPasses = 1
        default: extraPasses = 2  // ties, magnitude_prune, dare_ties
        }
        family = method.hasPrefix("knots_") ? .knots : method.hasSuffix("svd") ? .dense : .factors
        shapes = targets.compactMap { model.projectionShape($0) }.map { (Double($0.input), Double($0.output)) }
    }

    public static func == (a: MergeCostModel, b: MergeCostModel) -> Bool {
        a.method == b.method && a.model == b.model && a.rank == b.rank && a.targets == b.targets
    }

    public struct Work: Sendable, Equatable {
        public var bytes: Double
        public var flops: Double
    }

    /// Bytes and FLOPs to merge `tasks` adapters.
    public func work(tasks: Int) -> Work {
        let t = Double(tasks)
        let passes = 1 + extraPasses
        var bytes = 0.0
        var flops = 0.0
        let r = Double(rank)
        let layers = Double(model.layers)
        for (input, output) in shapes {
            if family == .knots {
                let k = t * r
                flops += layers * (4 * output * k * k + 4 * input * k * k + 26 * k * k * k + 2 * output * k * input)
                bytes += layers * bytesPerElement * (t * r * (input + output) + passes * t * k * input + k * (input + output))
            } else if family == .dense {
                let m = max(input, output)
                let n = min(input, output)
                flops += layers * (t * 2 * r * input * output + 6 * m * n * n + 20 * n * n * n)
                bytes += layers * bytesPerElement * (t * r * (input + output) + passes * t * input * output + r * (input + output))
            } else {
                let outRank = method == "cat" ? t * r : r
                bytes += layers * bytesPerElement * (passes * t * r * (input + output) + outRank * (input + output))
            }
        }
        return Work(bytes: bytes, flops: flops)
    }
}
