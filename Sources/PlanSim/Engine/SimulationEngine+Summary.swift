import Foundation
import PlanCore

/// Totals and latency of a scheduled plan.
extension SimulationEngine {
    /// Phase totals (a build's wall clock runs from its trigger to its last job's finish) and
    /// update latency (hours from each arrival to the deployed build that ships it) of the
    /// strategy just planned and scheduled.
    mutating func summarise(_ kind: StrategyKind) -> Outcome {
        var outcome = Outcome(kind: kind)
        latencies.removeAll(keepingCapacity: true)
        let finish = pool.finish
        var first = 0
        for build in builds.indices {
            let end = builds[build].jobEnd
            let step = builds[build].step
            let buildDay = step >= 0 ? stepDay[step] : 0
            var deployed = finish[first]
            for j in (first + 1)..<max(end, first + 1) where deployed < finish[j] { deployed = finish[j] }
            deployed += deployHours
            var totals = builds[build].totals
            totals.wallClockHours = deployed - buildDay * 24
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
                outcome.maintenance = outcome.maintenance + totals
            } else {
                outcome.initial = outcome.initial + totals
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
        var total = PhaseTotals()
        for build in builds { total = total + build.totals }
        return (total.gpuHours, total.costUSD)
    }

    /// `LatencySummary(samples)`: the mean in sample order, the p90 from the order statistics
    /// at ranks ⌊0.9(n−1)⌋ and the next one, found with a min-heap of the k = n − ⌊0.9(n−1)⌋
    /// largest samples (its root is the lower statistic, the smaller of the root's children the
    /// upper): n comparisons with the root, mostly predicted, and O(k log k · log(n/k)) sifts.
    /// The same values a sort gives. Reorders `samples`.
    static func summary(_ samples: inout [Double]) -> LatencySummary {
        let n = samples.count
        guard n > 0 else { return LatencySummary(meanHours: 0, p90Hours: 0, count: 0) }
        let mean = samples.reduce(0, +) / Double(n)
        guard n > 1 else { return LatencySummary(meanHours: mean, p90Hours: samples[0], count: 1) }
        let position = 0.9 * Double(n - 1)
        let lower = Int(position.rounded(.down))
        let fraction = position - Double(lower)
        let k = n - lower
        let (low, high) = samples.withUnsafeMutableBufferPointer { heap -> (Double, Double) in
            for parent in stride(from: k / 2 - 1, through: 0, by: -1) { siftDown(heap, from: parent, count: k) }
            for i in k..<n where heap[i] > heap[0] {
                heap[0] = heap[i]
                siftDown(heap, from: 0, count: k)
            }
            guard k > 1 else { return (heap[0], heap[0]) }
            return (heap[0], k > 2 ? min(heap[1], heap[2]) : heap[1])
        }
        return LatencySummary(meanHours: mean, p90Hours: low + (high - low) * fraction, count: n)
    }

    /// Restores the min-heap order of `heap[0..<count]` below `start`.
    @inline(__always) private static func siftDown(_ heap: UnsafeMutableBufferPointer<Double>, from start: Int, count: Int) {
        let element = heap[start]
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let right = left + 1
            let smaller = right < count && heap[right] < heap[left] ? right : left
            guard heap[smaller] < element else { break }
            heap[parent] = heap[smaller]
            parent = smaller
        }
        heap[parent] = element
    }
}
