import Foundation
import Testing
@testable import PlanCore

/// `plan estimate` and the scenario's cost model price a training job with one rate (`JobRate`):
/// an explicit MFU counts model FLOPs, so gradient checkpointing never changes its GPU-hours.
@Suite struct OneRateTests {
    static func scenario(mfu: Double?, checkpointing: Bool) throws -> Scenario {
        let catalog = try Catalog.bundled()
        var scenario = try ScenarioLoader(catalog: catalog).load(
            text: try Catalog.scenarioText(Catalog.defaultScenarioName), file: "default")
        scenario.hardware.mfu = mfu
        scenario.finetune.gradientCheckpointingAuto = false
        scenario.finetune.gradientCheckpointing = checkpointing
        scenario.languages = [Language(code: "en", examples: 5000, tokensPerExample: 600)]
        return scenario
    }

    /// The `plan estimate` job of the scenario's training job, priced through `JobEstimate`.
    static func estimate(_ scenario: Scenario, tokens: Double) throws -> JobEstimate {
        let cost = CostModel(scenario: scenario)
        var spec = JobSpec(model: scenario.model.name)
        spec.method = scenario.finetune.method
        spec.rank = scenario.finetune.rank
        spec.targets = scenario.finetune.targets
        spec.gpu = scenario.hardware.gpu.name
        spec.gpus = cost.trainingGPUs
        spec.microBatch = scenario.finetune.microBatchSize
        spec.gradientAccumulation = scenario.finetune.gradientAccumulation
        spec.sequenceLength = scenario.finetune.sequenceLength
        spec.gradientCheckpointing = scenario.finetune.gradientCheckpointing
        spec.stack = scenario.hardware.stack.name
        spec.precision = scenario.finetune.precision
        let resolved = try spec.resolve(in: try Catalog.bundled())
        return try JobEstimate.training(resolved, tokens: tokens, mfu: scenario.hardware.mfu,
                                        networkBytesPerSecond: scenario.hardware.networkBytesPerSecond,
                                        rates: EnergyRates(hardware: scenario.hardware))
    }

    @Test(arguments: [(nil, false), (nil, true), (0.35, false), (0.35, true)] as [(Double?, Bool)])
    func estimateEqualsTheScenarioTrainingJob(mfu: Double?, checkpointing: Bool) throws {
        let scenario = try Self.scenario(mfu: mfu, checkpointing: checkpointing)
        let cost = CostModel(scenario: scenario)
        let job = cost.training(name: "en", data: [.init(examples: 5000, tokensPerExample: 600)])
        let estimate = try Self.estimate(scenario, tokens: job.tokens)
        let computeHours = (job.wallSeconds - cost.fixedTrainingSeconds) * Double(job.gpus) / 3600
        #expect(abs(estimate.gpuHours / computeHours - 1) < 1e-12)
        #expect(abs((estimate.flops ?? 0) / job.flops - 1) < 1e-12)
        #expect(abs((estimate.hardwareFlops ?? 0) / job.hardwareFlops - 1) < 1e-12)
        #expect(checkpointing ? job.hardwareFlops > job.flops : job.hardwareFlops == job.flops)
    }

    @Test func anExplicitMFUPricesTheSameWithAndWithoutCheckpointing() throws {
        for mfu in [0.2, 0.35, 0.5] {
            let on = try Self.scenario(mfu: mfu, checkpointing: true)
            let off = try Self.scenario(mfu: mfu, checkpointing: false)
            let data = [CostModel.DataSlice(examples: 5000, tokensPerExample: 600)]
            let jobOn = CostModel(scenario: on).training(name: "en", data: data)
            let jobOff = CostModel(scenario: off).training(name: "en", data: data)
            #expect(jobOn.gpuHours == jobOff.gpuHours)
            #expect(jobOn.flops == jobOff.flops)
            #expect(try Self.estimate(on, tokens: 1e9).gpuHours == Self.estimate(off, tokens: 1e9).gpuHours)
        }
    }

    /// The modelled rate does pay for the recompute: checkpointing slows the step.
    @Test func theModelledRateSlowsDownWithCheckpointing() throws {
        let data = [CostModel.DataSlice(examples: 5000, tokensPerExample: 600)]
        let on = CostModel(scenario: try Self.scenario(mfu: nil, checkpointing: true)).training(name: "en", data: data)
        let off = CostModel(scenario: try Self.scenario(mfu: nil, checkpointing: false)).training(name: "en", data: data)
        #expect(on.gpuHours > off.gpuHours)
    }
}
