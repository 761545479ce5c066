import PlanCore
import PlanKernels

/// What `plan validate` found: predicted vs measured seconds per job, the error summary, the
/// predicted and measured maintenance saving, and held-out losses (DESIGN §8).
public struct ValidationReport: Sendable, Equatable {
    /// One timed job.
    public struct Job: Sendable, Equatable {
        /// What a job does (its JSON `kind`).
        public enum Kind: String, Sendable, Equatable {
            case training
            case merge
        }

        public var name: String
        public var kind: Kind
        public var predictedSeconds: Double
        public var measuredSeconds: Double
        /// Optimizer steps (training) or merged modules (merge).
        public var units: Int
        /// Other processes' share of the cores while the job ran (nil without `/proc`).
        public var backgroundLoad: Double?
        /// (predicted − measured) / measured.
        public var relativeError: Double { (predictedSeconds - measuredSeconds) / measuredSeconds }
    }

    /// Held-out loss (mean cross-entropy over answer tokens, nats) of one language.
    public struct Loss: Sendable, Equatable {
        public var language: String
        /// The multilingual model trained on every language.
        public var combined: Double
        /// The per-language adapters merged.
        public var merged: Double
        /// The language's own adapter.
        public var single: Double
        /// The frozen base model, before fine-tuning.
        public var base: Double
    }

    /// The step-calibration rounds timed between the groups of training jobs: per round, seconds
    /// per step at each of `sizes` sequences per step.
    public struct StepRounds: Sendable, Equatable {
        public var sizes: [Int]
        public var rounds: [[Double]]
    }

    public var setup: String
    public var jobs: [Job]
    public var losses: [Loss]
    /// Maintenance saving of retrain-one + re-merge against retrain-all, as a fraction.
    public var savingsPredicted: Double
    public var savingsMeasured: Double
    /// The calibration before the jobs (stored as the run's machine figures) and after them.
    public var calibration: Calibration
    public var closingCalibration: Calibration
    public var stepCalibration: StepRounds
    /// The pretrained base the experiment started from (its weights, steps, cost and losses).
    public var pretraining: Pretraining.Base
    /// Set when the pretrained base could not be cached.
    public var pretrainingWarning: String?
    /// Language codes, in the order of every `QualityRow.scores`.
    public var languages: [String]
    /// Held-out loss and answer accuracy of every model (untimed merges included).
    public var quality: [QualityRow]
    /// Wall time of the whole validation (calibration included), seconds.
    public var seconds: Double
    /// Share of all cores' time other processes used from the opening calibration to the end of
    /// the closing one (the measured part; nil without `/proc`): above a few percent, measured
    /// jobs are slowed by work the calibration did not see.
    public var backgroundLoad: Double?

    /// Median of |relative error| over the jobs.
    public var medianAbsError: Double { Statistics.median(jobs.map { abs($0.relativeError) }) }

    /// Largest |relative error|.
    public var maxAbsError: Double { jobs.map { abs($0.relativeError) }.max() ?? 0 }

    public var blasCore: String { calibration.blas.coreName }
    public var threads: Int { calibration.blas.threads }

    /// The maintenance saving 1 − (retrain-one + re-merge) / retrain-all of `jobs`, predicted or
    /// measured, where `language` is the one that grew.
    public static func maintenanceSaving(_ jobs: [Job], language: String, predicted: Bool) -> Double {
        func seconds(_ name: String) -> Double {
            jobs.filter { $0.name == name }.reduce(0) { $0 + (predicted ? $1.predictedSeconds : $1.measuredSeconds) }
        }
        return 1 - (seconds("update/retrain-\(language)") + seconds("update/re-merge")) / seconds("update/retrain-all")
    }
}
