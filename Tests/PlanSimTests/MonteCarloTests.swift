import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim
import PlanRandom

struct MonteCarloTests {
    func scenario() throws -> Scenario {
        try ToyScenario.load(ToyScenario.yaml(
            schedule: "horizon_days: 60\npoisson: [{languages: all, per_year: 6, add_examples: 2}]",
            extra: "uncertainty:\n  hardware.mfu: {uniform: [0.5, 1.0]}\n  hardware.usd_per_gpu_hour: {triangular: [1, 2, 4]}"))
    }

    @Test func sameSeedSamePercentilesAndOrdered() throws {
        let s = try scenario()
        let a = MonteCarlo(scenario: s, trials: 200, seed: 5).run()
        let b = MonteCarlo(scenario: s, trials: 200, seed: 5).run()
        #expect(a == b)
        for (_, bands) in a.percentiles {
            for (_, band) in bands { #expect(band.p10 <= band.p50 && band.p50 <= band.p90) }
        }
        let c = MonteCarlo(scenario: s, trials: 200, seed: 6).run()
        #expect(a != c)
    }

    @Test func samplesStayInsideValidRanges() throws {
        var s = try scenario()
        s.uncertainty = [("hardware.mfu", .normal(mean: 0.9, sd: 0.5))]
        var rng = Xoshiro256StarStar(seed: 3)
        for _ in 0..<500 {
            let sampled = MonteCarlo.sample(s, rng: &rng)
            #expect(sampled.hardware.mfu.map { $0 > 0 && $0 <= 1 } ?? false)
        }
    }

    @Test func distributionsHaveTheirMeans() {
        var rng = Xoshiro256StarStar(seed: 11)
        let n = 20_000
        func mean(_ d: Distribution) -> Double { (0..<n).map { _ in rng.sample(d) }.reduce(0, +) / Double(n) }
        #expect(abs(mean(.uniform(low: 1, high: 3)) - 2) < 0.02)
        #expect(abs(mean(.triangular(low: 0, mode: 1, high: 5)) - 2) < 0.05)
        #expect(abs(mean(.normal(mean: 4, sd: 1)) - 4) < 0.03)
        #expect(abs(mean(.lognormal(median: 1, sigma: 0.5)) - exp(0.125)) < 0.02)
    }
}
