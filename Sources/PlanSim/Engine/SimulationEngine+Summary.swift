import Foundation
import PlanCore

/// Totals and latency of a scheduled plan.
extension SimulationEngine {
    /// Phase totals (summed by `plan`; here each build's wall clock, from its trigger to its
    /// deployment) and update latency (hours from each arrival to the deployed build that
    /// ships it) of the strategy just planned and scheduled.
    mutating func summarise(_ kind: StrategyKind) -> Outcome {
        var outcome = Outcome(kind: kind, initial: state.initial, maintenance: state.maintenance)
        // One latency per arrival at most; the buffer is only grown (written before read).
        if latencies.count < day.count { latencies.append(contentsOf: repeatElement(0, count: day.count - latencies.count)) }
        var count = 0
        var sum = 0.0
        let (finish, jobs, deployHours) = (pool.finish, pool.jobs, self.deployHours)
        var first = 0
        for build in builds {
            let end = build.jobEnd
            let step = build.step
            let buildDay = step >= 0 ? stepDay[step] : 0
            // A build's last job that waits for anything is its merge (after every training
            // job) or its evaluation (after the merge or every training job), so it finishes
            // last; a build of training jobs alone ends with the latest of them.
            var deployed = finish[max(end - 1, first)]
            if end - first > 1 && jobs[end - 1].dependencies == 0 {
                deployed = finish[first]
                for j in (first + 1)..<end where deployed < finish[j] { deployed = finish[j] }
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
                        sum += latency
                        latencies[count] = latency
                        count += 1
                    }
                }
                outcome.maintenance.wallClockHours += wallClockHours
            } else {
                outcome.initial.wallClockHours += wallClockHours
            }
            first = end
        }
        outcome.latency = latencies.withUnsafeMutableBufferPointer {
            Self.summary(UnsafeMutableBufferPointer(rebasing: $0[0..<count]), sum: sum)
        }
        outcome.peakQueuedJobs = pool.peakQueuedJobs
        (outcome.queuedAtHorizonEnd, outcome.backlogHours) = (pool.queuedAtHorizon, pool.longestWaitAtHorizon)
        return outcome
    }

    /// GPU-hours and dollars of every job of the strategy just planned (any pool size).
    func plannedTotals() -> (gpuHours: Double, costUSD: Double) {
        let total = state.initial + state.maintenance
        return (total.gpuHours, total.costUSD)
    }

    /// `LatencySummary(samples)` from the samples and their sum (added in sample order): the
    /// p90 by selection (the same order statistics a sort gives). Reorders `samples`.
    static func summary(_ samples: UnsafeMutableBufferPointer<Double>, sum: Double) -> LatencySummary {
        let n = samples.count
        guard n > 0 else { return LatencySummary(meanHours: 0, p90Hours: 0, count: 0) }
        let mean = sum / Double(n)
        guard n > 1 else { return LatencySummary(meanHours: mean, p90Hours: samples[0], count: 1) }
        let position = 0.9 * Double(n - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, n - 1)
        let fraction = position - Double(lower)
        floydRivest(samples, left: 0, right: n - 1, k: lower)
        let low = samples[lower]
        var high = low
        if upper > lower {
            high = samples[upper]
            for i in (lower + 1)..<n where samples[i] < high { high = samples[i] }
        }
        return LatencySummary(meanHours: mean, p90Hours: low + (high - low) * fraction, count: n)
    }

    /// Places the `k`-th smallest of `a[left...right]` at `k` (Floyd & Rivest's SELECT, CACM 18(3), 1975: above 600
    /// elements the pivot is first placed at `k` by selecting within a sample-sized window
    /// around it, so the partition that follows is close to final and its comparisons are
    /// mostly predicted: about n + min(k, n − k) comparisons instead of Hoare's ~3n);
    /// afterwards everything from `k + 1` on is at least that value.
    static func floydRivest(_ a: UnsafeMutableBufferPointer<Double>, left: Int, right: Int, k: Int) {
        var left = left
        var right = right
        while right > left {
            if right - left > 600 {
                let n = Double(right - left + 1)
                let i = Double(k - left + 1)
                let z = log(n)
                let sample = 0.5 * exp(2 * z / 3)
                let deviation = 0.5 * (z * sample * (n - sample) / n).squareRoot() * (i - n / 2 < 0 ? -1 : 1)
                let newLeft = max(left, Int(Double(k) - i * sample / n + deviation))
                let newRight = min(right, Int(Double(k) + (n - i) * sample / n + deviation))
                floydRivest(a, left: newLeft, right: newRight, k: k)
            }
            let pivot = a[k]
            var i = left
            var j = right
            a.swapAt(left, k)
            if a[right] > pivot { a.swapAt(right, left) }
            while i < j {
                a.swapAt(i, j)
                i += 1
                j -= 1
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
            }
            if a[left] == pivot {
                a.swapAt(left, j)
            } else {
                j += 1
                a.swapAt(j, right)
            }
            if j <= k { left = j + 1 }
            if k <= j { right = j - 1 }
        }
    }
}
