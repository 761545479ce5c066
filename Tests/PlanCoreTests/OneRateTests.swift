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
        spec.tensorParallel = scenario.hardware.tensorParallel
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

    /// `hardware.tensor_parallel: 4` on a 70B one-language scenario prices its training job as
    /// `plan estimate --gpus N --tensor-parallel 4` of the same job does (the same `JobRate`),
    /// and not as the data-parallel job of the same GPUs.
    @Test(arguments: [nil, 0.35] as [Double?])
    func aTensorParallelScenarioJobEqualsItsEstimate(mfu: Double?) throws {
        let text = try Catalog.scenarioText(Catalog.defaultScenarioName)
            .replacingOccurrences(of: "model: llama-3.1-8b ", with: "model: llama-3.1-70b ")
            .replacingOccurrences(of: "pool_gpus: 2 ", with: "pool_gpus: 8 ")
            .replacingOccurrences(of: "gradient_checkpointing: false", with: "gradient_checkpointing: true")
            .replacingOccurrences(of: "gpus_per_job: auto ", with: "gpus_per_job: auto\n  tensor_parallel: 4 ")
        var scenario = try ScenarioLoader(catalog: try Catalog.bundled()).load(text: text, file: "tp4")
        #expect(scenario.model.name == "llama-3.1-70b" && scenario.hardware.tensorParallel == 4)
        scenario.hardware.mfu = mfu
        scenario.finetune.gradientCheckpointingAuto = false
        scenario.finetune.gradientCheckpointing = true
        scenario.languages = [Language(code: "en", examples: 5000, tokensPerExample: 600)]
        let cost = CostModel(scenario: scenario)
        #expect(cost.trainingGPUs == 4)
        let job = cost.training(name: "en", data: [.init(examples: 5000, tokensPerExample: 600)])
        let estimate = try Self.estimate(scenario, tokens: job.tokens)
        #expect(estimate.training?.job.tensorParallel == 4 && estimate.training?.job.gpus == 4)
        let computeHours = (job.wallSeconds - cost.fixedTrainingSeconds) * Double(job.gpus) / 3600
        #expect(abs(estimate.gpuHours / computeHours - 1) < 1e-12)
        // The same four GPUs data-parallel price differently (the modelled rate): the degree is used.
        var plain = scenario
        plain.hardware.tensorParallel = 1
        plain.hardware.gpusPerJob = 4
        plain.hardware.gpusPerJobAuto = false
        let dataParallel = CostModel(scenario: plain).training(name: "en", data: [.init(examples: 5000, tokensPerExample: 600)])
        if mfu == nil { #expect(abs(dataParallel.gpuHours / job.gpuHours - 1) > 1e-3) }
    }

    /// The modelled rate does pay for the recompute: checkpointing slows the step.
    @Test func theModelledRateSlowsDownWithCheckpointing() throws {
        let data = [CostModel.DataSlice(examples: 5000, tokensPerExample: 600)]
        let on = CostModel(scenario: try Self.scenario(mfu: nil, checkpointing: true)).training(name: "en", data: data)
        let off = CostModel(scenario: try Self.scenario(mfu: nil, checkpointing: false)).training(name: "en", data: data)
        #expect(on.gpuHours > off.gpuHours)
    }
}
