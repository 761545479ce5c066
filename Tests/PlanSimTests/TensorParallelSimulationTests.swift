import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim

/// A scenario with `hardware.tensor_parallel` is priced in its groups by every engine run:
/// `plan simulate`, a sweep over another field, and Monte Carlo trials.
struct TensorParallelSimulationTests {
    /// The shipped 70B scenario (h100-sxm, 8 per node, `gpus_per_job: auto`) with degree `t`.
    static func seventyB(tensorParallel t: Int) throws -> Scenario {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scenarios/twenty-languages-70b.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
            .replacingOccurrences(of: "gpus_per_job: auto,", with: "gpus_per_job: auto, tensor_parallel: \(t),")
        return try ScenarioLoader(catalog: try Catalog.bundled()).load(text: text, file: "tp.yaml")
    }

    @Test func simulateTrainsEveryJobInTheGroups() throws {
        let four = try Self.seventyB(tensorParallel: 4)
        #expect(four.hardware.tensorParallel == 4 && four.hardware.gpusPerJob == 4)
        let result = Simulator(scenario: four).run(seed: 42)
        let one = Simulator(scenario: try Self.seventyB(tensorParallel: 1)).run(seed: 42)
        for kind in four.strategies {
            let outcome = try #require(result.strategy(kind)), plain = try #require(one.strategy(kind))
            #expect(outcome.pool.gpusPerJob == 4 && plain.pool.gpusPerJob == 4)
            // The same four GPUs per job, priced as one TP group instead of four FSDP ranks.
            #expect(outcome.total.gpuHours.isFinite && outcome.total.gpuHours != plain.total.gpuHours, "\(kind)")
        }
        // Its training jobs cost what the cost model prices a TP-4 job at (one rate).
        let rate = CostModel(scenario: four).rate(context: four.finetune.sequenceLength)
        #expect(rate.job.tensorParallel == 4)
    }

    @Test func sweepsAndTrialsKeepTheDegree() throws {
        let four = try Self.seventyB(tensorParallel: 4)
        let price = four.hardware.usdPerGPUHour
        let sweep = try Sweep(scenario: four, seed: 42).run(.init(field: "hardware.usd_per_gpu_hour", from: price, to: price, step: 1))
        let simulated = Simulator(scenario: four).run(seed: 42)
        let point = try #require(sweep.points.first)
        for entry in point.strategies {
            let expected = try #require(simulated.strategy(entry.kind)).total.gpuHours
            #expect(abs(entry.total.gpuHours / expected - 1) < 1e-9, "\(entry.kind)")
        }
        // Trials draw the same inputs with the same seed: only the degree differs between these runs.
        let trials = MonteCarlo(scenario: four, trials: 6, seed: 7).run()
        let plain = MonteCarlo(scenario: try Self.seventyB(tensorParallel: 1), trials: 6, seed: 7).run()
        let merge = try #require(trials.percentiles[.merge]?["gpu_hours"]), mergePlain = try #require(plain.percentiles[.merge]?["gpu_hours"])
        #expect(merge.p50.isFinite && merge.p50 != mergePlain.p50)
    }
}
