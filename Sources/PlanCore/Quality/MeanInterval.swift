import Foundation

/// The mean of a few repeated measurements (seeds) with its 95% confidence interval from
/// Student's t distribution: mean ± t₀.₉₇₅(n − 1) · s / √n, s the sample standard deviation.
/// One value gives a zero-width interval (nothing to estimate the spread from); non-finite
/// values are skipped.
public struct MeanInterval: Sendable, Equatable, Codable {
    public var mean: Double
    public var lower: Double
    public var upper: Double
    /// Finite values the figures were computed from.
    public var count: Int

    public init(mean: Double, lower: Double, upper: Double, count: Int) {
        self.mean = mean
        self.lower = lower
        self.upper = upper
        self.count = count
    }

    /// The mean and interval of `values`; NaN figures when none is finite.
    public init(_ values: [Double]) {
        let finite = values.filter(\.isFinite)
        count = finite.count
        guard !finite.isEmpty else {
            (mean, lower, upper) = (.nan, .nan, .nan)
            return
        }
        let n = Double(finite.count)
        mean = finite.reduce(0, +) / n
        guard finite.count > 1 else {
            (lower, upper) = (mean, mean)
            return
        }
        let m = mean
        let variance = finite.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
        let half = Self.tQuantile975(degreesOfFreedom: finite.count - 1) * (variance / n).squareRoot()
        (lower, upper) = (mean - half, mean + half)
    }

    /// Two-sided 95% quantiles of Student's t for 1 … 30 degrees of freedom (standard tables),
    /// then the normal 1.96 with the first-order correction 1.96 + 2.4 / ν (within 0.003 of the
    /// exact value beyond 30).
    public static func tQuantile975(degreesOfFreedom nu: Int) -> Double {
        let table: [Double] = [
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
            2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
        ]
        guard nu >= 1 else { return .infinity }
        return nu <= table.count ? table[nu - 1] : 1.96 + 2.4 / Double(nu)
    }
}
