import Dispatch
import PlanCore
import PlanKernels

/// Times real training steps of the validation transformer at several micro-batch sizes — none of
/// them the size `plan validate` runs, so the validation tests the model rather than replaying
/// the measurement — and fits the CPU device's `StepCurve` with `StepCurveFit` (the planning
/// step-time model itself as the forward model).
///
/// Each size's figure is the median over rounds of a block's mean step (after `warmUpSteps`
/// untimed steps): steps run in situ, with the step's own activations pushing the weights out of
/// cache as in a job.
public enum StepCalibration {
    /// One timed size.
    public struct Point: Sendable, Equatable, Codable {
        public var sequencesPerStep: Int
        public var tokensPerStep: Int
        public var medianSeconds: Double
        public var predictedSeconds: Double
    }

    /// The fitted curve and the points it was fitted to.
    public struct Result: Sendable, Equatable {
        public var curve: StepCurve
        public var points: [Point]
    }

    /// Micro-batch sizes timed for `setup`: around the validated size, excluding it.
    public static func sizes(for setup: ValidationSetup) -> [Int] {
        let n = setup.sequencesPerStep
        let candidates = [max(1, n / 4), max(1, n / 2), n + max(1, n / 2), 2 * n]
        var result: [Int] = []
        for size in candidates where size != n && !result.contains(size) { result.append(size) }
        return result
    }

    /// The CPU as a device of the step-time model: the measured FMA peak, stream bandwidth and RAM.
    public static func device(name: String, peakFlopsPerSecond: Double, memoryBytesPerSecond: Double, memoryBytes: Double,
                              watts: Double, curve: StepCurve?) -> GPUSpec {
        GPUSpec(name: name, peakFlopsPerSecond: peakFlopsPerSecond, memoryBytes: memoryBytes,
                memoryBytesPerSecond: memoryBytesPerSecond, boardWatts: watts, source: "plan calibrate (this CPU)",
                linkBytesPerSecond: memoryBytesPerSecond, gpusPerNode: 1, stepCurve: curve)
    }

    /// The training job of one step of `setup` at `sequences` sequences per step.
    public static func job(_ setup: ValidationSetup, sequences: Int) -> TrainingJob {
        let f = setup.finetune
        return TrainingJob(model: setup.architecture, method: .lora, rank: f.rank, targets: f.targets,
                           context: setup.config.sequenceLength, microBatch: sequences)
    }

    /// Untimed steps each size's tuner runs before its first timed block (OpenBLAS buffers, first
    /// touch of the step buffers), as the validation runs one before its jobs.
    public static let warmUpSteps = 2
    /// Rounds a stand-alone calibration (`run`) times.
    public static let rounds = 3

    /// Times the sizes (`rounds` rounds) and fits the curve for a CPU with these peak and
    /// bandwidth figures.
    /// - Throws: `KernelError` from the kernels, `PlanCoreError` from the fit.
    public static func run(setup: ValidationSetup, base: [Float]? = nil, stack: SoftwareStack, peakFlopsPerSecond: Double,
                           memoryBytesPerSecond: Double, memoryBytes: Double) throws -> Result {
        let session = try Session(setup: setup, base: base)
        for _ in 0..<rounds { try session.round() }
        return try fit(setup: setup, stack: stack, sizes: session.sizes, stepSeconds: medians(session.rounds),
                       peakFlopsPerSecond: peakFlopsPerSecond, memoryBytesPerSecond: memoryBytesPerSecond, memoryBytes: memoryBytes)
    }

    /// Tuners at every calibration size, timed one block per size per round. The sizes take turns
    /// within a round, so a burst of load on a shared machine reaches all of them alike; the
    /// validation runs rounds between its jobs, so a drift of the machine reaches the jobs and
    /// the calibration alike.
    public final class Session {
        public let sizes: [Int]
        /// Consecutive steps timed as one block (seconds / steps), as a job's time is measured:
        /// short bursts of single steps ran ~10% faster than the jobs they predict.
        public let blockSteps: Int
        /// Per round, each size's seconds per step (in `sizes` order).
        public private(set) var rounds: [[Double]] = []
        private let tuners: [FineTuner]
        private let batches: [[TokenBatch]]
        private var position = 0

