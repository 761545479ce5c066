import Dispatch
import PlanCore

/// The timings measurements and predictions share, so both sides of a comparison use the same
/// statistic (a merge job is the median of its repetitions, and so are the rates predicting it;
/// the median is PlanCore's `Statistics.median`).
enum TimingStatistics {

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
