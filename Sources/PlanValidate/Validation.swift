import Dispatch
import Foundation
import PlanCore
import PlanKernels

/// `plan validate`: real small experiments on OpenBLAS, each predicted by the PlanCore cost model
/// fed with this machine's calibration, then compared.
///
/// The experiment follows the study (DESIGN §1, §5) at toy scale: a combined multilingual LoRA
/// run; one adapter per language and their merge; then an update in which the first language
/// doubles its data, handled both ways — retrain the combined model on all current data, or
/// retrain that language's adapter and re-merge (`ValidationExperiment`). Training jobs are timed
/// once each (their optimizer steps, data pipeline included); the two update jobs run
/// interleaved in proportional rounds (`TrainingRun.interleave`), each timed over its own steps,
/// so drifts of a shared machine do not favour one side of the saving. A merge takes
/// milliseconds: it is measured as the calibration measures the merge rates
/// (`Calibration.mergeSeconds`: after the BLAS threads park, the median of `mergeRepetitions`).
public enum Validation {
    /// Progress: (finished units, total units, what is running).
    public typealias Progress = (Int, Int, String) -> Void

    /// The timed jobs of a run of `setup`, in run order.
    public static func jobNames(_ setup: ValidationSetup) -> [String] {
        let codes = ValidationSetup.languageCodes.prefix(setup.languages)
        return ["initial/combined"] + codes.map { "initial/adapter-\($0)" }
            + ["initial/merge", "update/retrain-all", "update/retrain-\(codes.first ?? "")", "update/re-merge"]
    }

    /// The untimed phases that report progress besides the jobs.
    public static let untimedPhases = ["pretrain", "calibrate", "calibrate again", "quality", "done"]

    /// Progress units of a run of `setup`: one per job and one per untimed phase.
    public static func progressUnits(_ setup: ValidationSetup) -> Int { jobNames(setup).count + untimedPhases.count }

    /// Pretrains the base (or reuses it from `pretrainingCache`), calibrates, runs every job
    /// (with step-calibration rounds between the groups), calibrates again, predicts each job,
    /// compares, then scores the quality rows (untimed).
    /// - Throws: `ValidateError` for invalid sizes or a failed kernel.
    public static func run(
        setup: ValidationSetup, pretrainingCache: URL? = nil, progress: Progress = { _, _, _ in }
    ) throws -> ValidationReport {
        try setup.validate()
        let started = DispatchTime.now().uptimeNanoseconds
        let total = progressUnits(setup)
        var done = 0
        func advance(_ label: String) {
            done += 1
            progress(done, total, label)
        }
        do {
            // Pretraining first: it is not a timed job and must not run between the calibrations.
            progress(0, total, "pretrain")
            let pretrained = try Pretraining.base(setup, cache: pretrainingCache)
            advance("pretrain")
            let load = BackgroundLoad.sample()
            let opening = try timedCalibration(setup, base: pretrained.base.weights)
            let stack = try Calibration.stack()
            advance("calibrate")
            let experiment = try ValidationExperiment(setup: setup, base: pretrained.base.weights)
            let initial = try experiment.initialBuild(advance: advance)
            let update = try experiment.update(initial, advance: advance)
            advance("calibrate again")
            let closing = try timedCalibration(setup, base: pretrained.base.weights)
            let measuredLoad = load.flatMap { start in BackgroundLoad.sample()?.otherProcessesShare(since: start) }
            let jobs = try predictions(experiment, opening: opening, closing: closing, stack: stack)
            let losses = experiment.codes.indices.map { language in
                ValidationReport.Loss(
                    language: experiment.codes[language], combined: initial.combinedScores[language].loss,
                    merged: initial.mergedLosses[language], single: initial.singleScores[language].loss,
                    base: experiment.baseScores[language].loss)
            }
            advance("quality")
            let quality = try qualityRows(
                QualityInputs(
                    randomBase: experiment.randomBaseScores, base: experiment.baseScores, combined: initial.combinedScores,
                    single: initial.singleScores, initialAdapters: initial.adapters, retrainAll: update.retrainAll, remerged: update.remerged),
                setup: setup, base: pretrained.base.weights, heldOut: experiment.heldOut)
            advance("done")
            let grown = experiment.codes[0]
            return ValidationReport(
                setup: setup.name, jobs: jobs, losses: losses,
                savingsPredicted: ValidationReport.maintenanceSaving(jobs, language: grown, predicted: true),
                savingsMeasured: ValidationReport.maintenanceSaving(jobs, language: grown, predicted: false),
                calibration: opening.calibration, closingCalibration: closing.calibration,
                stepCalibration: ValidationReport.StepRounds(sizes: experiment.steps.sizes, rounds: experiment.steps.rounds),
                pretraining: pretrained.base, pretrainingWarning: pretrained.warning, languages: experiment.codes, quality: quality,
                seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9, backgroundLoad: measuredLoad)
        } catch let error as KernelError {
            throw ValidateError.kernelFailure(error.description)
        } catch let error as PlanCoreError {
            throw ValidateError.kernelFailure("fitting the step-time curve: \(error)")
        }
    }

