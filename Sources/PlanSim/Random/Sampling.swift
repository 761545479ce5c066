import Foundation
import PlanCore
import PlanRandom

extension Xoshiro256StarStar {
    /// An exponential variate with the given rate (events per unit time).
    public mutating func exponential(rate: Double) -> Double {
        -log(1 - unit()) / rate
    }

    /// A standard normal variate (Box–Muller).
    public mutating func standardNormal() -> Double {
        let u1 = max(unit(), .leastNonzeroMagnitude)
        let u2 = unit()
        return sqrt(-2 * log(u1)) * cos(2 * .pi * u2)
    }

    /// A draw from `distribution`.
    public mutating func sample(_ distribution: Distribution) -> Double {
        switch distribution {
        case let .uniform(low, high):
            return low + (high - low) * unit()
        case let .triangular(low, mode, high):
            guard high > low else { return low }
            let u = unit()
            let split = (mode - low) / (high - low)
            return u < split
                ? low + sqrt(u * (high - low) * (mode - low))
                : high - sqrt((1 - u) * (high - low) * (high - mode))
        case let .normal(mean, sd):
            return mean + sd * standardNormal()
        case let .lognormal(median, sigma):
            return median * exp(sigma * standardNormal())
        }
    }
}
