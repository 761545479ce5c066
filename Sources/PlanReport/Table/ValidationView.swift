import PlanCore

/// What `plan validate` found, as plain values for rendering (the command layer fills it in from
/// PlanValidate's `ValidationReport`: PlanReport does not depend on PlanValidate).
public struct ValidationView: Sendable, Equatable {
    /// One timed job.
    public struct Job: Sendable, Equatable {
        public var name: String
        /// `training` or `merge`.
        public var kind: String
        public var predictedSeconds: Double
        public var measuredSeconds: Double
        /// (predicted − measured) / measured.
        public var relativeError: Double
        /// Optimizer steps (training) or merged modules (merge).
        public var units: Int
        /// Other processes' share of the cores while the job ran.
        public var backgroundLoad: Double?

        public init(name: String, kind: String, predictedSeconds: Double, measuredSeconds: Double, relativeError: Double, units: Int,
                    backgroundLoad: Double?) {
            (self.name, self.kind, self.predictedSeconds, self.measuredSeconds) = (name, kind, predictedSeconds, measuredSeconds)
            (self.relativeError, self.units, self.backgroundLoad) = (relativeError, units, backgroundLoad)
        }
    }

    /// Held-out loss (nats per answer token) of one language for each model of `ValidationTable.lossModels`.
    public struct Loss: Sendable, Equatable {
        public var language: String
        public var base: Double
        public var combined: Double
        public var merged: Double
        public var single: Double

        public init(language: String, base: Double, combined: Double, merged: Double, single: Double) {
            (self.language, self.base, self.combined, self.merged, self.single) = (language, base, combined, merged, single)
        }
    }

    /// The pretrained base (not a timed job).
    public struct Pretraining: Sendable, Equatable {
        public var steps: Int
        public var seconds: Double
        public var reused: Bool
        public var randomLoss: Double
        public var pretrainedLoss: Double

        public init(steps: Int, seconds: Double, reused: Bool, randomLoss: Double, pretrainedLoss: Double) {
            (self.steps, self.seconds, self.reused, self.randomLoss, self.pretrainedLoss) = (steps, seconds, reused, randomLoss, pretrainedLoss)
        }
    }

    /// One model's held-out quality: per language (in `languages` order) loss and accuracy.
    public struct QualityRow: Sendable, Equatable {
        public var model: String
        public var method: String?
        public var density: Double?
        public var losses: [Double]
        public var accuracies: [Double]

        public init(model: String, method: String?, density: Double?, losses: [Double], accuracies: [Double]) {
            (self.model, self.method, self.density, self.losses, self.accuracies) = (model, method, density, losses, accuracies)
        }
    }

    public var setup: String
    public var jobs: [Job]
    public var medianAbsError: Double
    public var maxAbsError: Double
    /// Maintenance saving (retrain one + re-merge vs retrain all), fractions.
    public var savingsPredicted: Double
    public var savingsMeasured: Double
    public var losses: [Loss]
    public var languages: [String]
    public var pretraining: Pretraining
    public var quality: [QualityRow]
    public var blasCore: String
    public var threads: Int
    /// `release` or `debug`.
    public var build: String
    /// Wall time of the whole validation, seconds.
    public var seconds: Double
    /// Other processes' share of the cores over the measured part of the run.
    public var backgroundLoad: Double?
    /// Kernel rates of the opening and the closing calibration.
    public var rates: KernelRates
    public var ratesAfter: KernelRates
    /// Step-calibration rounds between the job groups: seconds per step at each of `stepSizes`.
    public var stepSizes: [Int]
    public var stepRounds: [[Double]]

    public init(
        setup: String, jobs: [Job], medianAbsError: Double, maxAbsError: Double, savingsPredicted: Double, savingsMeasured: Double,
        losses: [Loss], languages: [String], pretraining: Pretraining, quality: [QualityRow], blasCore: String, threads: Int, build: String,
        seconds: Double, backgroundLoad: Double?, rates: KernelRates, ratesAfter: KernelRates, stepSizes: [Int], stepRounds: [[Double]]
    ) {
        (self.setup, self.jobs, self.medianAbsError, self.maxAbsError) = (setup, jobs, medianAbsError, maxAbsError)
        (self.savingsPredicted, self.savingsMeasured, self.losses, self.languages) = (savingsPredicted, savingsMeasured, losses, languages)
        (self.pretraining, self.quality, self.blasCore, self.threads, self.build) = (pretraining, quality, blasCore, threads, build)
        (self.seconds, self.backgroundLoad, self.rates, self.ratesAfter) = (seconds, backgroundLoad, rates, ratesAfter)
        (self.stepSizes, self.stepRounds) = (stepSizes, stepRounds)
    }
}
