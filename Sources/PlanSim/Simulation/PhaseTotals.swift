import Foundation
import PlanCore

/// Sums over a set of jobs (a phase, a build or a whole plan).
public struct PhaseTotals: Sendable, Equatable {
    public var gpuHours = 0.0
    /// Sum over the phase's builds of (deployed − triggered), in hours.
    public var wallClockHours = 0.0
    public var costUSD = 0.0
    public var energyKWh = 0.0
    public var co2Kg = 0.0
    public var trainedTokens = 0.0
    public var jobs = 0
    /// Merge jobs among `jobs`.
    public var mergeJobs = 0
    /// Training jobs' failure-free compute, GPU-hours (no start-up).
    public var trainingWorkGPUHours = 0.0
    /// The same jobs' expected running time with checkpoint writes, lost work and restarts
    /// (`hardware.reliability`; equal to the work without it), GPU-hours.
    public var trainingRunGPUHours = 0.0
    /// Expected interruptions of the training jobs.
    public var expectedInterruptions = 0.0
    /// Training jobs on spot capacity, on reserved capacity, and on-demand (kept off spot by
    /// its limits, or on-demand by choice); see `Capacity`.
    public var spotJobs = 0
    public var reservedJobs = 0
    public var onDemandJobs = 0
    /// GPU-hours of the spot jobs (start-up included).
    public var spotGPUHours = 0.0
    /// trainingWorkGPUHours / trainingRunGPUHours: the effective training time ratio (1 without failures).
    public var effectiveTrainingTimeRatio: Double { trainingRunGPUHours > 0 ? trainingWorkGPUHours / trainingRunGPUHours : 1 }

    public init() {}

    mutating func add(_ job: JobCost) {
        if job.kind == .merge { mergeJobs += 1 }
        add(gpuHours: job.gpuHours, usd: job.usd, kwh: job.kwh, co2Kg: job.co2Kg, trainedTokens: job.kind == .training ? job.tokens : nil)
    }

    /// The same from a job's figures (`trainedTokens` nil for merges and evaluations).
    mutating func add(gpuHours hours: Double, usd: Double, kwh: Double, co2Kg co2: Double, trainedTokens tokens: Double?) {
        gpuHours += hours
        costUSD += usd
        energyKWh += kwh
        co2Kg += co2
        if let tokens { trainedTokens += tokens }
        jobs += 1
    }

    public static func + (a: PhaseTotals, b: PhaseTotals) -> PhaseTotals {
        var sum = a
        sum.gpuHours += b.gpuHours
        sum.wallClockHours += b.wallClockHours
        sum.costUSD += b.costUSD
        sum.energyKWh += b.energyKWh
        sum.co2Kg += b.co2Kg
        sum.trainedTokens += b.trainedTokens
        sum.jobs += b.jobs
        sum.mergeJobs += b.mergeJobs
        sum.trainingWorkGPUHours += b.trainingWorkGPUHours
        sum.trainingRunGPUHours += b.trainingRunGPUHours
        sum.expectedInterruptions += b.expectedInterruptions
        sum.spotJobs += b.spotJobs
        sum.reservedJobs += b.reservedJobs
        sum.onDemandJobs += b.onDemandJobs
        sum.spotGPUHours += b.spotGPUHours
        return sum
    }
}

/// Update latency: hours from data arrival to the deployed model that includes it.
public struct LatencySummary: Sendable, Equatable {
    public var meanHours: Double
    public var p90Hours: Double
    public var count: Int

    public init(meanHours: Double, p90Hours: Double, count: Int) {
        self.meanHours = meanHours
        self.p90Hours = p90Hours
        self.count = count
    }

    /// Mean and 90th percentile (linear interpolation between order statistics); zeros when empty.
    public init(_ samples: [Double]) {
        guard !samples.isEmpty else {
            self.init(meanHours: 0, p90Hours: 0, count: 0)
            return
        }
        self.init(meanHours: samples.reduce(0, +) / Double(samples.count),
                  p90Hours: Percentile.of(samples.sorted(), 0.9), count: samples.count)
    }
}

/// Percentiles of sorted samples.
public enum Percentile {
    /// The `q` quantile (0…1) of `sorted`, interpolating linearly between order statistics
    /// (numpy's default "linear" method).
    public static func of(_ sorted: [Double], _ q: Double) -> Double {
        guard let first = sorted.first else { return 0 }
        guard sorted.count > 1 else { return first }
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}

/// Cumulative cost at the end of a day.
public struct DailyPoint: Sendable, Equatable {
    public var day: Int
    public var gpuHours: Double
    public var costUSD: Double

    public init(day: Int, gpuHours: Double, costUSD: Double) {
        (self.day, self.gpuHours, self.costUSD) = (day, gpuHours, costUSD)
    }
}
