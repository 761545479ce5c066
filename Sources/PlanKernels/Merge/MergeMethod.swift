/// A merge method: a named preset of the `TaskVectorMerge` pipeline plus the route that decides
/// which tensors are the task vectors and how the result becomes a LoRA again.
public struct MergeMethod: Sendable, Hashable, CustomStringConvertible {
    /// What is merged and how the result is written back.
    public enum Route: Sendable, Hashable {
        /// Merge the A's and the B's separately (equal ranks; result rank = input rank).
        case factors
        /// Concatenate the factors (rank = Σ ranks).
        case concatenate
        /// Merge dense ΔW_t = s_t B_t A_t, then truncated SVD to the SVD rank.
        case denseSVD
        /// KnOTS: SVD of the stacked ΔW's by the low-rank route, merge the per-task Σ·V_tᵀ blocks.
        case knots
    }

    /// How the sparsifier of the preset works.
    public enum Sparsifier: Sendable, Hashable {
        case none, magnitude, dare
    }

    /// The PEFT `combination_type` name.
    public let name: String
    /// Which tensors are merged.
    public let route: Route
    /// The sparsifier.
    public let sparsifier: Sparsifier
    /// Whether TIES sign consensus and the disjoint mean are used.
    public let signConsensus: Bool

    public var description: String { name }

    /// Whether the method needs a density.
    public var needsDensity: Bool { sparsifier != .none }

    /// The pipeline configuration for this preset.
    public func pipeline(density: Double, majoritySign: MajoritySign, seed: UInt64) -> TaskVectorMerge {
        let sparsification: Sparsification = switch sparsifier {
        case .none: .none
        case .magnitude: .magnitude(density: density)
        case .dare: .dare(density: density)
        }
        return TaskVectorMerge(sparsification: sparsification, consensus: signConsensus ? majoritySign : nil, seed: seed)
    }

    public static let linear = MergeMethod(name: "linear", route: .factors, sparsifier: .none, signConsensus: false)
    public static let ties = MergeMethod(name: "ties", route: .factors, sparsifier: .magnitude, signConsensus: true)
    public static let dareLinear = MergeMethod(name: "dare_linear", route: .factors, sparsifier: .dare, signConsensus: false)
    public static let dareTies = MergeMethod(name: "dare_ties", route: .factors, sparsifier: .dare, signConsensus: true)
    public static let magnitudePrune = MergeMethod(
        name: "magnitude_prune", route: .factors, sparsifier: .magnitude, signConsensus: false)
    public static let cat = MergeMethod(name: "cat", route: .concatenate, sparsifier: .none, signConsensus: false)
    public static let svd = MergeMethod(name: "svd", route: .denseSVD, sparsifier: .none, signConsensus: false)
    public static let tiesSVD = MergeMethod(name: "ties_svd", route: .denseSVD, sparsifier: .magnitude, signConsensus: true)
    public static let dareLinearSVD = MergeMethod(
        name: "dare_linear_svd", route: .denseSVD, sparsifier: .dare, signConsensus: false)
    public static let dareTiesSVD = MergeMethod(name: "dare_ties_svd", route: .denseSVD, sparsifier: .dare, signConsensus: true)
    public static let magnitudePruneSVD = MergeMethod(
        name: "magnitude_prune_svd", route: .denseSVD, sparsifier: .magnitude, signConsensus: false)
    public static let knotsTies = MergeMethod(name: "knots_ties", route: .knots, sparsifier: .magnitude, signConsensus: true)
    public static let knotsDareTies = MergeMethod(
        name: "knots_dare_ties", route: .knots, sparsifier: .dare, signConsensus: true)

    /// Every registered method, in documentation order.
    public static let all: [MergeMethod] = [
        .linear, .ties, .dareLinear, .dareTies, .magnitudePrune, .cat, .svd, .tiesSVD, .dareLinearSVD,
        .dareTiesSVD, .magnitudePruneSVD, .knotsTies, .knotsDareTies,
    ]

    /// The registry: method by name.
    public static let registry: [String: MergeMethod] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The method called `name`.
    /// - Throws: `KernelError.invalidArgument` listing the known names when there is none.
    public static func named(_ name: String) throws -> MergeMethod {
        guard let method = registry[name] else {
            throw KernelError.invalidArgument(
                "unknown merge method '\(name)'; use one of: \(all.map(\.name).joined(separator: ", "))")
        }
        return method
    }
}