    /// A calibration and the uptime (ns) half-way through it.
    struct TimedCalibration {
        var calibration: Calibration
        var midpoint: UInt64
    }

    static func timedCalibration(_ setup: ValidationSetup, base: [Float]) throws -> TimedCalibration {
        let start = DispatchTime.now().uptimeNanoseconds
        let calibration = try Calibration.run(setup: setup, base: base)
        return TimedCalibration(calibration: calibration, midpoint: (start + DispatchTime.now().uptimeNanoseconds) / 2)
    }

    /// Where `midpoint` lies between the opening (0) and the closing (1) calibration, clamped to [0, 1].
    static func blendWeight(midpoint: UInt64, opening: UInt64, closing: UInt64) -> Double {
        let span = Double(closing) - Double(opening)
        guard span > 0 else { return 0 }
        return min(1, max(0, (Double(midpoint) - Double(opening)) / span))
    }

    /// The step times a training job is predicted from: the rounds just before and after it, and
    /// the opening and closing calibrations' own figures, so that each size's median keeps the
    /// job's neighbourhood but no single round caught in a burst of load sets it.
    static func stepRounds(around rounds: ClosedRange<Int>, _ all: [[Double]], opening: Calibration, closing: Calibration) -> [[Double]] {
        Array(all[rounds]) + [opening.stepPoints.map(\.medianSeconds), closing.stepPoints.map(\.medianSeconds)]
    }

    /// Every job predicted: a training job with the step-time model on this CPU, its curve fitted
    /// to the step times around it (`stepRounds`; relative to the opening calibration's FMA peak
    /// and bandwidth); a merge with the merge rates interpolated between
    /// the two calibrations to its midpoint.
    static func predictions(
        _ experiment: ValidationExperiment, opening: TimedCalibration, closing: TimedCalibration, stack: SoftwareStack
    ) throws -> [ValidationReport.Job] {
        let setup = experiment.setup, a = opening.calibration
        // Jobs between the same two rounds (the adapters, the two update jobs) share one fit.
        var curves: [ClosedRange<Int>: StepCurve] = [:]
        func curve(around rounds: ClosedRange<Int>) throws -> StepCurve {
            if let known = curves[rounds] { return known }
            let fitted = try StepCalibration.fit(
                setup: setup, stack: stack, sizes: experiment.steps.sizes,
                stepSeconds: StepCalibration.medians(stepRounds(around: rounds, experiment.steps.rounds, opening: a, closing: closing.calibration)),
                peakFlopsPerSecond: a.fmaPeakFlopsPerSecond,
                memoryBytesPerSecond: a.rates.memoryBytesPerSecond, memoryBytes: a.memoryBytes
            ).curve
            curves[rounds] = fitted
            return fitted
        }
        return try experiment.jobs.map { job in
            let weight = blendWeight(midpoint: job.midpoint, opening: opening.midpoint, closing: closing.midpoint)
            var device = a.device
            if let rounds = job.rounds { device.stepCurve = try curve(around: rounds) }
            let model = ValidationPredictor(
                setup: setup, device: device, stack: stack, rates: a.rates.blended(with: closing.calibration.rates, weight: weight))
            let predicted = job.kind == .training ? model.training(sequences: job.work, epochs: setup.epochs) : model.merge(adapters: job.work)
            return ValidationReport.Job(
                name: job.name, kind: job.kind, predictedSeconds: predicted, measuredSeconds: job.measuredSeconds, units: job.units,
                backgroundLoad: job.backgroundLoad)
        }
    }

    /// The languages' examples interleaved round-robin (a multilingual mix in every batch).
    static func interleaved(_ perLanguage: [[[Int32]]]) -> [[Int32]] {
        var result: [[Int32]] = []
        result.reserveCapacity(perLanguage.reduce(0) { $0 + $1.count })
        let longest = perLanguage.map(\.count).max() ?? 0
        for index in 0..<longest {
            for examples in perLanguage where index < examples.count { result.append(examples[index]) }
        }
        return result
    }
}
