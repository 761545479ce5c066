import Dispatch

/// The statistics measurements and predictions share, so both sides of a comparison use the
/// same one (a merge job is the median of its repetitions, and so are the rates predicting it).
enum TimingStatistics {
    /// The median of `values` (the mean of the middle two for an even count; 0 for none).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Seconds of each of `repetitions` runs of `body`, after `untimed` runs that are not timed.
    static func seconds(_ repetitions: Int, untimed: Int = 0, _ body: () throws -> Void) rethrows -> [Double] {
        for _ in 0..<untimed { try body() }
        var times: [Double] = []
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return times
    }
}
