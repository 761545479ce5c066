import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim

/// Planning answers on a real scenario (issue: sizing over GPUs per job, saturation, launch sizes).
struct PlanningAnswersTests {
    static func seventyB(pool: Int? = nil, tensorParallel: Int? = nil) throws -> Scenario {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scenarios/twenty-languages-70b.yaml")
        var text = try String(contentsOf: url, encoding: .utf8)
        if let pool { text = text.replacingOccurrences(of: "pool_gpus: 32", with: "pool_gpus: \(pool)") }
        if let tensorParallel { text = text.replacingOccurrences(of: "gpus_per_job: auto,", with: "gpus_per_job: auto, tensor_parallel: \(tensorParallel),") }
        return try ScenarioLoader(catalog: try Catalog.bundled()).load(text: text, file: "twenty-languages-70b.yaml")
    }

    @Test(arguments: [(1, 8, 1), (2, 8, 2), (3, 8, 4), (5, 8, 8), (8, 8, 8), (9, 8, 16), (17, 8, 24), (3, 4, 4), (5, 4, 8)])
    func launchSizesArePowersOfTwoThenWholeNodes(minimum: Int, node: Int, expected: Int) {
        #expect(Hardware.launchGPUs(atLeast: minimum, gpusPerNode: node) == expected)
    }

    @Test func autoRoundsTheMemoryMinimumUpToALaunchSize() throws {
        let scenario = try Self.seventyB()
        let minimum = try #require(CostModel(scenario: scenario).rate(context: scenario.finetune.sequenceLength).minimumGPUs)
        #expect(minimum == 3)  // 70B bf16 weights + activations need three 80 GB GPUs
        #expect(scenario.hardware.gpusPerJob == 4)
        #expect(CostModel(scenario: scenario).trainingGPUs == 4)
    }

    @Test func widthsRunFromTheMinimumThroughWholeNodes() {
        #expect(PoolSizing.widths(minimum: 3, gpusPerNode: 8) == [3, 4, 8, 16, 24, 32, 40, 48, 56, 64])
        #expect(PoolSizing.widths(minimum: 1, gpusPerNode: 4) == [1, 2, 4, 8, 12, 16, 20, 24, 28, 32])
        // With tensor parallelism only counts that hold whole groups (the minimum is one already).
        #expect(PoolSizing.widths(minimum: 4, gpusPerNode: 8, tensorParallel: 4) == [4, 8, 16, 24, 32, 40, 48, 56, 64])
        #expect(PoolSizing.widths(minimum: 3, gpusPerNode: 8, tensorParallel: 3) == [3, 24, 48])
    }

    /// `plan size` on a tensor-parallel scenario tries only whole groups, each priced in them.
    @Test func sizingWithTensorParallelismKeepsWholeGroups() throws {
        let scenario = try Self.seventyB(tensorParallel: 8)
        #expect(scenario.hardware.tensorParallel == 8 && scenario.hardware.gpusPerJob == 8)
        let result = PoolSizing(scenario: scenario, seed: 42, targetLatencyHours: 48).run()
        for size in result.strategies {
            #expect(size.gpusPerJob % 8 == 0 && size.options.allSatisfy { $0.gpusPerJob % 8 == 0 }, "\(size.kind)")
        }
        let plain = PoolSizing(scenario: try Self.seventyB(), seed: 42, targetLatencyHours: 48).run()
        let eight = try #require(result.strategies.first { $0.kind == .merge }?.options.first { $0.gpusPerJob == 8 })
        let dataParallel = try #require(plain.strategies.first { $0.kind == .merge }?.options.first { $0.gpusPerJob == 8 })
        #expect(eight.busyGPUHours != dataParallel.busyGPUHours)  // the same width, priced in TP groups
    }

    @Test func anEightGPUPoolIsSaturatedForFullRetrain() throws {
        let result = Simulator(scenario: try Self.seventyB(pool: 8)).run(seed: 42)
        let full = try #require(result.strategy(.fullRetrain))
        #expect(full.pool.saturated)
        #expect(full.pool.usableGPUs == 8 && full.pool.gpusPerJob == 4)
        #expect(full.pool.backlogHours > 0.1 * full.pool.horizonHours || full.pool.utilisation > 1)
    }

    @Test func theShippedPoolKeepsUpWithMerge() throws {
        let result = Simulator(scenario: try Self.seventyB()).run(seed: 42)
        #expect(result.strategy(.merge)?.pool.saturated == false)
    }

