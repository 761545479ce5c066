import Foundation
import PlanCore

/// A strategy's pool figures as the simulate document stores them (`pool`): the `PoolUsage`
/// figures that cannot be recomputed from the scenario. `usage(hardware:horizonDays:)` turns them
/// back into the `PoolUsage` the pool table renders.
public struct PoolRecord: Sendable, Equatable, Decodable {
    public var gpus: Int
    public var gpusPerJob: Int
    /// Absent in runs stored before usable GPUs were counted.
    public var usableGPUs: Int?
    public var pricing: String
    public var utilisation: Double
    public var busyGPUHours: Double
    public var peakQueueJobs: Int
    public var lastJobFinishedHours: Double
    public var maxUpdateLatencyHours: Double
    /// Absent in runs stored before the queue at the horizon's end was counted.
    public var queuedAtHorizonEnd: Int?
    public var backlogHours: Double?
    public var onDemandCostUSD: Double
    /// Stored only under reserved pricing.
    public var reservedCostUSD: Double?

    enum CodingKeys: String, CodingKey {
        case gpus, gpusPerJob = "gpus_per_job", usableGPUs = "usable_gpus", pricing, utilisation, busyGPUHours = "busy_gpu_hours", peakQueueJobs = "peak_queue_jobs"
        case lastJobFinishedHours = "last_job_finished_hours", maxUpdateLatencyHours = "max_update_latency_hours"
        case queuedAtHorizonEnd = "queued_at_horizon_end", backlogHours = "backlog_hours"
        case onDemandCostUSD = "on_demand_cost_usd", reservedCostUSD = "reserved_cost_usd"
    }

    /// A live pool's figures.
    init(_ pool: PoolUsage) {
        gpus = pool.poolGPUs
        gpusPerJob = pool.gpusPerJob
        usableGPUs = pool.usableGPUs
        pricing = pool.pricing.rawValue
        utilisation = pool.utilisation
        busyGPUHours = pool.busyGPUHours
        peakQueueJobs = pool.peakQueuedJobs
        lastJobFinishedHours = pool.lastFinishHours
        maxUpdateLatencyHours = pool.maxLatencyHours
        queuedAtHorizonEnd = pool.queuedAtHorizonEnd
        backlogHours = pool.backlogHours
        onDemandCostUSD = pool.onDemandCostUSD
        reservedCostUSD = pool.pricing == .reserved ? pool.reservedCostUSD : nil
    }

    /// The stored figures as a `PoolUsage`, with the horizon and reserved cost taken from the
    /// scenario when the run did not store them.
    public func usage(hardware: Hardware, horizonDays: Int) -> PoolUsage {
        var usage = PoolUsage(hardware: hardware, horizonDays: horizonDays, busyGPUHours: busyGPUHours, onDemandCostUSD: onDemandCostUSD,
                              peakQueuedJobs: peakQueueJobs, lastFinishHours: lastJobFinishedHours, maxLatencyHours: maxUpdateLatencyHours)
        usage.poolGPUs = gpus
        usage.gpusPerJob = gpusPerJob
        if let usableGPUs { usage.usableGPUs = usableGPUs }
        usage.queuedAtHorizonEnd = queuedAtHorizonEnd ?? 0
        usage.backlogHours = backlogHours ?? 0
        usage.utilisation = utilisation
        usage.pricing = Hardware.Pricing(rawValue: pricing) ?? hardware.pricing
        usage.reservedCostUSD = reservedCostUSD ?? usage.reservedCostUSD
        return usage
    }
}
