import Foundation
import Testing
@testable import PlanCore

/// `hardware.tensor_parallel` and a strategy entry's `tensor_parallel`: parsed, checked against
/// the node, the heads and the GPUs per job, priced through the one rate, `auto` in whole groups,
/// and refused by sweeps; the tensor-parallel `min_gpus` search.
struct TensorParallelScenarioTests {
    let catalog = try! Catalog.bundled()
    var loader: ScenarioLoader { ScenarioLoader(catalog: catalog) }
    let base = try! Catalog.scenarioText(Catalog.defaultScenarioName)

    /// The default scenario on llama-3.1-70b (64 heads) with checkpointing, a pool of `pool`
    /// a100-80gb (8 per node), `gpus_per_job: gpus` and, when given, `tensor_parallel: degree`.
    func seventyB(gpus: String = "auto", degree: String? = nil, pool: Int = 16, strategies: String? = nil) -> String {
        var text = base.replacingOccurrences(of: "model: llama-3.1-8b ", with: "model: llama-3.1-70b ")
            .replacingOccurrences(of: "pool_gpus: 2 ", with: "pool_gpus: \(pool) ")
            .replacingOccurrences(of: "gradient_checkpointing: false", with: "gradient_checkpointing: true")
            .replacingOccurrences(of: "gpus_per_job: auto ", with: "gpus_per_job: \(gpus)" + (degree.map { "\n  tensor_parallel: \($0)" } ?? "") + " ")
        if let strategies { text = text.replacingOccurrences(of: "strategies: [full-retrain, merge]", with: "strategies: \(strategies)") }
        precondition(text.contains("llama-3.1-70b") && text.contains("pool_gpus: \(pool) "), "fixture drifted")
        return text
    }

    @Test func theFieldParsesAndDefaultsToOne() throws {
        let plain = try loader.load(text: base, file: "s")
        #expect(plain.hardware.tensorParallel == 1)
        #expect(plain.trainingRate.job.tensorParallel == 1)
        let four = try loader.load(text: seventyB(degree: "4"), file: "s")
        #expect(four.hardware.tensorParallel == 4)
        let rate = four.trainingRate
        #expect(rate.job.tensorParallel == 4 && rate.job.gpus % 4 == 0 && rate.job.gpus == four.hardware.gpusPerJob)
        #expect(rate.memory.fits)
        // Every job a strategy builds runs in the same groups: training and evaluation alike.
        let cost = CostModel(scenario: four)
        #expect(cost.training(name: "t", data: [.init(examples: 100, tokensPerExample: 600)]).gpus == rate.job.gpus)
        #expect(cost.evaluation(name: "e", languages: four.languages).gpus == rate.job.gpus)
        #expect(four.assumptions(yaml: seventyB(degree: "4")).contains { $0.path == "hardware.tensor_parallel" && $0.value == "4" })
        #expect(!plain.assumptions(yaml: base).contains { $0.path == "hardware.tensor_parallel" })
    }

