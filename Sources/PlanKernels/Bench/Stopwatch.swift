import Dispatch

/// Wall-clock timing for benchmarks (PlanKernels may read the clock; the simulation may not).
enum Stopwatch {
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
}