    @Test func sizingSearchesGPUsPerJobAndMeetsA48HourTarget() throws {
        let result = PoolSizing(scenario: try Self.seventyB(), seed: 42, targetLatencyHours: 48).run()
        let merge = try #require(result.strategies.first { $0.kind == .merge })
        #expect(merge.gpusPerJobSearched)
        let pool = try #require(merge.poolGPUs, "merge: \(merge.reason ?? "")")
        let p90 = try #require(merge.atSize?.latency.p90Hours)
        #expect(p90 <= 48)
        #expect(pool >= merge.gpusPerJob && merge.options.count > 2)
        // The answer is the cheapest option that meets the target.
        let meeting = merge.options.compactMap(\.costUSD)
        #expect(merge.costUSD == meeting.min())
    }

    /// Usable GPUs: 8 GPUs hold two 3-GPU jobs.
    @Test func utilisationCountsTheGPUsWholeJobsCanUse() throws {
        var hardware = try Self.seventyB().hardware
        hardware.poolGPUs = 8
        hardware.gpusPerJob = 3
        let usage = PoolUsage(hardware: hardware, horizonDays: 10, busyGPUHours: 6 * 240, onDemandCostUSD: 0, peakQueuedJobs: 0,
                              lastFinishHours: 0, maxLatencyHours: 0)
        #expect(usage.usableGPUs == 6 && abs(usage.utilisation - 1) < 1e-12 && !usage.saturated)
    }

    /// A pool with a backlog at the horizon's end (a job ready for GPUs for more than a tenth of
    /// the horizon, still waiting) is saturated, however low its utilisation; a job merely
    /// running past the end (or waiting for it) is not.
    /// Day 1: adapter a (2 + 46 examples: 49 h) runs 24–73 h on the single GPU; adapter b is
    /// ready at 24 h and still waits at 72 h. full-retrain's one 57-hour job runs 24–81 h, and
    /// its evaluation waits for it, not for a GPU.
    @Test func aQueueAtTheHorizonsEndIsSaturation() throws {
        let scenario = try ToyScenario.load(ToyScenario.yaml(
            strategies: "[full-retrain, merge]",
            schedule: "horizon_days: 3\nevents: [{day: 1, language: a, add_examples: 46}, {day: 1, language: b, add_examples: 1}]",
            pool: 1))
        let result = Simulator(scenario: scenario).run(seed: 1)
        let merge = try #require(result.strategy(.merge))
        let full = try #require(result.strategy(.fullRetrain))
        #expect(merge.pool.queuedAtHorizonEnd == 1 && merge.pool.backlogHours == 48 && merge.pool.saturated)
        #expect(merge.pool.utilisation < 1)
        #expect(full.pool.queuedAtHorizonEnd == 0 && full.pool.backlogHours == 0 && !full.pool.saturated)
        #expect(full.pool.lastFinishHours > 72)
    }

    /// A burst released just before the end queues without being a backlog.
    @Test func aBurstAtTheHorizonsEndIsNotSaturation() throws {
        let scenario = try ToyScenario.load(ToyScenario.yaml(
            strategies: "[merge]", schedule: "horizon_days: 30\nevents: [{day: 29.9, language: a, add_examples: 1}, {day: 29.9, language: b, add_examples: 1}]",
            pool: 1))
        let merge = try #require(Simulator(scenario: scenario).run(seed: 1).strategy(.merge))
        #expect(merge.pool.queuedAtHorizonEnd == 1 && !merge.pool.saturated)
    }

    /// Two prices: busy hours at usd_per_gpu_hour, the reserved pool at reserved_usd_per_gpu_hour.
    @Test func reservedPoolsArePricedAtTheReservedRate() throws {
        let yaml = PoolPlanningTests.threeUpdates.replacingOccurrences(
            of: "usd_per_gpu_hour: 2,", with: "usd_per_gpu_hour: 2, reserved_usd_per_gpu_hour: 1.25, pricing: reserved,")
        let scenario = try ToyScenario.load(yaml)
        #expect(scenario.hardware.reservedRate == 1.25 && scenario.hardware.usdPerGPUHour == 2)
        let merge = try #require(Simulator(scenario: scenario).run(seed: 1).strategy(.merge))
        #expect(abs(merge.pool.reservedCostUSD - 2 * 720 * 1.25) < 1e-9)
        #expect(abs(merge.pool.onDemandCostUSD - merge.total.gpuHours * 2) < 1e-9)
        let sized = PoolSizing(scenario: scenario, seed: 1, targetLatencyHours: 12).run()
        let size = try #require(sized.strategies.first { $0.kind == .merge })
        #expect(size.reservedCostUSD.map { abs($0 - Double(size.poolGPUs ?? 0) * 720 * 1.25) < 1e-9 } == true)
        // Without the field the reserved rate is the on-demand one.
        #expect(try ToyScenario.load(PoolPlanningTests.threeUpdates).hardware.reservedRate == 2)
    }
}
