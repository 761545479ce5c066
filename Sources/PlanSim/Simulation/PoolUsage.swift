import Foundation
import PlanCore

/// How one strategy used the GPU pool over the horizon, and what the pool costs under either
/// pricing.
///
/// Utilisation is busy GPU-hours / (pool GPUs × horizon hours); it exceeds 1 when the
/// strategy's work needs more GPU-hours than the pool holds in the horizon. A pool is
/// *saturated* when it cannot keep up: utilisation above 1, or an update waiting longer than
/// the whole horizon to be deployed (the queue grows faster than the pool drains it).
public struct PoolUsage: Sendable, Equatable {
    public var poolGPUs: Int
    /// GPUs each of this strategy's training and evaluation jobs uses (merges use one).
    public var gpusPerJob: Int
    public var horizonHours: Double
    public var busyGPUHours: Double
    public var utilisation: Double
    /// The most jobs waiting for GPUs at once.
    public var peakQueuedJobs: Int
    /// Hours from day 0 until the strategy's last job finished (may lie past the horizon).
    public var lastFinishHours: Double
    /// The longest update latency, in hours.
    public var maxLatencyHours: Double
    public var saturated: Bool
    public var pricing: Hardware.Pricing
    /// Busy GPU-hours at `usd_per_gpu_hour` (the tables' cost).
    public var onDemandCostUSD: Double
    /// Every pool GPU for the whole horizon at `usd_per_gpu_hour`, busy or idle.
    public var reservedCostUSD: Double

    /// The cost under the scenario's pricing.
    public var costUSD: Double { pricing == .reserved ? reservedCostUSD : onDemandCostUSD }

    public init(hardware: Hardware, horizonDays: Int, busyGPUHours: Double, onDemandCostUSD: Double, peakQueuedJobs: Int,
                lastFinishHours: Double, maxLatencyHours: Double) {
        poolGPUs = hardware.poolGPUs
        gpusPerJob = hardware.gpusPerJob
        horizonHours = Double(horizonDays) * 24
        self.busyGPUHours = busyGPUHours
        let capacity = Double(hardware.poolGPUs) * horizonHours
        utilisation = capacity > 0 ? busyGPUHours / capacity : 0
        self.peakQueuedJobs = peakQueuedJobs
        self.lastFinishHours = lastFinishHours
        self.maxLatencyHours = maxLatencyHours
        saturated = utilisation > 1 || maxLatencyHours > horizonHours
        pricing = hardware.pricing
        self.onDemandCostUSD = onDemandCostUSD
        reservedCostUSD = capacity * hardware.usdPerGPUHour
    }
}
