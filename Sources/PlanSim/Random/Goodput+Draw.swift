import Foundation
import PlanCore
import PlanRandom

/// Drawn interruptions of one training job (Monte Carlo; docs/goodput.md).
extension Goodput {
    /// Expected interruptions above which a draw returns the expectation instead (the draw's
    /// work grows with the interruptions; at this many their count spreads by about 1% of its mean).
    public static let drawLimit = 10_000.0

    /// One draw of the job's running time under the failure process `expected` prices: the work
    /// runs in segments of the checkpoint interval, each followed by its checkpoint write;
    /// interruptions arrive as a Poisson process at `interruptionsPerHour`; one during a segment
    /// loses the segment so far (an exponential time truncated to the segment) and costs a
    /// restart, which may itself be interrupted; the segment then runs again. The last segment
    /// holds what remains of the work after whole intervals. The mean over draws is Daly's
    /// closed form (exactly when the work is a whole number of intervals).
    ///
    /// - Returns: hours and interruptions; the expectation itself without failures, or past
    ///   `drawLimit` expected interruptions.
    /// - Complexity: O(interruptions): runs of uninterrupted segments are skipped by drawing
    ///   their length (geometric).
    public func drawn(rng: inout Xoshiro256StarStar) -> (hours: Double, interruptions: Double) {
        let rate = interruptionsPerHour
        guard rate > 0, workHours > 0, expectedHours.isFinite, expectedInterruptions <= Self.drawLimit else {
            return (expectedHours, expectedInterruptions)
        }
        let interval = checkpointIntervalMinutes / 60
        let checkpoint = checkpointMinutes / 60
        let restart = restartMinutes / 60
        var whole = (workHours / interval).rounded(.down)
        var remainder = workHours - whole * interval
        if remainder <= interval * 1e-9 { remainder = 0 }
        if whole == 0 && remainder == 0 { whole = 1 }
        var hours = 0.0
        var interruptions = 0.0
        Self.segments(whole, length: interval + checkpoint, restart: restart, rate: rate, rng: &rng, hours: &hours, interruptions: &interruptions)
        if remainder > 0 {
            Self.segments(1, length: remainder + checkpoint, restart: restart, rate: rate, rng: &rng, hours: &hours, interruptions: &interruptions)
        }
        return (hours, interruptions)
    }

    /// Runs `count` segments of `length` hours to completion, adding the time and interruptions.
    private static func segments(_ count: Double, length: Double, restart: Double, rate: Double, rng: inout Xoshiro256StarStar,
                                 hours: inout Double, interruptions: inout Double) {
        var remaining = count
        // A segment completes with probability e^{-λ·length}.
        let logSuccess = -rate * length
        while remaining > 0 {
            // Segments completed before the next interruption: geometric, P(≥ k) = e^{-λ·length·k}.
            let completed = (log1p(-rng.unit()) / logSuccess).rounded(.down)
            if !(completed < remaining) {
                hours += remaining * length
                return
            }
            hours += completed * length
            remaining -= completed
            hours += truncatedExponential(rate: rate, below: length, rng: &rng)
            interruptions += 1
            // The restart runs again while an interruption cuts it short.
            while true {
                let next = rng.exponential(rate: rate)
                if next >= restart {
                    hours += restart
                    break
                }
                hours += next
                interruptions += 1
            }
        }
    }

    /// An exponential time of `rate` conditioned on being below `limit` (inverse CDF).
    private static func truncatedExponential(rate: Double, below limit: Double, rng: inout Xoshiro256StarStar) -> Double {
        let mass = -expm1(-rate * limit)
        return min(-log1p(-rng.unit() * mass) / rate, limit)
    }
}
