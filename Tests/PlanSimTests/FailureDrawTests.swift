import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim
import PlanRandom

/// Drawn interruptions (`Goodput.drawn`) and their use in Monte Carlo trials.
struct FailureDrawTests {
    /// 100 GPUs at 1e-3 per GPU-hour (M = 10 h), 1-hour intervals, C = 100 s, R = 6 min, 50 h of work.
    func goodput(workHours: Double = 50, interval: Double? = 60) -> Goodput {
        var s = ReliabilitySettings()
        s.storageGBPerSecondPerNode = 1
        s.gpuFailuresPerHour = 1e-3
        s.checkpointIntervalMinutes = interval
        return Goodput.expected(workHours: workHours, gpus: 100, gpusPerNode: 8, checkpointBytes: 1.3e12, restartMinutes: 6, settings: s)
    }

    @Test func theMeanOfDrawsIsTheClosedForm() {
        let g = goodput()
        var rng = Xoshiro256StarStar(seed: 42)
        let n = 20_000
        var hours = 0.0
        var interruptions = 0.0
        var squares = 0.0
        for _ in 0..<n {
            let d = g.drawn(rng: &rng)
            hours += d.hours
            squares += d.hours * d.hours
            interruptions += d.interruptions
        }
        let mean = hours / Double(n)
        let sd = (squares / Double(n) - mean * mean).squareRoot()
        // The extra time over the work (about 4.7 h) within 4 standard errors of the closed form.
        let standardError = sd / Double(n).squareRoot()
        #expect(sd > 0.5)
        #expect(abs(mean - g.expectedHours) < 4 * standardError)
        #expect(abs((mean - g.workHours) / (g.expectedHours - g.workHours) - 1) < 0.05)
        #expect(abs(interruptions / Double(n) - g.expectedInterruptions) < 0.05 * g.expectedInterruptions)
    }

    @Test func theAutoIntervalsMeanIsCloseToo() {
        let g = goodput(workHours: 37.3, interval: nil)
        var rng = Xoshiro256StarStar(seed: 7)
        let n = 20_000
        let mean = (0..<n).map { _ in g.drawn(rng: &rng).hours }.reduce(0, +) / Double(n)
        #expect(abs((mean - g.workHours) / (g.expectedHours - g.workHours) - 1) < 0.05)
    }

    @Test func drawsNeverFallBelowTheWorkAndTheSameSeedRepeats() {
        let g = goodput()
        var a = Xoshiro256StarStar(seed: 3)
        var b = Xoshiro256StarStar(seed: 3)
        for _ in 0..<1000 {
            let x = g.drawn(rng: &a)
            #expect(x.hours >= g.workHours + 49 * g.checkpointMinutes / 60 - 1e-9)
            #expect(x == g.drawn(rng: &b))
        }
    }

    @Test func withoutFailuresADrawIsTheWork() {
        var s = ReliabilitySettings()
        s.gpuFailuresPerHour = 0
        let g = Goodput.expected(workHours: 5, gpus: 8, gpusPerNode: 8, checkpointBytes: 1e9, restartMinutes: 6, settings: s)
        var rng = Xoshiro256StarStar(seed: 1)
        #expect(g.drawn(rng: &rng) == (5, 0))
    }

    /// A toy scenario whose 10-hour multilingual job fails often: Monte Carlo bands of its
    /// latency widen, the same seed repeats, another seed differs, and the plain simulation
    /// keeps the expectation.
    func failing() throws -> Scenario {
        try ToyScenario.load(ToyScenario.yaml(
            schedule: "horizon_days: 60\nevents: [{day: 10, language: a, add_examples: 1}, {day: 30, language: b, add_examples: 1}]",
            extra: "").replacingOccurrences(of: "kg_co2_per_kwh: 0.5}", with: "kg_co2_per_kwh: 0.5, reliability: {gpu_failures_per_hour: 0.2, checkpoint_interval_minutes: 30, restart_minutes: 10}}"))
    }

    @Test func monteCarloDrawsFailuresPerJob() throws {
        let s = try failing()
        let a = MonteCarlo(scenario: s, trials: 300, seed: 9).run()
        let b = MonteCarlo(scenario: s, trials: 300, seed: 9).run()
        let c = MonteCarlo(scenario: s, trials: 300, seed: 10).run()
        #expect(a == b)
        #expect(a != c)
        let band = try #require(a.percentiles[.fullRetrain]?["update_latency_mean_hours"])
        #expect(band.p90 - band.p10 > 1)
        var quiet = s
        quiet.hardware.reliability = nil
        let still = try #require(MonteCarlo(scenario: quiet, trials: 50, seed: 9).run().percentiles[.fullRetrain]?["update_latency_mean_hours"])
        #expect(still.p10 == still.p90)
        // The deterministic run prices the expectation; the drawn GPU-hours centre on it.
        let expected = Simulator(scenario: s).run(seed: 9).strategy(.fullRetrain)!.total.gpuHours
        let median = try #require(a.percentiles[.fullRetrain]?["gpu_hours"]).p50
        #expect(abs(median - expected) / expected < 0.1)
    }
}
