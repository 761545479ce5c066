import Dispatch
import PlanCore
import PlanKernels

/// Times real training steps of the validation transformer at several micro-batch sizes — none of
/// them the size `plan validate` runs, so the validation tests the model rather than replaying
/// the measurement — and fits the CPU device's `StepCurve` with `StepCurveFit` (the planning
/// step-time model itself as the forward model).
///
/// Each size's figure is the median over rounds of a block's mean step (after two untimed steps): steps run in
/// situ, with the step's own activations pushing the weights out of cache as in a job, and a
/// median is what a job of many steps averages to on a shared machine (a lower quartile would
/// predict the quietest moments).
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

    /// Times the sizes and fits the curve for a CPU with these peak and bandwidth figures.
    /// - Throws: `KernelError` from the kernels, `PlanCoreError` from the fit.
    public static func run(setup: ValidationSetup, stack: SoftwareStack, peakFlopsPerSecond: Double,
                           memoryBytesPerSecond: Double, memoryBytes: Double) throws -> Result {
        let corpus = try SyntheticCorpus(task: setup.task)
        let s = setup.config.sequenceLength
        let sizes = sizes(for: setup)
        let timedSteps = max(3, setup.calibrationRepetitions)
        let largest = sizes.max() ?? 1
        let needed = largest * (timedSteps + 2)
        let perSequence = max(1, s / max(1, setup.task.tokensPerExample))
        let examples = corpus.examples(language: 0, split: .train, count: needed * perSequence + perSequence)
        let packed = try PackedSequences(examples: examples, sequenceLength: s)
        // One tuner per size; the sizes take turns in rounds so that a burst of load on a shared
        // machine reaches all of them alike, and each size's figure is the median of all its steps.
        let rounds = 3
        var tuners: [FineTuner] = []
        var batches: [[TokenBatch]] = []
        var times = [[Double]](repeating: [], count: sizes.count)
        for size in sizes {
            tuners.append(try FineTuner(
                config: setup.config, mode: setup.mode, sequencesPerStep: size, baseSeed: setup.seed,
                adapterSeed: setup.seed + 11, optimizer: AdamW(learningRate: setup.learningRate)))
            batches.append(try packed.batches(size: size, shuffleSeed: setup.seed))
        }
        for (index, tuner) in tuners.enumerated() {
            for step in 0..<2 { try tuner.train(batches[index][step % batches[index].count]) }  // untimed warm-up
        }
        // Each turn times a block of consecutive steps as a whole (seconds / steps), as a job's
        // time is measured: short bursts of single steps ran ~10% faster than the jobs they
        // predict (a sustained run holds lower clocks and evicts more cache than a burst).
        var position = 0
        let block = max(2, timedSteps)
        for _ in 0..<rounds {
            for (index, tuner) in tuners.enumerated() {
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<block {
                    try tuner.train(batches[index][position % batches[index].count])
                    position += 1
                }
                times[index].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(block))
            }
        }
        let medians: [(Int, Double)] = zip(sizes, times).map { size, values in
            let sorted = values.sorted()
            return (size, sorted[sorted.count / 2])
        }
        // The CPU joins a copy of the catalog as one more device, and the runs go through the same
        // least-squares fit as imported GPU runs (`StepCurveFit`).
        var catalog: Catalog
        do { catalog = try Catalog.bundled() } catch { throw ValidateError.invalidArgument("\(error)") }
        let deviceName = "this-cpu"
        catalog.gpus[deviceName] = device(name: deviceName, peakFlopsPerSecond: peakFlopsPerSecond, memoryBytesPerSecond: memoryBytesPerSecond,
                                          memoryBytes: memoryBytes, watts: 0, curve: nil)
        catalog.stacks[stack.name] = stack
        let runs = medians.map { size, seconds -> MeasuredRun in
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
        let points = zip(medians, fit.runs).map { measured, row in
            Point(sequencesPerStep: measured.0, tokensPerStep: measured.0 * s, medianSeconds: measured.1, predictedSeconds: row.fittedStepSeconds)
        }
        return Result(curve: fit.curve, points: points)
    }
}
