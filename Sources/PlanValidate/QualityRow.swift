import PlanKernels

/// Held-out quality of one model of the validation on every language (`HeldOutScore`: loss and
/// answer-token accuracy), in language order.
public struct QualityRow: Sendable, Equatable {
    /// What the model is: `random base`, `base`, `combined`, `single`, `merge/<method>[ d=<density>]`,
    /// `update/retrain-all`, `update/re-merge`.
    public var model: String
    /// The merge method (PEFT name) for merge rows.
    public var method: String?
    /// The density for merge rows whose method prunes.
    public var density: Double?
    /// The per-adapter merge weight for merge rows (nil: PEFT's default 1).
    public var weight: Double?
    /// One score per language (`single`: each language's own adapter on that language).
    public var scores: [HeldOutScore]

    public init(model: String, method: String? = nil, density: Double? = nil, weight: Double? = nil, scores: [HeldOutScore]) {
        self.model = model
        self.method = method
        self.density = density
        self.weight = weight
        self.scores = scores
    }

    /// The merges measured for quality (untimed): every method that fits adapters of equal rank
    /// on one base, TIES at two densities.
    public static let qualityMerges: [(method: String, density: Double?)] = [
        ("linear", nil), ("ties", 0.5), ("ties", 0.2), ("dare_ties", 0.5), ("magnitude_prune", 0.5), ("knots_ties", 0.5), ("cat", nil),
    ]

    /// The row label of a merge.
    public static func mergeLabel(_ method: String, _ density: Double?) -> String {
        "merge/\(method)" + (density.map { " d=\(String(format: "%g", $0))" } ?? "")
    }

    /// Mean of the languages' losses and accuracies.
    public var meanLoss: Double { scores.map(\.loss).reduce(0, +) / Double(max(1, scores.count)) }
    public var meanAccuracy: Double { scores.map(\.accuracy).reduce(0, +) / Double(max(1, scores.count)) }
}
