import Dispatch
import PlanCore
import PlanKernels

/// The timed phase of `plan validate`: the data, the tuners and every job of the study's two
/// strategies at toy scale (DESIGN §1, §5), each job measured as it runs.
///
/// Step-calibration rounds (`StepCalibration.Session`) run between the groups of training jobs —
/// before the combined run, between it and the adapters, between the adapters and the update,
/// after the update — so each training job is predicted from the rounds just before and after
/// it, and a drift of a shared machine over minutes reaches a job and its prediction alike.
final class ValidationExperiment {
    /// One measured job, predicted once the closing calibration is in.
    struct MeasuredJob {
        var name: String
        var kind: ValidationReport.Job.Kind
        var measuredSeconds: Double
        /// Optimizer steps (training) or merged modules (merge).
        var units: Int
        /// Training: packed sequences per epoch; merge: adapters merged.
        var work: Int
        /// Uptime (ns) half-way through the job.
        var midpoint: UInt64
        /// Training: the step-calibration rounds timed just before and just after the job.
        var rounds: ClosedRange<Int>?
        /// Other processes' share of the cores while the job (its interleaved group) ran.
        var backgroundLoad: Double?
    }

    /// What the initial build produced (for the update and the quality phase).
    struct Initial {
        var combinedScores: [HeldOutScore]
        var adapters: [LoRAAdapter]
        var singleScores: [HeldOutScore]
        var mergedLosses: [Double]
    }

    /// What the update produced.
    struct Update {
        var retrainAll: LoRAAdapter
        var remerged: LoRAAdapter
    }

    /// Seed offsets from `setup.seed`: the adapters of the shared tuner, of the update's second
    /// tuner, and the first job's shuffle (`setup.seed × jobSeedScale + 1`, then one more per job).
    enum SeedOffset {
        static let adapter: UInt64 = 1
        static let secondAdapter: UInt64 = 2
        static let jobSeedScale: UInt64 = 1000
    }

    /// Examples the untimed warm-up step is packed from.
    static let warmUpExamples = 64

    let setup: ValidationSetup
    let codes: [String]
    let train: [[[Int32]]]
    let grown: [[Int32]]
    let heldOut: [[TokenBatch]]
    let tuner: FineTuner
    let baseWeights: [Float]
    let randomBaseScores: [HeldOutScore]
    let baseScores: [HeldOutScore]
    let steps: StepCalibration.Session
    private(set) var jobs: [MeasuredJob] = []
    private var jobSeed: UInt64
    private let mergeOptions: MergeOptions

    /// The data, the shared tuner on the pretrained base (scored before and after loading it), one
    /// untimed step, and the step-calibration tuners with their warm-up steps.
    /// - Throws: `KernelError` from the kernels, `PlanCoreError` for an unknown merge method.
    init(setup: ValidationSetup, base: [Float]) throws {
        self.setup = setup
        baseWeights = base
        codes = Array(ValidationSetup.languageCodes.prefix(setup.languages))
        let corpus = try SyntheticCorpus(task: setup.task)
        let s = setup.config.sequenceLength
        train = (0..<setup.languages).map { corpus.examples(language: $0, split: .train, count: setup.examplesPerLanguage) }
        grown = corpus.examples(language: 0, split: .train, count: setup.examplesPerLanguage + setup.growthExamples)
        let heldOut = try (0..<setup.languages).map {
            try PackedSequences(examples: corpus.examples(language: $0, split: .heldOut, count: setup.heldOutExamples), sequenceLength: s)
                .batches(size: setup.sequencesPerStep, shuffleSeed: nil)
        }
        self.heldOut = heldOut
        let tuner = try Self.tuner(setup, adapterSeed: setup.seed + SeedOffset.adapter)
        randomBaseScores = try heldOut.map { try tuner.score($0) }
        try tuner.loadBase(base)
        baseScores = try heldOut.map { try tuner.score($0) }
        self.tuner = tuner
        // One untimed step: OpenBLAS starts its threads and the step buffers are touched once, a
        // per-process cost that belongs to no job (the calibration tuners run their own).
        let warmUp = try PackedSequences(examples: Array(self.train[0].prefix(Self.warmUpExamples)), sequenceLength: s)
        if let batch = try warmUp.batches(size: setup.sequencesPerStep, shuffleSeed: nil).first { try tuner.train(batch) }
        steps = try StepCalibration.Session(setup: setup, base: base)
        jobSeed = setup.seed &* SeedOffset.jobSeedScale
        mergeOptions = try setup.mergeOptions()
    }

