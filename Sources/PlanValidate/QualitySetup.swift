/// One setup of `plan quality`: the ingredients that decide whether merged per-language adapters
/// keep the combined model's quality. `study` has all of them, as the study's setup did (an
/// instruction-tuned base that already performs the task, adapters that specialise it with small
/// updates from one initialisation, languages with their own words); every other setup changes
/// exactly one ingredient of `study`.
public struct QualitySetup: Sendable, Equatable {
    /// How the merge weights are chosen.
    public enum Weighting: String, Sendable, Equatable, CaseIterable {
        /// 1 for the sign-consensus methods (TIES, DARE-TIES, KnOTS: they already average the
        /// agreeing values), 1/L for the summing ones (linear, magnitude_prune, cat).
        case perMethod = "per-method"
        /// PEFT's default: 1 for every adapter and method.
        case ones
        /// 1/L for every adapter and method.
        case oneOverL = "one-over-l"
    }

    public var name: String
    /// What the setup changes against `study`, as a clause ("the base never saw the task").
    public var changes: String
    /// Share of the base's pretraining sequences that are task examples (train-split prompts).
    public var taskShare: Double
    /// Whether every language has its own surface tokens (else one shared, colliding pool).
    public var disjointLexicons: Bool
    /// Whether every adapter (and the combined model) starts from the same LoRA A.
    public var sameInit: Bool
    /// Whether the adapters train with the scale's large learning rate and epochs.
    public var largeUpdates: Bool
    public var weighting: Weighting
    /// A setup that trains nothing of its own and merges this setup's adapters (weight ablations).
    public var reusesAdaptersOf: String?

    public init(
        name: String, changes: String, taskShare: Double, disjointLexicons: Bool, sameInit: Bool, largeUpdates: Bool, weighting: Weighting,
        reusesAdaptersOf: String? = nil
    ) {
        self.name = name
        self.changes = changes
        self.taskShare = taskShare
        self.disjointLexicons = disjointLexicons
        self.sameInit = sameInit
        self.largeUpdates = largeUpdates
        self.weighting = weighting
        self.reusesAdaptersOf = reusesAdaptersOf
    }

    /// The study's setup: the task in half of the base's pretraining, own vocabularies, one A
    /// initialisation, small updates, per-method weights.
    public static let study = QualitySetup(
        name: "study", changes: "the study's setup: a base that performs the task, own vocabularies, one LoRA A initialisation, small updates",
        taskShare: 0.5, disjointLexicons: true, sameInit: true, largeUpdates: false, weighting: .perMethod)

    /// `study` with one ingredient changed.
    static func ablation(_ name: String, _ changes: String, _ change: (inout QualitySetup) -> Void) -> QualitySetup {
        var setup = study
        setup.name = name
        setup.changes = changes
        change(&setup)
        return setup
    }

    /// Every setup, in report order: `study`, the ablations, then the competence curve's middle point.
    public static let all: [QualitySetup] = [
        study,
        ablation("task-naive-base", "the base never saw the task (task share 0, as plan validate)") { $0.taskShare = 0 },
        ablation("different-init", "each adapter starts from its own LoRA A") { $0.sameInit = false },
        ablation("shared-lexicon", "the languages share one pool of tokens with different meanings") { $0.disjointLexicons = false },
        ablation("large-updates", "the adapters take large updates (the large learning rate and epochs)") { $0.largeUpdates = true },
        ablation("weights-ones", "every merge weight is 1 (PEFT's default)") {
            $0.weighting = .ones
            $0.reusesAdaptersOf = "study"
        },
        ablation("weights-1-over-L", "every merge weight is 1/L") {
            $0.weighting = .oneOverL
            $0.reusesAdaptersOf = "study"
        },
        ablation("task-share-25", "the task is 25% of the base's pretraining instead of 50%") { $0.taskShare = 0.25 },
    ]

    /// The base-competence curve: task share of pretraining → the setup measuring it.
    public static let competenceCurve: [(taskShare: Double, setup: String)] = [(0, "task-naive-base"), (0.25, "task-share-25"), (0.5, "study")]

    /// The setup called `name`.
    public static func named(_ name: String) -> QualitySetup? { all.first { $0.name == name } }

    /// The merges scored in every setup (PEFT names; TIES at two densities).
    static let merges: [(method: String, density: Double?)] = QualityRow.qualityMerges

    /// The merge the update re-merges with (the study's TIES).
    static let updateMerge: (method: String, density: Double?) = ("ties", 0.5)

    /// Whether a method averages the agreeing values itself (sign consensus) rather than summing.
    static func averages(_ method: String) -> Bool {
        ["ties", "dare_ties", "knots_ties", "knots_dare_ties", "ties_svd", "dare_ties_svd"].contains(method)
    }

    /// The weight every adapter gets in a merge with `method` of `languages` adapters.
    func weight(_ method: String, languages: Int) -> Double {
        let inverse = 1 / Double(max(1, languages))
        return switch weighting {
        case .perMethod: Self.averages(method) ? 1 : inverse
        case .ones: 1
        case .oneOverL: inverse
        }
    }

    /// The merge specs of this setup for `languages` adapters.
    func mergeSpecs(languages: Int) -> [QualityScoring.MergeSpec] {
        Self.merges.map { QualityScoring.MergeSpec(method: $0.method, density: $0.density, weight: weight($0.method, languages: languages)) }
    }

    /// The update's re-merge spec.
    func updateSpec(languages: Int) -> QualityScoring.MergeSpec {
        QualityScoring.MergeSpec(method: Self.updateMerge.method, density: Self.updateMerge.density, weight: weight(Self.updateMerge.method, languages: languages))
    }
}
