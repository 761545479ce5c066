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
/// retrain that language's adapter and re-merge. Training jobs are timed once each (their
/// optimizer steps, data pipeline included); the two update jobs run interleaved in
/// proportional rounds (`TrainingRun.interleave`), each timed over its own steps, so drifts of a
/// shared machine do not favour one side of the saving. A merge takes milliseconds, so it is timed
/// `mergeRepetitions` times and the median is its measurement. A merge runs as its own job in
/// practice, so it is timed after the training job's BLAS threads have parked
/// (`Calibration.parkBLASThreads`), as in the calibration.
public enum Validation {
    /// Progress: (finished units, total units, what is running).
    public typealias Progress = (Int, Int, String) -> Void

    /// Progress units of a run of `setup`.
    public static func progressUnits(_ setup: ValidationSetup) -> Int { setup.languages + 10 }

    /// Pretrains the base (or reuses it from `pretrainingCache`), calibrates, runs every job,
    /// calibrates again, predicts each job with the rates interpolated to its midpoint, compares,
    /// then scores the quality rows (untimed).
    /// - Throws: `ValidateError` for invalid sizes or a failed kernel.
    public static func run(
        setup: ValidationSetup, pretrainingCache: URL? = nil, progress: Progress = { _, _, _ in }
    ) throws -> ValidationReport {
        try setup.validate()
        let started = DispatchTime.now().uptimeNanoseconds
        let languages = setup.languages
        let total = progressUnits(setup)
        var done = 0
        func advance(_ label: String) {
            done += 1
            progress(done, total, label)
        }
        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        // Pretraining first: it is not a timed job and must not run between the calibrations.
        progress(0, total, "pretrain")
        let pretrained: (base: Pretraining.Base, warning: String?)
        do { pretrained = try Pretraining.base(setup, cache: pretrainingCache) } catch let error as KernelError {
            throw ValidateError.kernelFailure(error.description)
        }
        advance("pretrain")
        let load = BackgroundLoad.sample()
        let calibrationStart = now()
        let calibration = try Calibration.run(setup: setup)
        let stack = try Calibration.stack()
        let calibrationTime = (calibrationStart + now()) / 2
        advance("calibrate")
        do {
            let corpus = try SyntheticCorpus(task: setup.task)
            let s = setup.config.sequenceLength
            let train = (0..<languages).map { corpus.examples(language: $0, split: .train, count: setup.examplesPerLanguage) }
            let grown = corpus.examples(language: 0, split: .train, count: setup.examplesPerLanguage + setup.growthExamples)
            let heldOut = try (0..<languages).map {
                try PackedSequences(examples: corpus.examples(language: $0, split: .heldOut, count: setup.heldOutExamples), sequenceLength: s)
                    .batches(size: setup.sequencesPerStep, shuffleSeed: nil)
            }
            let tuner = try FineTuner(
                config: setup.config, mode: setup.mode, sequencesPerStep: setup.sequencesPerStep, baseSeed: setup.seed,
                adapterSeed: setup.seed + 1, optimizer: AdamW(learningRate: setup.learningRate))
            let randomBaseScores = try heldOut.map { try tuner.score($0) }
            try tuner.loadBase(pretrained.base.weights)
            let baseScores = try heldOut.map { try tuner.score($0) }
            // One untimed step: OpenBLAS starts its threads and the step buffers are touched once,
            // a per-process cost that belongs to no job.
            let warmUp = try PackedSequences(examples: Array(train[0].prefix(64)), sequenceLength: s)
            if let batch = try warmUp.batches(size: setup.sequencesPerStep, shuffleSeed: nil).first { try tuner.train(batch) }

            /// A measured job, predicted once the closing calibration is in.
            struct Measured {
                var name: String, kind: String, measured: Double, units: Int, midpoint: UInt64
                var predict: (ValidationPredictor) -> Double
            }
            var measured: [Measured] = []
            var jobSeed = setup.seed &* 1000
            /// Trains fresh adapters on the given examples, interleaved (one job: step by step),
            /// and records each job.
            func trainingJobs(_ specs: [(name: String, tuner: FineTuner, examples: [[Int32]])]) throws {
                var runs: [TrainingRun] = []
                for spec in specs {
                    advance(spec.name)
                    jobSeed += 1
                    runs.append(try TrainingRun(
                        name: spec.name, tuner: spec.tuner, mode: setup.mode,
                        packed: try PackedSequences(examples: spec.examples, sequenceLength: s), epochs: setup.epochs, seed: jobSeed))
                }
                try TrainingRun.interleave(runs)
                for run in runs {
                    let sequences = run.packed.count
                    measured.append(Measured(
                        name: run.name, kind: "training", measured: run.seconds, units: run.totalSteps,
                        midpoint: ((run.firstStart ?? run.lastEnd) + run.lastEnd) / 2,
                        predict: { $0.training(sequences: sequences, epochs: setup.epochs) }))
                }
            }
            func trainingJob(_ name: String, _ examples: [[Int32]]) throws {
                try trainingJobs([(name, tuner, examples)])
            }
            let method = try MergeMethod.named(setup.mergeMethod)
            let options = MergeOptions(method: method, density: method.needsDensity ? setup.mergeDensity : nil, seed: setup.seed)
            /// Merges `adapters` (median of the repetitions) and records the job.
            func mergeJob(_ name: String, _ adapters: [LoRAAdapter]) throws -> LoRAAdapter {
                advance(name)
                var merged: LoRAAdapter?
                var times: [Double] = []
                Calibration.parkBLASThreads()
                let first = now()
                for _ in 0..<setup.mergeRepetitions {
                    let start = DispatchTime.now().uptimeNanoseconds
                    merged = try AdapterMerger.merge(adapters, options: options).adapter
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                }
                times.sort()
                let count = adapters.count
                measured.append(Measured(
                    name: name, kind: "merge", measured: times[times.count / 2], units: adapters.first?.modules.count ?? 0,
                    midpoint: (first + now()) / 2,
                    predict: { $0.merge(adapters: count) }))
                return merged!
            }
            let codes = ValidationSetup.languageCodes

            // Initial build: combined run, then per-language adapters and their merge.
            try trainingJob("initial/combined", interleaved(train))
            let combinedScores = try heldOut.map { try tuner.score($0) }
            var adapters: [LoRAAdapter] = []
            var singleScores: [HeldOutScore] = []
            for language in 0..<languages {
                try trainingJob("initial/adapter-\(codes[language])", train[language])
                adapters.append(try tuner.adapter())
                singleScores.append(try tuner.score(heldOut[language]))
            }
            let initialAdapters = adapters
            let merged = try mergeJob("initial/merge", adapters)
            try tuner.load(merged)
            let mergedLosses = try heldOut.map { try tuner.evaluate($0) }

            // Update: the first language grows.
            var current = train
            current[0] = grown
            // The two ways of handling the update run interleaved, each on its own tuner (same
            // base weights), so the saving compares them under the same machine conditions.
            let second = try FineTuner(
                config: setup.config, mode: setup.mode, sequencesPerStep: setup.sequencesPerStep, baseSeed: setup.seed,
                adapterSeed: setup.seed + 2, optimizer: AdamW(learningRate: setup.learningRate))
            try second.loadBase(pretrained.base.weights)
            try trainingJobs([("update/retrain-all", tuner, interleaved(current)), ("update/retrain-\(codes[0])", second, grown)])
            let retrainAll = try tuner.adapter()
            adapters[0] = try second.adapter()
            let remerged = try mergeJob("update/re-merge", adapters)

            // The closing calibration: each job is predicted with the rates interpolated to its
            // midpoint between the two (a shared machine drifts over minutes).
            advance("calibrate again")
            let closingStart = now()
            let closing = try Calibration.run(setup: setup)
            let closingTime = (closingStart + now()) / 2
            let jobs = measured.map { job in
                let span = Double(closingTime) - Double(calibrationTime)
                let weight = span > 0 ? min(1, max(0, (Double(job.midpoint) - Double(calibrationTime)) / span)) : 0
                let model = ValidationPredictor.blended(setup, calibration, closing, weight: weight, stack: stack)
                return ValidationReport.Job(
                    name: job.name, kind: job.kind, predictedSeconds: job.predict(model), measuredSeconds: job.measured, units: job.units)
            }
            func seconds(_ name: String, predicted: Bool) -> Double {
                jobs.filter { $0.name == name }.reduce(0) { $0 + (predicted ? $1.predictedSeconds : $1.measuredSeconds) }
            }
            func saving(predicted: Bool) -> Double {
                let all = seconds("update/retrain-all", predicted: predicted)
                let one = seconds("update/retrain-\(codes[0])", predicted: predicted) + seconds("update/re-merge", predicted: predicted)
                return 1 - one / all
            }
            let losses = (0..<languages).map { language in
                ValidationReport.Loss(
                    language: codes[language], combined: combinedScores[language].loss, merged: mergedLosses[language],
                    single: singleScores[language].loss, base: baseScores[language].loss)
            }
            advance("quality")
            let quality = try qualityRows(
                QualityInputs(
                    randomBase: randomBaseScores, base: baseScores, combined: combinedScores, single: singleScores,
                    initialAdapters: initialAdapters, retrainAll: retrainAll, remerged: remerged),
                setup: setup, base: pretrained.base.weights, heldOut: heldOut)
            advance("done")
            return ValidationReport(
                setup: setup.name, jobs: jobs, losses: losses, savingsPredicted: saving(predicted: true),
                savingsMeasured: saving(predicted: false), calibration: calibration, closingCalibration: closing,
                pretraining: pretrained.base, pretrainingWarning: pretrained.warning, languages: Array(codes.prefix(languages)),
                quality: quality,
                seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9,
                backgroundLoad: load.flatMap { start in BackgroundLoad.sample()?.otherProcessesShare(since: start) })
        } catch let error as KernelError {
            throw ValidateError.kernelFailure(error.description)
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