    /// A tuner of the setup's shape with its own adapter seed.
    static func tuner(_ setup: ValidationSetup, adapterSeed: UInt64) throws -> FineTuner {
        try FineTuner(
            config: setup.config, mode: setup.mode, sequencesPerStep: setup.sequencesPerStep, baseSeed: setup.seed, adapterSeed: adapterSeed,
            optimizer: AdamW(learningRate: setup.learningRate))
    }

    /// The initial build: the combined run, one adapter per language, their merge; `advance`
    /// hears each job's name as it starts.
    func initialBuild(advance: (String) -> Void) throws -> Initial {
        try steps.round()
        try trainingJobs([("initial/combined", tuner, Validation.interleaved(train))], advance: advance)
        let combinedScores = try heldOut.map { try tuner.score($0) }
        try steps.round()
        var adapters: [LoRAAdapter] = [], singleScores: [HeldOutScore] = []
        for language in 0..<setup.languages {
            try trainingJobs([("initial/adapter-\(codes[language])", tuner, train[language])], advance: advance)
            adapters.append(try tuner.adapter())
            singleScores.append(try tuner.score(heldOut[language]))
        }
        try steps.round()
        let merged = try mergeJob("initial/merge", adapters, advance: advance)
        try tuner.load(merged)
        let mergedLosses = try heldOut.map { try tuner.evaluate($0) }
        return Initial(combinedScores: combinedScores, adapters: adapters, singleScores: singleScores, mergedLosses: mergedLosses)
    }

    /// The update (the first language grows) handled both ways: retrain-all and retrain-one run
    /// interleaved, each on its own tuner (same base weights), so the saving compares them under
    /// the same machine conditions; then the re-merge.
    func update(_ initial: Initial, advance: (String) -> Void) throws -> Update {
        var current = train
        current[0] = grown
        let second = try Self.tuner(setup, adapterSeed: setup.seed + SeedOffset.secondAdapter)
        try second.loadBase(baseWeights)
        try trainingJobs([("update/retrain-all", tuner, Validation.interleaved(current)), ("update/retrain-\(codes[0])", second, grown)], advance: advance)
        try steps.round()
        let retrainAll = try tuner.adapter()
        var adapters = initial.adapters
        adapters[0] = try second.adapter()
        return Update(retrainAll: retrainAll, remerged: try mergeJob("update/re-merge", adapters, advance: advance))
    }

    /// Trains fresh adapters on the given examples, interleaved in proportional rounds
    /// (`TrainingRun.interleave`; one job alone runs straight through), and records each job
    /// with the step-calibration rounds on either side (the last before it and the next).
    private func trainingJobs(_ specs: [(name: String, tuner: FineTuner, examples: [[Int32]])], advance: (String) -> Void) throws {
        var runs: [TrainingRun] = []
        for spec in specs {
            advance(spec.name)
            jobSeed += 1
            runs.append(try TrainingRun(
                name: spec.name, tuner: spec.tuner, mode: setup.mode,
                packed: try PackedSequences(examples: spec.examples, sequenceLength: setup.config.sequenceLength), epochs: setup.epochs,
                seed: jobSeed))
        }
        let load = BackgroundLoad.sample()
        try TrainingRun.interleave(runs)
        let share = load.flatMap { start in BackgroundLoad.sample()?.otherProcessesShare(since: start) }
        let before = steps.rounds.count - 1
        for run in runs {
            jobs.append(MeasuredJob(
                name: run.name, kind: .training, measuredSeconds: run.seconds, units: run.totalSteps, work: run.packed.count,
                midpoint: ((run.firstStart ?? run.lastEnd) + run.lastEnd) / 2, rounds: before...(before + 1), backgroundLoad: share))
        }
    }

    /// Merges `adapters` as a merge job is measured (`Calibration.mergeSeconds`) and records it.
    private func mergeJob(_ name: String, _ adapters: [LoRAAdapter], advance: (String) -> Void) throws -> LoRAAdapter {
        advance(name)
        var merged: LoRAAdapter?
        let load = BackgroundLoad.sample()
        let first = DispatchTime.now().uptimeNanoseconds
        let seconds = try Calibration.mergeSeconds(setup) { [mergeOptions] in merged = try AdapterMerger.merge(adapters, options: mergeOptions).adapter }
        let last = DispatchTime.now().uptimeNanoseconds
        guard let merged else { throw ValidateError.kernelFailure("the merge \(name) produced no adapter") }
        jobs.append(MeasuredJob(
            name: name, kind: .merge, measuredSeconds: seconds, units: adapters.first?.modules.count ?? 0, work: adapters.count,
            midpoint: (first + last) / 2, rounds: nil,
            backgroundLoad: load.flatMap { start in BackgroundLoad.sample()?.otherProcessesShare(since: start) }))
        return merged
    }
}
