import Foundation
import PlanCore
import PlanRandom

/// First-order and total-effect Sobol indices from a Saltelli design, with bootstrap
/// confidence intervals.
///
/// Given model outputs on the base matrices A and B (N rows each) and on AB_i (A with column i
/// taken from B) for each input i: V = variance of the 2N outputs of A and B;
/// first order S_i = mean((f(B) − mean)·(f(AB_i) − f(A))) / V (Saltelli et al. 2010, eq. (b),
/// centred: the same expectation, less noise on outputs far from 0);
/// total effect ST_i = mean((f(A) − f(AB_i))²) / (2V) (Jansen 1999). Intervals: percentile
/// bootstrap over the N rows (the same resampled rows for every input), seeded.
public struct SobolEstimator: Sendable {
    /// One input's indices and their intervals.
    public struct Index: Sendable, Equatable {
        public var first: Double
        public var firstLow: Double
        public var firstHigh: Double
        public var total: Double
        public var totalLow: Double
        public var totalHigh: Double
    }

    public var resamples: Int
    /// Two-sided confidence level of the intervals (0.95: 2.5th to 97.5th percentile).
    public var confidence: Double
    public var seed: UInt64

    public init(resamples: Int = 200, confidence: Double = 0.95, seed: UInt64 = 1) {
        self.resamples = resamples
        self.confidence = confidence
        self.seed = seed
    }

    /// The indices of every input. `ab[i]` holds f(AB_i) row by row.
    /// - Precondition: `a`, `b` and every `ab[i]` have the same count N ≥ 2.
    /// - Complexity: O(resamples × N × inputs).
    public func indices(a: [Double], b: [Double], ab: [[Double]]) -> [Index] {
        let n = a.count
        let point = Self.estimate(a: a, b: b, ab: ab, rows: nil)
        guard n > 1, resamples > 0 else {
            return point.map { Index(first: $0.first, firstLow: $0.first, firstHigh: $0.first, total: $0.total, totalLow: $0.total, totalHigh: $0.total) }
        }
        var rng = Xoshiro256StarStar(seed: seed)
        var rows = [Int](repeating: 0, count: n)
        var firsts = [[Double]](repeating: [], count: ab.count)
        var totals = [[Double]](repeating: [], count: ab.count)
        for _ in 0..<resamples {
            for r in 0..<n { rows[r] = Int(rng.next() % UInt64(n)) }
            for (i, value) in Self.estimate(a: a, b: b, ab: ab, rows: rows).enumerated() {
                firsts[i].append(value.first)
                totals[i].append(value.total)
            }
        }
        let tail = (1 - confidence) / 2
        return point.indices.map { i in
            let f = firsts[i].sorted()
            let t = totals[i].sorted()
            return Index(first: point[i].first, firstLow: Percentile.of(f, tail), firstHigh: Percentile.of(f, 1 - tail),
                         total: point[i].total, totalLow: Percentile.of(t, tail), totalHigh: Percentile.of(t, 1 - tail))
        }
    }

    /// Point estimates on the given rows (all rows when nil). A constant output has no
    /// variance to apportion: every index is 0.
    static func estimate(a: [Double], b: [Double], ab: [[Double]], rows: [Int]?) -> [(first: Double, total: Double)] {
        let n = rows?.count ?? a.count
        @inline(__always) func row(_ r: Int) -> Int { rows?[r] ?? r }
        var mean = 0.0
        for r in 0..<n { mean += a[row(r)] + b[row(r)] }
        mean /= Double(2 * n)
        var variance = 0.0
        for r in 0..<n {
            let x = a[row(r)] - mean
            let y = b[row(r)] - mean
            variance += x * x + y * y
        }
        variance /= Double(2 * n - 1)
        return ab.map { column in
            guard variance > 0, variance.isFinite else { return (0, 0) }
            var first = 0.0
            var total = 0.0
            for r in 0..<n {
                let j = row(r)
                first += (b[j] - mean) * (column[j] - a[j])
                let d = a[j] - column[j]
                total += d * d
            }
            return (first / Double(n) / variance, total / Double(2 * n) / variance)
        }
    }
}
