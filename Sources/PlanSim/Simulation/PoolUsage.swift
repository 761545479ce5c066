import Foundation
import PlanCore

/// How one strategy used the GPU pool over the horizon, and what the pool costs under either
/// pricing.
///
/// Utilisation is busy GPU-hours / (usable GPUs × horizon hours), where usable GPUs are the
/// pool's GPUs that whole jobs can occupy at once (8 GPUs hold two 3-GPU jobs: 6 usable); it
/// exceeds 1 when the strategy's work needs more GPU-hours than those GPUs hold in the horizon.
/// A pool is *saturated* when it cannot keep up: utilisation above 1; a backlog at the end of
/// the horizon — a job ready for GPUs for more than `backlogFraction` of the horizon and still
/// waiting when it ends (a burst of work released just before the end is not a backlog); or an
/// update waiting longer than the whole horizon to be deployed.
public struct PoolUsage: Sendable, Equatable {
    public var poolGPUs: Int
    /// GPUs each of this strategy's training and evaluation jobs uses (merges use one).
    public var gpusPerJob: Int
    /// Pool GPUs that whole jobs of `gpusPerJob` GPUs can use at once.
    public var usableGPUs: Int
    public var horizonHours: Double
    public var busyGPUHours: Double
    public var utilisation: Double
    /// The most jobs waiting for GPUs at once.
    public var peakQueuedJobs: Int
    /// Hours from day 0 until the strategy's last job finished (may lie past the horizon).
    public var lastFinishHours: Double
    /// The longest update latency, in hours.
    public var maxLatencyHours: Double
    /// Jobs ready by the end of the horizon (released, the jobs they wait for done) that had not started by then.
    public var queuedAtHorizonEnd: Int
    /// How long the longest-waiting of those had waited when the horizon ended, in hours.
    public var backlogHours: Double
    public var saturated: Bool
    public var pricing: Hardware.Pricing
    /// Busy GPU-hours at `usd_per_gpu_hour` (the tables' cost).
    public var onDemandCostUSD: Double
    /// Every pool GPU for the whole horizon at `reserved_usd_per_gpu_hour`, busy or idle.
    public var reservedCostUSD: Double

    /// GPUs of a `pool` that whole jobs of `gpusPerJob` GPUs can occupy at once.
    public static func usableGPUs(pool: Int, gpusPerJob: Int) -> Int {
        pool - pool % max(1, min(gpusPerJob, pool))
    }

    /// A backlog counts as saturation once its oldest job has waited this share of the horizon.
    public static let backlogFraction = 0.1

    /// Whether a pool with these figures cannot keep up (see the type's documentation).
    public static func isSaturated(utilisation: Double, backlogHours: Double, maxLatencyHours: Double, horizonHours: Double) -> Bool {
        utilisation > 1 || backlogHours > backlogFraction * horizonHours || maxLatencyHours > horizonHours
    }

    /// The cost under the scenario's pricing.
    public var costUSD: Double { pricing == .reserved ? reservedCostUSD : onDemandCostUSD }

    public init(hardware: Hardware, horizonDays: Int, busyGPUHours: Double, onDemandCostUSD: Double, peakQueuedJobs: Int,
                lastFinishHours: Double, maxLatencyHours: Double, queuedAtHorizonEnd: Int = 0, backlogHours: Double = 0) {
        poolGPUs = hardware.poolGPUs
        gpusPerJob = hardware.gpusPerJob
        usableGPUs = Self.usableGPUs(pool: hardware.poolGPUs, gpusPerJob: hardware.gpusPerJob)
        horizonHours = Double(horizonDays) * 24
        self.busyGPUHours = busyGPUHours
        let usable = Double(usableGPUs) * horizonHours
        utilisation = usable > 0 ? busyGPUHours / usable : 0
        self.peakQueuedJobs = peakQueuedJobs
        self.lastFinishHours = lastFinishHours
        self.maxLatencyHours = maxLatencyHours
        self.queuedAtHorizonEnd = queuedAtHorizonEnd
        self.backlogHours = backlogHours
        let capacity = Double(hardware.poolGPUs) * horizonHours
        saturated = Self.isSaturated(utilisation: utilisation, backlogHours: backlogHours, maxLatencyHours: maxLatencyHours,
                                     horizonHours: horizonHours)
        pricing = hardware.pricing
        self.onDemandCostUSD = onDemandCostUSD
        reservedCostUSD = capacity * hardware.reservedRate
    }
}
