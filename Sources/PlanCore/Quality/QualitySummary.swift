/// The outcome of a `plan quality` run as plain values: per setup, every model's held-out
/// answer accuracy and loss over the seeds (mean and 95% interval), its retention against the
/// combined model, and the diagnostics that explain a merge's result. PlanValidate produces it,
/// PlanReport renders it, a scenario's `quality.from_run` reads its retention back.
public struct QualitySummary: Sendable, Equatable {
    /// One language's figures of a model (means over the seeds).
    public struct LanguageFigures: Sendable, Equatable {
        public var language: String
        public var accuracy: Double
        public var loss: Double
        public init(language: String, accuracy: Double, loss: Double) {
            self.language = language
            self.accuracy = accuracy
            self.loss = loss
        }
    }

    /// One model of a setup.
    public struct Row: Sendable, Equatable {
        /// `random-base`, `base`, `combined`, `single`, `merge/<method>[ d=<density>]`,
        /// `update/retrain-all`, `update/re-merge`.
        public var model: String
        /// The merge method (PEFT name), density and per-adapter weight, for merge rows.
        public var method: String?
        public var density: Double?
        public var weight: Double?
        /// Mean answer-token accuracy over the languages, per seed, with mean and interval.
        public var accuracy: MeanInterval
        public var loss: MeanInterval
        /// accuracy.mean / the combined model's accuracy.mean.
        public var retention: Double
        /// The interval of the per-seed ratios (each seed's accuracy over its own combined model's).
        public var retentionInterval: MeanInterval
        /// (accuracy − base accuracy) / (combined accuracy − base accuracy): the share of the
        /// fine-tuning gain over the base the model keeps (NaN when the combined model gained nothing).
        public var gainRetention: Double
        public var languages: [LanguageFigures]

        public init(
            model: String, method: String?, density: Double?, weight: Double?, accuracy: MeanInterval, loss: MeanInterval,
            retention: Double, retentionInterval: MeanInterval, gainRetention: Double = .nan, languages: [LanguageFigures]
        ) {
            self.model = model
            self.method = method
            self.density = density
            self.weight = weight
            self.accuracy = accuracy
            self.loss = loss
            self.retention = retention
            self.retentionInterval = retentionInterval
            self.gainRetention = gainRetention
            self.languages = languages
        }

        public var isMerge: Bool { model.hasPrefix("merge/") }
    }

    /// One setup: its ingredients, rows and diagnostics.
    public struct Setup: Sendable, Equatable {
        public var name: String
        /// What the setup changes against `study` (the study's own: its description).
        public var changes: String
        /// Share of the base's pretraining sequences that are task examples.
        public var taskShare: Double
        /// `disjoint` (own tokens per language) or `shared` (one pool, colliding meanings).
        public var lexicon: String
        /// Whether every language's adapter (and the combined model) starts from the same LoRA A.
        public var sameInit: Bool
        public var learningRate: Double
        public var epochs: Int
        /// How merge weights are chosen: `per-method` (TIES family 1, linear and cat 1/L), `ones`, `one-over-l`.
        public var weighting: String
        public var rows: [Row]
        /// Mean pairwise cosine similarity of the languages' adapter updates ΔW (all modules).
        public var adapterCosine: MeanInterval
        /// Each language's adapter on the other languages' held-out answers (mean accuracy).
        public var crossLanguageAccuracy: MeanInterval
        /// ‖ΔW‖ / ‖W‖ over the adapted projections, mean over the languages' adapters.
        public var relativeUpdateNorm: MeanInterval

        public init(
            name: String, changes: String, taskShare: Double, lexicon: String, sameInit: Bool, learningRate: Double, epochs: Int,
            weighting: String, rows: [Row], adapterCosine: MeanInterval, crossLanguageAccuracy: MeanInterval, relativeUpdateNorm: MeanInterval
        ) {
            self.name = name
            self.changes = changes
            self.taskShare = taskShare
            self.lexicon = lexicon
            self.sameInit = sameInit
            self.learningRate = learningRate
            self.epochs = epochs
            self.weighting = weighting
            self.rows = rows
            self.adapterCosine = adapterCosine
            self.crossLanguageAccuracy = crossLanguageAccuracy
            self.relativeUpdateNorm = relativeUpdateNorm
        }

        public func row(_ model: String) -> Row? { rows.first { $0.model == model } }

        /// The merge row with the highest mean accuracy.
        public var bestMerge: Row? { rows.filter(\.isMerge).max { $0.accuracy.mean < $1.accuracy.mean } }

        /// Re-merge accuracy over retrain-all accuracy after the update.
        public var updateRetention: Double {
            guard let all = row("update/retrain-all"), let one = row("update/re-merge"), all.accuracy.mean > 0 else { return .nan }
            return one.accuracy.mean / all.accuracy.mean
        }
    }

    /// One point of the base-competence curve: a task share of pretraining and its setup.
    public struct CompetencePoint: Sendable, Equatable {
        public var taskShare: Double
        public var setup: String
        public init(taskShare: Double, setup: String) {
            self.taskShare = taskShare
            self.setup = setup
        }
    }

    /// `quick`, `standard` or `tiny`.
    public var size: String
    public var seeds: [UInt64]
    public var languages: [String]
    public var setups: [Setup]
    public var competence: [CompetencePoint]
    /// Wall time of the whole run.
    public var seconds: Double

    public init(size: String, seeds: [UInt64], languages: [String], setups: [Setup], competence: [CompetencePoint], seconds: Double) {
        self.size = size
        self.seeds = seeds
        self.languages = languages
        self.setups = setups
        self.competence = competence
        self.seconds = seconds
    }

    public func setup(_ name: String) -> Setup? { setups.first { $0.name == name } }

    /// The retention threshold at which the study's finding (merging about as good as combined
    /// training) counts as reproduced.
    public static let parityRetention = 0.85
}
