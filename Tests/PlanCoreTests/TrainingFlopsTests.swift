import Foundation
import Testing
@testable import PlanCore

struct TrainingFlopsTests {
    /// A model small enough to count by hand: 1 layer, hidden 4, MLP 8, 2 heads, 1 KV head
    /// (head_dim 2), vocab 10.
    let tiny = ModelArchitecture(name: "tiny", layers: 1, hidden: 4, mlp: 8, heads: 2, kvHeads: 1, vocab: 10)

    @Test func matmulParametersCountedByHand() {
        // q 4x4 + k 4x2 + v 4x2 + o 4x4 + gate 4x8 + up 4x8 + down 8x4 = 16+8+8+16+32+32+32 = 144
        #expect(tiny.matmulParametersPerLayer == 144)
        // + LM head 4x10
        #expect(tiny.matmulParameters == 184)
        // LoRA r=2 on q and down: 2·(4+4) + 2·(8+4) = 40
        #expect(tiny.loraParameters(rank: 2, targets: ["q_proj", "down_proj"]) == 40)
    }

    @Test func perTokenFormulasByMethod() {
        let context = 7.0  // a token attends to (7 + 1) / 2 = 4 keys on average
        let attention = 1 * 2 * 2 * 4 * Double(2 * 2)  // layers · 2 matmuls · 2 FLOPs · keys · heads·head_dim = 64
        let full = TrainingFlops(model: tiny, method: .full, rank: 2, targets: ["q_proj"], gradientCheckpointing: false)
        #expect(full.attentionForward(context: context) == attention)
        #expect(full.perToken(context: context) == 3 * (2 * 184 + attention))
        let lora = TrainingFlops(model: tiny, method: .lora, rank: 2, targets: ["q_proj"], gradientCheckpointing: false)
        // adapter: 3 · 2 · r(in+out) = 6 · 2 · 8 = 96
        #expect(lora.perToken(context: context) == 2 * 2 * 184 + 3 * attention + 96)
        let checkpointed = TrainingFlops(model: tiny, method: .lora, rank: 2, targets: ["q_proj"], gradientCheckpointing: true)
        #expect(checkpointed.perToken(context: context) == lora.perToken(context: context) + 2 * 184 + attention)
        let qlora = TrainingFlops(model: tiny, method: .qlora, rank: 2, targets: ["q_proj"], gradientCheckpointing: false)
        #expect(qlora.perToken(context: context) == lora.perToken(context: context))
    }

    @Test func trainingJobSecondsAreFlopsOverSustainedRatePlusOverheadsWithAnExplicitMFU() throws {
        let catalog = try Catalog.bundled()
        var scenario = try ScenarioLoader(catalog: catalog).load(text: try Catalog.scenarioText(Catalog.defaultScenarioName), file: "default")
        scenario.hardware.mfu = 0.35
        let cost = CostModel(scenario: scenario)
        let job = cost.training(name: "en", data: [.init(examples: 5000, tokensPerExample: 600)])
        let flops = 5000 * 600 * 4 * cost.flops.perToken(context: 8192)
        #expect(job.tokens == 12_000_000)
        #expect(abs(job.flops / flops - 1) < 1e-12)
        let seconds = flops / (312e12 * 0.35) + 5 * 60
        #expect(abs(job.wallSeconds / seconds - 1) < 1e-12)
        #expect(abs(job.usd - job.gpuHours * 2) < 1e-9)
        #expect(abs(job.kwh - job.gpuHours * 0.4 * 1.1) < 1e-9)
    }

    /// Without an MFU the job runs at the step-time model's tokens per second.
    @Test func trainingJobSecondsFollowTheStepTimeModel() throws {
        let catalog = try Catalog.bundled()
        let scenario = try ScenarioLoader(catalog: catalog).load(text: try Catalog.scenarioText(Catalog.defaultScenarioName), file: "default")
        let cost = CostModel(scenario: scenario)
        let job = cost.training(name: "en", data: [.init(examples: 5000, tokensPerExample: 600)])
        let rate = cost.rate(context: 8192)
        let direct = StepTimeModel(stack: scenario.hardware.stack).throughput(rate.job, gpu: scenario.hardware.gpu)
        #expect(abs(job.wallSeconds - (12_000_000 / direct.tokensPerSecondPerGPU + 5 * 60)) < 1e-6)
        #expect(rate.job.gpus == 1 && job.gpus == 1)
        #expect(rate.mfu > 0.2 && rate.mfu < 0.6)
    }

    @Test func evaluationIsTwoTimesParametersTimesTokens() throws {
        let catalog = try Catalog.bundled()
        var scenario = try ScenarioLoader(catalog: catalog).load(text: try Catalog.scenarioText(Catalog.defaultScenarioName), file: "default")
        scenario.overheads.evaluationStartupMinutes = 0
        let cost = CostModel(scenario: scenario)
        let job = cost.evaluation(name: "eval", languages: [Language(code: "en", examples: 1, tokensPerExample: 600)])
        let tokens = 500.0 * (600 + 16)
        #expect(job.tokens == tokens)
        #expect(abs(job.flops / (2 * scenario.model.totalParameters * tokens) - 1) < 1e-12)
    }

    @Test func mergeWorkGrowsWithTasksAndMethodFamily() throws {
        let model = try Catalog.bundled().model("llama-3.1-8b")
        func bytes(_ method: String, _ tasks: Int) -> Double {
            MergeCostModel(method: method, model: model, rank: 64, targets: ModelArchitecture.projectionNames).work(tasks: tasks).bytes
        }
        let adapterBytes = 4 * model.loraParameters(rank: 64, targets: ModelArchitecture.projectionNames)
        // linear: read 5 adapters once + write one
        #expect(abs(bytes("linear", 5) - 6 * adapterBytes) < 1)
        // ties: selection and sign passes on top
        #expect(abs(bytes("ties", 5) - 16 * adapterBytes) < 1)
        #expect(bytes("ties_svd", 5) > 10 * bytes("ties", 5))  // dense deltas dwarf the factors
        #expect(bytes("knots_ties", 5) < bytes("ties_svd", 5))
    }
}
