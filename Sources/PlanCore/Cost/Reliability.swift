import Foundation

/// Failures and checkpoint-restart of training jobs (`hardware.reliability:`; docs/goodput.md).
/// Absent from a scenario → no failures (every figure as before); `plan estimate` always shows
/// the goodput of its job at these defaults.
public struct ReliabilitySettings: Sendable, Equatable {
    /// Unexpected interruptions per GPU-hour. Default from the Llama 3 report (Meta, 2024): 419
    /// unexpected interruptions in a 54-day snapshot of 16,384 H100s, 419 / (54 × 24 × 16,384)
    /// ≈ 1.97e-5 per GPU-hour (a mean time between failures of about 5.9 years per GPU, 2.6 h
    /// for the whole 16,384-GPU job).
    public var gpuFailuresPerHour: Double = Self.llama3FailuresPerGPUHour
    /// Checkpoint write bandwidth per node, GB/s (each node writes its shards in parallel).
    /// Default 2 GB/s: an assumption for a shared parallel file system client per node.
    public var storageGBPerSecondPerNode: Double = 2
    /// Restarting after a failure (rescheduling, start-up, restoring the checkpoint), in minutes;
    /// nil → the job's start-up (`overheads.job_startup_minutes`).
    public var restartMinutes: Double?
    /// Minutes between checkpoints; nil (`auto`) → the Young/Daly optimum for the job.
    public var checkpointIntervalMinutes: Double?

    public static let llama3FailuresPerGPUHour = 419.0 / (54 * 24 * 16_384)

    public init() {}
}

/// The expected running time of one training job under failures (Daly 2006).
public struct Goodput: Sendable, Equatable {
    /// Failure-free compute, in hours.
    public var workHours: Double
    /// Expected wall time with checkpoint writes, lost work and restarts, in hours.
    public var expectedHours: Double
    /// Expected interruptions during the job.
    public var expectedInterruptions: Double
    /// The checkpoint interval used, in minutes (the whole job when it needs none).
    public var checkpointIntervalMinutes: Double
    /// One checkpoint write, in minutes.
    public var checkpointMinutes: Double
    /// Interruptions per hour of the whole job (failures of its GPUs plus spot preemptions); 0 without.
    public var interruptionsPerHour: Double = 0
    /// Restarting after an interruption, in minutes.
    public var restartMinutes: Double = 0
    /// workHours / expectedHours (1 without failures).
    public var effectiveTrainingTimeRatio: Double { expectedHours > 0 ? workHours / expectedHours : 1 }

    /// No failures: the job takes its work.
    public static func none(workHours: Double) -> Goodput {
        Goodput(workHours: workHours, expectedHours: workHours, expectedInterruptions: 0, checkpointIntervalMinutes: workHours * 60,
                checkpointMinutes: 0)
    }

    /// A job of `workHours` failure-free compute on `gpus` GPUs (`gpusPerNode` per node) that
    /// checkpoints `checkpointBytes`, restarting in `restartMinutes` after each failure.
    ///
    /// Failures arrive as a Poisson process of rate λ = gpus × gpu_failures_per_hour (mean time
    /// between failures M = 1/λ). A checkpoint takes C = bytes / (nodes × storage bandwidth). The
    /// interval τ is given, or Daly's higher-order optimum τ = √(2CM)·[1 + ⅓√(C/2M) + C/18M] − C
    /// (Young's √(2CM) to first order) for C < 2M, else M. The expected wall time of work W in
    /// segments of τ, each followed by a checkpoint, with restart R after every failure, is
    /// Daly's T = M·e^{R/M}·(e^{(τ+C)/M} − 1)·W/τ; a job shorter than one interval writes no
    /// checkpoint (τ = W, C = 0 for it). Expected interruptions are T/M.
    ///
    /// `extraInterruptionsPerHour` adds interruptions of the whole job that cost the same as a
    /// failure (spot preemptions: `SpotSettings`), so the rate is λ = gpus × rate + extra.
    public static func expected(workHours: Double, gpus: Int, gpusPerNode: Int, checkpointBytes: Double, restartMinutes: Double,
                                settings: ReliabilitySettings, extraInterruptionsPerHour: Double = 0) -> Goodput {
        let rate = Double(max(gpus, 1)) * settings.gpuFailuresPerHour + max(extraInterruptionsPerHour, 0)
        guard workHours > 0, rate > 0 else { return .none(workHours: max(workHours, 0)) }
        let mtbf = 1 / rate
        let nodes = Double((max(gpus, 1) + max(gpusPerNode, 1) - 1) / max(gpusPerNode, 1))
        let checkpoint = checkpointBytes / (nodes * settings.storageGBPerSecondPerNode * 1e9) / 3600
        let restart = restartMinutes / 60
        var interval: Double
        if let minutes = settings.checkpointIntervalMinutes {
            interval = minutes / 60
        } else if checkpoint < 2 * mtbf {
            interval = (2 * checkpoint * mtbf).squareRoot() * (1 + (checkpoint / (2 * mtbf)).squareRoot() / 3 + checkpoint / (18 * mtbf)) - checkpoint
        } else {
            interval = mtbf
        }
        interval = max(interval, 1e-9)
        // A job that ends within one interval needs no checkpoint before it ends.
        let writes = interval < workHours
        let segment = writes ? interval : workHours
        let cost = writes ? checkpoint : 0
        let expected = mtbf * exp(restart / mtbf) * expm1((segment + cost) / mtbf) * workHours / segment
        guard expected.isFinite else {
            return Goodput(workHours: workHours, expectedHours: .infinity, expectedInterruptions: .infinity,
                           checkpointIntervalMinutes: segment * 60, checkpointMinutes: cost * 60, interruptionsPerHour: rate,
                           restartMinutes: restartMinutes)
        }
        return Goodput(workHours: workHours, expectedHours: expected, expectedInterruptions: expected / mtbf,
                       checkpointIntervalMinutes: segment * 60, checkpointMinutes: cost * 60, interruptionsPerHour: rate,
                       restartMinutes: restartMinutes)
    }

    /// Bytes a checkpoint of `job` writes: the trainable state (fp32 weights or master weights
    /// and two moments) plus, for full fine-tuning, the bf16 weights.
    public static func checkpointBytes(_ job: TrainingJob) -> Double {
        let state = MemoryModel.trainableState(job).optimizer
        return job.method == .full ? state + 2 * job.trainableParameters : state
    }
}