        /// Builds one tuner per size on the first language's examples, on `base` (the pretrained
        /// base the jobs train on) when given, and runs the warm-up steps. The step time depends
        /// on the weights (how sharp attention is, how small the values in the backward pass
        /// get), so the calibration steps run on the weights the jobs run on.
        /// - Throws: `KernelError` from the kernels.
        public init(setup: ValidationSetup, base: [Float]? = nil) throws {
            let corpus = try SyntheticCorpus(task: setup.task)
            let s = setup.config.sequenceLength
            sizes = StepCalibration.sizes(for: setup)
            blockSteps = max(3, setup.calibrationRepetitions)
            let largest = sizes.max() ?? 1
            let perSequence = max(1, s / max(1, setup.task.tokensPerExample))
            let examples = corpus.examples(language: 0, split: .train, count: largest * (blockSteps + warmUpSteps) * perSequence + perSequence)
            let packed = try PackedSequences(examples: examples, sequenceLength: s)
            tuners = try sizes.map { size in
                try FineTuner(
                    config: setup.config, mode: setup.mode, sequencesPerStep: size, baseSeed: setup.seed, adapterSeed: setup.seed + 11,
                    optimizer: AdamW(learningRate: setup.learningRate))
            }
            if let base { for tuner in tuners { try tuner.loadBase(base) } }
            batches = try sizes.map { try packed.batches(size: $0, shuffleSeed: setup.seed) }
            for (index, tuner) in tuners.enumerated() {
                for step in 0..<warmUpSteps { try tuner.train(batches[index][step % batches[index].count]) }
            }
        }

        /// Times one block of `blockSteps` consecutive steps per size and records the round.
        /// - Throws: `KernelError` from the kernels.
        public func round() throws {
            var seconds: [Double] = []
            for (index, tuner) in tuners.enumerated() {
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<blockSteps {
                    try tuner.train(batches[index][position % batches[index].count])
                    position += 1
                }
                seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(blockSteps))
            }
            rounds.append(seconds)
        }
    }

    /// Each size's median over `rounds` (rows: rounds, columns: sizes): what a job of many steps
    /// averages to on a shared machine (a lower quartile would predict the quietest moments).
    /// - Precondition: every round has the same number of sizes.
    public static func medians(_ rounds: [[Double]]) -> [Double] {
        guard let first = rounds.first else { return [] }
        return first.indices.map { size in Statistics.median(rounds.map { $0[size] }) }
    }

    /// Fits the CPU device's curve to `stepSeconds` (seconds per step at each of `sizes` sequences
    /// per step): the CPU joins a copy of the catalog as one more device, and the runs go through
    /// the same least-squares fit as imported GPU runs (`StepCurveFit`), T_half fixed at the
    /// stack's value.
    /// - Throws: `PlanCoreError` from the fit, `ValidateError` when the catalog cannot be read.
    public static func fit(setup: ValidationSetup, stack: SoftwareStack, sizes: [Int], stepSeconds: [Double], peakFlopsPerSecond: Double,
                           memoryBytesPerSecond: Double, memoryBytes: Double) throws -> Result {
        let s = setup.config.sequenceLength
        var catalog: Catalog
        do { catalog = try Catalog.bundled() } catch { throw ValidateError.invalidArgument("\(error)") }
        let deviceName = "this-cpu"
        catalog.gpus[deviceName] = device(name: deviceName, peakFlopsPerSecond: peakFlopsPerSecond, memoryBytesPerSecond: memoryBytesPerSecond,
                                          memoryBytes: memoryBytes, watts: 0, curve: nil)
        catalog.stacks[stack.name] = stack
        let runs = zip(sizes, stepSeconds).map { size, seconds -> MeasuredRun in
            var spec = JobSpec(model: setup.architecture.name)
            spec.rank = setup.rank
            spec.targets = setup.finetune.targets
            spec.gpu = deviceName
            spec.microBatch = size
            spec.sequenceLength = s
            spec.stack = stack.name
            return MeasuredRun(source: "plan calibrate step at \(size) sequences", format: .timedSteps, spec: spec,
                               architecture: setup.architecture, tokensPerSecondPerGPU: Double(size * s) / seconds)
        }
        let fit = try StepCurveFit.fit(runs, catalog: catalog, fixed: [.halfEfficiencyTokens])
        let points = zip(zip(sizes, stepSeconds), fit.runs).map { measured, row in
            Point(sequencesPerStep: measured.0, tokensPerStep: measured.0 * s, medianSeconds: measured.1, predictedSeconds: row.fittedStepSeconds)
        }
        return Result(curve: fit.curve, points: points)
    }
}
