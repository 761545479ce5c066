import Foundation

/// The capacity market training jobs run on (`hardware.capacity`, a strategy entry's
/// `capacity`; docs/goodput.md). Merges and evaluations, short and on the deployment's critical
/// path, run on-demand unless the capacity is reserved.
public enum Capacity: String, Sendable, Equatable, CaseIterable {
    /// Busy GPU-hours at `hardware.usd_per_gpu_hour`, never preempted (the default).
    case onDemand = "on-demand"
    /// Every job's busy GPU-hours at `hardware.reserved_usd_per_gpu_hour` (a committed-use
    /// discount), never preempted.
    case reserved
    /// Training jobs at `hardware.spot.usd_per_gpu_hour`, preempted at
    /// `spot.preemptions_per_hour` per node and restarted like a failure; jobs past
    /// `spot.max_job_hours` or `spot.max_gpus_per_job` run on-demand.
    case spot
}

/// `hardware.spot:` the spot market's price, preemption rate and the jobs kept off it.
public struct SpotSettings: Sendable, Equatable {
    /// Price of a spot GPU-hour.
    public var usdPerGPUHour: Double
    /// Preemptions per node-hour (a job on n nodes is preempted n times as often). Each costs
    /// the work since the last checkpoint and a restart, as a failure does.
    public var preemptionsPerHour: Double
    /// Jobs whose failure-free wall time (work and start-up) exceeds this many hours run
    /// on-demand; nil → no limit.
    public var maxJobHours: Double?
    /// Jobs on more GPUs than this run on-demand; nil → no limit.
    public var maxGPUsPerJob: Int?

    public init(usdPerGPUHour: Double, preemptionsPerHour: Double, maxJobHours: Double? = nil, maxGPUsPerJob: Int? = nil) {
        self.usdPerGPUHour = usdPerGPUHour
        self.preemptionsPerHour = preemptionsPerHour
        self.maxJobHours = maxJobHours
        self.maxGPUsPerJob = maxGPUsPerJob
    }

    /// Whether a training job of `wallHours` failure-free wall time on `gpus` GPUs may run on spot.
    public func admits(wallHours: Double, gpus: Int) -> Bool {
        (maxJobHours.map { wallHours <= $0 } ?? true) && (maxGPUsPerJob.map { gpus <= $0 } ?? true)
    }
}
