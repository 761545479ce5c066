import Dispatch
import PlanKernels

/// One training job that can advance a few optimizer steps at a time, so several jobs can run
/// interleaved and each still gets its own wall time (the sum of its own chunks).
///
/// A job's time covers its steps and its data pipeline (each epoch's shuffled batches are built
/// when the job reaches the epoch, inside its timed chunk).
final class TrainingRun {
    let name: String
    let tuner: FineTuner
    let packed: PackedSequences
    let epochs: Int
    let seed: UInt64
    /// Optimizer steps in the whole job.
    let totalSteps: Int
    private(set) var stepsDone = 0
    private(set) var seconds = 0.0
    /// When the job's first chunk started and its last ended (uptime, ns).
    private(set) var firstStart: UInt64?
    private(set) var lastEnd: UInt64 = 0
    private var epoch = 0
    private var batches: [TokenBatch] = []
    private var position = 0

    /// A job training a fresh adapter (restarted from `seed`) on `packed` for `epochs` epochs.
    init(name: String, tuner: FineTuner, mode: TrainingMode, packed: PackedSequences, epochs: Int, seed: UInt64) throws {
        self.name = name
        self.tuner = tuner
        self.packed = packed
        self.epochs = epochs
        self.seed = seed
        let perEpoch = (packed.count + tuner.sequencesPerStep - 1) / tuner.sequencesPerStep
        totalSteps = perEpoch * epochs
        try tuner.restart(mode: mode, seed: seed)
    }

    /// Runs steps until `target` steps are done, adding the time taken to `seconds`.
    func advance(to target: Int) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        if firstStart == nil { firstStart = start }
        while stepsDone < min(target, totalSteps) {
            if position == batches.count {
                batches = try packed.batches(size: tuner.sequencesPerStep, shuffleSeed: seed &+ UInt64(epoch))
                epoch += 1
                position = 0
            }
            try tuner.train(batches[position])
            position += 1
            stepsDone += 1
        }
        lastEnd = DispatchTime.now().uptimeNanoseconds
        seconds += Double(lastEnd - start) / 1e9
    }

    /// Runs `runs` to completion in proportional rounds: in each of R = min(steps) rounds, job j
    /// advances to ⌊(round + 1) · steps_j / R⌋ steps, so all progress together and slow drifts of
    /// a shared machine reach each of them alike.
    static func interleave(_ runs: [TrainingRun]) throws {
        let rounds = max(1, runs.map(\.totalSteps).min() ?? 1)
        for round in 0..<rounds {
            for run in runs { try run.advance(to: (round + 1) * run.totalSteps / rounds) }
        }
    }
}
