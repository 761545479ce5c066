import Foundation
import PlanCore

/// Totals and latency of a scheduled plan.
extension SimulationEngine {
    /// Phase totals (summed by `plan`; here each build's wall clock, from its trigger to its
    /// deployment) and update latency (hours from each arrival to the deployed build that
    /// ships it) of the strategy just planned and scheduled.
    mutating func summarise(_ kind: StrategyKind) -> Outcome {
        var outcome = Outcome(kind: kind, initial: state.initial, maintenance: state.maintenance)
        latencies.removeAll(keepingCapacity: true)
        let finish = pool.finish
        var first = 0
        for build in builds.indices {
            let end = builds[build].jobEnd
            let step = builds[build].step
            let buildDay = step >= 0 ? stepDay[step] : 0
            var deployed = finish[max(end - 1, first)]
            if !builds[build].lastJobEndsBuild {
                deployed = finish[first]
                for j in (first + 1)..<max(end, first + 1) where deployed < finish[j] { deployed = finish[j] }
            }
            deployed += deployHours
            let wallClockHours = deployed - buildDay * 24
            if deployed > outcome.lastFinishHours { outcome.lastFinishHours = deployed }
            if step >= 0 {
                let trigger = stepTrigger[step]
                if trigger >= 0 {
                    let from = trigger > 0 ? triggerEnd[trigger - 1] : 0
                    for a in from..<triggerEnd[trigger] {
                        let latency = deployed - day[a] * 24
                        if latency > outcome.maxLatencyHours { outcome.maxLatencyHours = latency }
                        latencies.append(latency)
                    }
                }
                outcome.maintenance.wallClockHours += wallClockHours
            } else {
                outcome.initial.wallClockHours += wallClockHours
            }
            first = end
        }
        outcome.latency = Self.summary(&latencies)
        outcome.peakQueuedJobs = pool.peakQueuedJobs
        (outcome.queuedAtHorizonEnd, outcome.backlogHours) = (pool.queuedAtHorizon, pool.longestWaitAtHorizon)
        return outcome
    }

    /// GPU-hours and dollars of every job of the strategy just planned (any pool size).
    func plannedTotals() -> (gpuHours: Double, costUSD: Double) {
        let total = state.initial + state.maintenance
        return (total.gpuHours, total.costUSD)
    }

    /// `LatencySummary(samples)`: the mean in sample order, the p90 by selection (the same
    /// order statistics a sort gives). Reorders `samples`.
    static func summary(_ samples: inout [Double]) -> LatencySummary {
        let n = samples.count
        guard n > 0 else { return LatencySummary(meanHours: 0, p90Hours: 0, count: 0) }
        let mean = samples.reduce(0, +) / Double(n)
        guard n > 1 else { return LatencySummary(meanHours: mean, p90Hours: samples[0], count: 1) }
        let position = 0.9 * Double(n - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, n - 1)
        let fraction = position - Double(lower)
        let low = select(&samples, lower)
        var high = low
        if upper > lower {
            high = samples[upper]
            for i in (lower + 1)..<n where samples[i] < high { high = samples[i] }
        }
        return LatencySummary(meanHours: mean, p90Hours: low + (high - low) * fraction, count: n)
    }

    /// The `k`-th smallest of `values` (Wirth's selection: Hoare partitions around the
    /// current k-th element, which stop on equal keys, so runs of ties stay O(n)); afterwards
    /// everything from `k + 1` on is at least that value.
    static func select(_ values: inout [Double], _ k: Int) -> Double {
        values.withUnsafeMutableBufferPointer { a in
            var low = 0
            var high = a.count - 1
            while low < high {
                let pivot = a[k]
                var i = low
                var j = high
                repeat {
                    while a[i] < pivot { i += 1 }
                    while pivot < a[j] { j -= 1 }
                    if i <= j {
                        a.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                } while i <= j
                if j < k { low = i }
                if k < i { high = j }
            }
            return a[k]
        }
    }
}
