import Dispatch

/// Wall-clock timing for benchmarks (PlanKernels may read the clock; the simulation may not).
public enum Stopwatch {
    /// Seconds taken by `body`.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The best (smallest) of `repetitions` timings of `body`.
    static func best(of repetitions: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<max(1, repetitions) { best = min(best, try seconds(body)) }
        return best
    }

    /// The lower quartile of `repetitions` (at least 1) timings of `body`, after one untimed
    /// warm-up run: on a shared machine a burst of other work only ever slows a run down, so the
    /// fast end of the distribution is the machine's undisturbed rate; the quartile (not the
    /// minimum) keeps one lucky run from setting it.
    public static func lowerQuartile(of repetitions: Int, _ body: () throws -> Void) rethrows -> Double {
        try body()
        var times: [Double] = []
        for _ in 0..<max(1, repetitions) { times.append(try seconds(body)) }
        return lowerQuartile(times)
    }

    /// The element a quarter of the way up the sorted `values` (the mean of one or two values).
    public static func lowerQuartile(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard sorted.count > 2 else { return sorted.reduce(0, +) / Double(max(1, sorted.count)) }
        return sorted[sorted.count / 4]
    }
}