    /// Each bad value is one diagnostic at `hardware.tensor_parallel` (the loader's exit 65).
    @Test(arguments: [
        ("auto", "0", "must be between 1 and 512"),
        ("auto", "-2", "must be between 1 and 512"),
        ("auto", "2.5", "whole number"),
        ("auto", "four", "expected a number"),
        ("auto", "3", "tensor_parallel 3 does not divide llama-3.1-70b's 64 attention heads; give a divisor of 64"),
        ("auto", "16", "tensor_parallel 16 is more than the 8 GPUs of one a100-80gb node"),
        ("6", "4", "tensor_parallel 4 does not divide gpus_per_job 6; give a gpus_per_job that is a multiple of 4"),
    ])
    func aBadDegreeIsOneDiagnostic(gpus: String, degree: String, message: String) {
        let found = loader.diagnostics(seventyB(gpus: gpus, degree: degree))
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.path == "hardware.tensor_parallel", "\(found)")
        #expect(found.first?.message.contains(message) == true, "\(found)")
        #expect(found.first?.message.contains("\n") == false)
    }

    @Test func aStrategyEntryOverridesTheDegree() throws {
        let scenario = try loader.load(text: seventyB(strategies: "[{name: full-retrain, tensor_parallel: 8}, merge]"), file: "s")
        let own = scenario.hardware(for: .fullRetrain), shared = scenario.hardware(for: .merge)
        #expect(own.tensorParallel == 8 && shared.tensorParallel == 1)
        // `auto` resolved for the entry's own degree: a whole group of 8, on which the job fits.
        #expect(own.gpusPerJobAuto && own.gpusPerJob == 8)
        #expect(scenario.widestJobGPUs == 8)
        let rate = CostModel(model: scenario.model, finetune: scenario.finetune, hardware: own, overheads: scenario.overheads,
                             merge: scenario.merge).rate(context: scenario.finetune.sequenceLength)
        #expect(rate.job.gpus == 8 && rate.job.tensorParallel == 8 && rate.memory.fits)
        #expect(scenario.assumptions(yaml: "").contains { $0.path == "strategies" && $0.value.contains("full-retrain (tensor_parallel 8)") })

        let bad = loader.diagnostics(seventyB(degree: "4", strategies: "[{name: full-retrain, tensor_parallel: 5}, {name: merge, gpus_per_job: 2}]"))
        #expect(bad.map(\.path) == ["strategies[0].tensor_parallel", "strategies[1].gpus_per_job"], "\(bad)")
        #expect(bad.first?.message.contains("does not divide llama-3.1-70b's 64 attention heads") == true)
        #expect(bad.last?.message.contains("hardware.tensor_parallel 4 does not divide gpus_per_job 2") == true, "\(bad)")
    }

    /// `auto` with degree t: the smallest launch count (`Hardware.launchGPUs`) that is a multiple
    /// of t and at least the memory minimum in groups of t.
    @Test func autoCountsWholeGroups() throws {
        #expect(Hardware.launchGPUs(atLeast: 1, gpusPerNode: 8, tensorParallel: 4) == 4)
        #expect(Hardware.launchGPUs(atLeast: 5, gpusPerNode: 8, tensorParallel: 4) == 8)
        #expect(Hardware.launchGPUs(atLeast: 9, gpusPerNode: 8, tensorParallel: 4) == 16)
        #expect(Hardware.launchGPUs(atLeast: 3, gpusPerNode: 8, tensorParallel: 3) == 24)  // 4 and 8 and 16 hold no group of 3
        #expect(Hardware.launchGPUs(atLeast: 3, gpusPerNode: 8, tensorParallel: 1) == Hardware.launchGPUs(atLeast: 3, gpusPerNode: 8))
        for degree in [1, 2, 4, 8] {
            let scenario = try loader.load(text: seventyB(degree: "\(degree)", pool: 64), file: "s")
            let rate = scenario.trainingRate
            let minimum = try #require(rate.minimumGPUs)
            #expect(minimum % degree == 0, "t=\(degree): \(minimum)")
            let expected = Hardware.launchGPUs(atLeast: minimum, gpusPerNode: 8, tensorParallel: degree)
            #expect(scenario.hardware.gpusPerJob == expected && rate.job.gpus == expected, "t=\(degree)")
            // The minimum is the smallest multiple of t that fits: one group fewer does not.
            if minimum > degree {
                let memory = CostModel(scenario: scenario).memoryModel
                let fewer = memory.resolving(rate.job.on(gpus: minimum - degree, tensorParallel: degree), gpu: scenario.hardware.gpu, policy: .on)
                #expect(!memory.breakdown(fewer, gpu: scenario.hardware.gpu).fits, "t=\(degree)")
            }
        }
    }

    /// With degree 1 the TP-aware search is the FSDP search it replaces.
    @Test func degreeOneSearchesAsBefore() throws {
        let memory = MemoryModel(stack: try catalog.stack("hf"))
        let gpu = try catalog.gpu("a100-80gb")
        for model in ["llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b"] {
            let job = TrainingJob(model: try catalog.model(model), method: .lora, context: 8192, gradientCheckpointing: true)
            let single = memory.minimumGPUs(job, gpu: gpu)
            #expect(memory.minimumGPUs(job, gpu: gpu, tensorParallel: 1) == single)
            if let single, single > 1 {
                #expect(memory.breakdown(job.on(gpus: single), gpu: gpu).fits)
                #expect(!memory.breakdown(job.on(gpus: single - 1), gpu: gpu).fits)
            }
        }
    }

    /// A 70B LoRA job without checkpointing fits on no FSDP count (its activations are not
    /// sharded); with sequence-parallel TP it does, and the search names the smallest layout.
    @Test func theSmallestLayoutWhereFSDPFitsNowhere() throws {
        let gpu = try catalog.gpu("a100-80gb")
        let memory = MemoryModel(stack: try catalog.stack("torch"))
        let job = TrainingJob(model: try catalog.model("llama-3.1-70b"), method: .lora, context: 8192)
        #expect(memory.minimumGPUs(job, gpu: gpu, policy: .off) == nil)
        #expect(TensorParallelLayout.degrees(heads: 64, gpusPerNode: 8) == [2, 4, 8])
        #expect(TensorParallelLayout.degrees(heads: 24, gpusPerNode: 8) == [2, 3, 4, 6, 8])
        let layout = try #require(TensorParallelLayout.smallest(job, gpu: gpu, memory: memory, policy: .off))
        #expect(layout.gpus % layout.tensorParallel == 0)
        let fits = memory.breakdown(job.on(gpus: layout.gpus, tensorParallel: layout.tensorParallel), gpu: gpu)
        #expect(fits.fits)
        // No other degree fits on fewer GPUs; the same count with a smaller degree does not fit either.
        for t in TensorParallelLayout.degrees(heads: 64, gpusPerNode: 8) {
            let gpus = memory.minimumGPUs(job, gpu: gpu, policy: .off, tensorParallel: t)
            #expect(gpus.map { $0 > layout.gpus || ($0 == layout.gpus && t >= layout.tensorParallel) } ?? true, "t=\(t)")
        }
        // The loader says so where a scenario's job fits on no FSDP count.
        let text = seventyB().replacingOccurrences(of: "gradient_checkpointing: true", with: "gradient_checkpointing: false")
            .replacingOccurrences(of: "stack: hf ", with: "stack: torch ")
        let found = loader.diagnostics(text)
        #expect(found.map(\.path) == ["hardware.gpu"], "\(found)")
        #expect(found.first?.message.contains("does not fit on up to 512 with fsdp; it fits on \(layout.gpus) with tensor_parallel \(layout.tensorParallel)") == true,
                "\(found)")
        let withDegree = text.replacingOccurrences(of: "gpus_per_job: auto ", with: "gpus_per_job: auto\n  tensor_parallel: \(layout.tensorParallel) ")
        let scenario = try loader.load(text: withDegree, file: "s")
        #expect(scenario.hardware.gpusPerJob == Hardware.launchGPUs(atLeast: layout.gpus, gpusPerNode: 8, tensorParallel: layout.tensorParallel))
    }

    /// Not variable: a sweep, the tornado, Sobol and the uncertainty block refuse it by name.
    @Test func sweepsRefuseTheDegree() throws {
        let scenario = try loader.load(text: seventyB(degree: "4"), file: "s")
        for path in ["hardware.tensor_parallel", "strategies.tensor_parallel"] {
            #expect(throws: PlanCoreError.self) { try scenario.setting(path, to: 2) }
            do { _ = try scenario.value(at: path) } catch {
                #expect("\(error)".contains("\(path) cannot be varied: a tensor-parallel degree must divide"), "\(error)")
            }
            #expect(scenario.settingClamped(path, to: 2) == nil)
        }
        #expect(!Scenario.variablePaths.contains("hardware.tensor_parallel"))
        let text = seventyB(degree: "4") + "  hardware.tensor_parallel: {uniform: [1, 8]}\n"
        let found = loader.diagnostics(text)
        #expect(found.map(\.path) == ["uncertainty.hardware.tensor_parallel"], "\(found)")
    }
}
