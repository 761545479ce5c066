import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim

/// Spot and reserved capacity (`hardware.capacity`, `hardware.spot`, a strategy's `capacity`).
struct CapacityTests {
    /// The toy scenario (adapter jobs of 3, 4 and 5 hours, the multilingual one 10) with `hardware` fields added.
    func toy(_ hardware: String, strategies: String = "[full-retrain, merge]") throws -> Scenario {
        try ToyScenario.load(ToyScenario.yaml(
            strategies: strategies,
            schedule: "horizon_days: 60\nevents: [{day: 10, language: a, add_examples: 1}, {day: 30, language: b, add_examples: 1}]",
            extra: "").replacingOccurrences(of: "kg_co2_per_kwh: 0.5}", with: "kg_co2_per_kwh: 0.5, \(hardware)}"))
    }

    @Test func spotAdaptersAreCheaperAndTakeLonger() throws {
        let spot = "spot: {usd_per_gpu_hour: 0.8, preemptions_per_hour: 0.1}"
        let onDemand = try toy(spot)
        let onSpot = try toy(spot, strategies: "[full-retrain, {name: merge, capacity: spot}]")
        let a = try #require(Simulator(scenario: onDemand).run(seed: 1).strategy(.merge))
        let b = try #require(Simulator(scenario: onSpot).run(seed: 1).strategy(.merge))
        #expect(b.total.costUSD < a.total.costUSD)
        #expect(b.total.gpuHours > a.total.gpuHours)
        #expect(b.total.expectedInterruptions > 0 && a.total.expectedInterruptions == 0)
        #expect(b.total.spotJobs == 5 && b.total.onDemandJobs == 0 && a.total.onDemandJobs == 5)
        // Training on spot at $0.8: its GPU-hours at 0.8, the merges and evaluations on demand at $2.
        let training = b.total.spotGPUHours
        #expect(abs(b.total.costUSD - (training * 0.8 + (b.total.gpuHours - training) * 2)) < 1e-9)
        // The baseline, on demand, is untouched.
        #expect(Simulator(scenario: onSpot).run(seed: 1).strategy(.fullRetrain) == Simulator(scenario: onDemand).run(seed: 1).strategy(.fullRetrain))
        // Drawn preemptions widen the Monte Carlo latency band.
        let wide = try #require(MonteCarlo(scenario: onSpot, trials: 300, seed: 4).run().percentiles[.merge]?["update_latency_mean_hours"])
        let narrow = try #require(MonteCarlo(scenario: onDemand, trials: 300, seed: 4).run().percentiles[.merge]?["update_latency_mean_hours"])
        #expect(narrow.p90 == narrow.p10 && wide.p90 > wide.p10)
    }

    @Test func limitsKeepLongAndWideJobsOffSpot() throws {
        let s = try toy("capacity: spot, spot: {usd_per_gpu_hour: 0.8, preemptions_per_hour: 0.1, max_job_hours: 3.5}")
        let result = Simulator(scenario: s).run(seed: 1)
        // Only language a's initial adapter (2 + 1 h) fits; after its update on day 10 it takes 4 h.
        #expect(result.strategy(.merge)?.total.spotJobs == 1)
        #expect(result.strategy(.merge)?.total.onDemandJobs == 4)
        #expect(result.strategy(.fullRetrain)?.total.spotJobs == 0)
        let narrow = try toy("capacity: spot, spot: {usd_per_gpu_hour: 0.8, preemptions_per_hour: 0.1, max_gpus_per_job: 1}")
        #expect(Simulator(scenario: narrow).run(seed: 1).strategy(.fullRetrain)?.total.spotJobs == 3)
    }

    @Test func reservedCapacityPaysTheReservedRate() throws {
        let s = try toy("capacity: reserved, reserved_usd_per_gpu_hour: 1.25")
        let merge = try #require(Simulator(scenario: s).run(seed: 1).strategy(.merge))
        #expect(abs(merge.total.costUSD - merge.total.gpuHours * 1.25) < 1e-9)
        #expect(merge.total.reservedJobs == 5)
    }

    /// Preemptions grow with the nodes a job spans: a wide spot job loses more than a narrow one.
    @Test func preemptionsArePerNode() {
        var s = ReliabilitySettings()
        s.gpuFailuresPerHour = 0
        let one = Goodput.expected(workHours: 10, gpus: 8, gpusPerNode: 8, checkpointBytes: 1e9, restartMinutes: 5, settings: s, extraInterruptionsPerHour: 0.1)
        let eight = Goodput.expected(workHours: 10, gpus: 64, gpusPerNode: 8, checkpointBytes: 8e9, restartMinutes: 5, settings: s, extraInterruptionsPerHour: 0.8)
        #expect(one.interruptionsPerHour == 0.1 && eight.interruptionsPerHour == 0.8)
        #expect(eight.effectiveTrainingTimeRatio < one.effectiveTrainingTimeRatio)
    }
}
