import Foundation
import Testing
@testable import PlanCore

/// Periodic evaluation inside a training job: forward passes only, floor(trained / N)
/// evaluations of M samples, at the FLOP rate the training job executes; in `plan estimate`
/// and in scenarios (`finetune.eval_every_examples`).
struct EvaluationCostTests {
    let catalog: Catalog
    init() throws { catalog = try Catalog.bundled() }

    /// llama-3.1-8b's forward FLOPs per token at 4,096 tokens with rank-16 adapters on all seven
    /// projections, from its config (32 layers, hidden 4096, 8 KV heads of 128, MLP 14336,
    /// vocabulary 128256), typed out here rather than taken from `TrainingFlops`.
    static let llama8bForwardPerToken: Double = {
        let qo: Double = 2 * 4096 * 4096, kv: Double = 2 * 4096 * 1024, mlp: Double = 3 * 4096 * 14336
        let perLayer: Double = qo + kv + mlp                                     // q, o; k, v; gate, up, down
        let head: Double = 4096 * 128_256                                        // LM head
        let matmul: Double = 32 * perLayer + head
        let attention: Double = 32 * 2 * 2 * 2048.5 * 4096                       // QKᵀ and A·V over (S + 1) / 2 keys
        let adapterShapes: Double = 2 * 8192 + 2 * 5120 + 3 * 18432              // in + out of q, o; k, v; gate, up, down
        let adapters: Double = 2 * 32 * 16 * adapterShapes                       // 2·r·(in + out) per projection
        return 2 * matmul + attention + adapters
    }()

    func spec(checkpointing: Bool) -> JobSpec {
        var spec = JobSpec(model: "llama-3.1-8b")
        spec.gpu = "a100-80gb"
        spec.sequenceLength = 4096
        spec.rank = 16
        spec.gradientCheckpointing = checkpointing
        return spec
    }

    @Test func evaluationsAreFloorOfTrainedOverEvery() {
        let schedule = EvaluationSchedule(everySamples: 100, samples: 50)
        #expect(schedule.evaluations(trainedSamples: 1000) == 10)
        #expect(schedule.evaluations(trainedSamples: 999) == 9)
        #expect(schedule.evaluations(trainedSamples: 99) == 0)
        #expect(schedule.evaluations(trainedSamples: 0) == 0)
        #expect(EvaluationSchedule(everySamples: 384, samples: 173).evaluations(trainedSamples: 3072) == 8)
    }

    /// Hand computation at an explicit MFU of 0.5 on an A100 (312 TFLOP/s), no checkpointing:
    /// 1,000 samples of 4,096 tokens, evaluated every 100 samples on 50 samples → 10 × 50 × 4,096
    /// = 2,048,000 tokens × forward FLOPs / (312e12 × 0.5).
    @Test func estimateAddsHandComputedForwardPasses() throws {
        let resolved = try spec(checkpointing: false).resolve(in: catalog)
        let rates = EnergyRates(gpuWatts: 400, pue: 1.1, kgCO2PerKWh: 0.4, usdPerGPUHour: 2)
        let tokens = 1000.0 * 4096
        let plain = try JobEstimate.training(resolved, tokens: tokens, mfu: 0.5, rates: rates)
        let evaluated = try JobEstimate.training(resolved, tokens: tokens, mfu: 0.5, rates: rates,
                                                 evaluation: EvaluationSchedule(everySamples: 100, samples: 50))
        let evaluation = try #require(evaluated.evaluation)
        #expect(plain.evaluation == nil)
        #expect(evaluation.evaluations == 10 && evaluation.tokens == 2_048_000)
        #expect(abs(evaluation.flopsPerToken / Self.llama8bForwardPerToken - 1) < 1e-12)
        let seconds = 2_048_000 * Self.llama8bForwardPerToken / (312e12 * 0.5)
        #expect(abs(evaluation.seconds / seconds - 1) < 1e-9, "\(evaluation.seconds) vs \(seconds)")
        #expect(abs((evaluated.gpuHours - plain.gpuHours) * 3600 / seconds - 1) < 1e-9)
        #expect(abs((evaluated.wallClockHours - plain.wallClockHours) * 3600 / seconds - 1) < 1e-9)
        #expect(evaluated.costUSD > plain.costUSD && evaluated.energyKWh > plain.energyKWh)
        // The training's own figures stay as they were.
        #expect(evaluated.flops == plain.flops && evaluated.hardwareFlops == plain.hardwareFlops)
        #expect(evaluated.training == plain.training)
    }

    /// With checkpointing the GPUs execute one more forward per trained token than MFU counts;
    /// the forward passes of evaluation run at that executed rate (no recompute of their own).
    @Test func evaluationRunsAtTheExecutedRateNotTheModelFlopsRate() throws {
        let resolved = try spec(checkpointing: true).resolve(in: catalog)
        #expect(resolved.job.gradientCheckpointing)
        let rates = EnergyRates(gpuWatts: 400, pue: 1.1, kgCO2PerKWh: 0.4, usdPerGPUHour: 2)
        let evaluated = try JobEstimate.training(resolved, tokens: 1000 * 4096, mfu: 0.5, rates: rates,
                                                 evaluation: EvaluationSchedule(everySamples: 100, samples: 50))
        let evaluation = try #require(evaluated.evaluation)
        let job = resolved.job
        let executedRate = 312e12 * 0.5 * job.flopsPerToken / job.modelFlopsPerToken
        #expect(abs(evaluation.seconds / (2_048_000 * Self.llama8bForwardPerToken / executedRate) - 1) < 1e-9)

        // The step-time model's rate (no explicit MFU) goes through the same path.
        let modelled = try JobEstimate.training(resolved, tokens: 1000 * 4096, mfu: nil, rates: rates,
                                                evaluation: EvaluationSchedule(everySamples: 100, samples: 50))
        let details = try #require(modelled.training)
        let rate = details.tokensPerSecondPerGPU * job.flopsPerToken
        #expect(abs(try #require(modelled.evaluation).seconds / (2_048_000 * Self.llama8bForwardPerToken / rate) - 1) < 1e-9)
    }

    @Test func evaluationFlagsAreCheckedAgainstTheScenarioRanges() throws {
        let resolved = try spec(checkpointing: false).resolve(in: catalog)
        let rates = EnergyRates(gpuWatts: 400, pue: 1.1, kgCO2PerKWh: 0.4, usdPerGPUHour: 2)
        for bad in [EvaluationSchedule(everySamples: 0, samples: 5), EvaluationSchedule(everySamples: 10, samples: -1),
                    EvaluationSchedule(everySamples: .nan, samples: 5)] {
            #expect(throws: PlanCoreError.self) {
                _ = try JobEstimate.training(resolved, tokens: 1e6, mfu: 0.5, rates: rates, evaluation: bad)
            }
        }
    }

    /// A scenario's training job: examples × epochs trained, evaluations of M examples of the
    /// job's mean tokens per example, at the executed rate of its training job.
    @Test func scenarioTrainingJobIncludesItsEvaluations() throws {
        let loader = ScenarioLoader(catalog: catalog)
        let base = try Catalog.scenarioText(Catalog.defaultScenarioName)
        let old = "  gradient_accumulation: 1 "
        #expect(base.contains(old))
        let text = base.replacingOccurrences(of: old, with: "  eval_every_examples: 2000\n  eval_examples: 250\n  gradient_accumulation: 1 ")
        let plain = CostModel(scenario: try loader.load(text: base, file: "a"))
        let scenario = try loader.load(text: text, file: "b")
        #expect(scenario.finetune.evaluation == EvaluationSchedule(everySamples: 2000, samples: 250))
        let cost = CostModel(scenario: scenario)
        let data: [CostModel.DataSlice] = [.init(examples: 5000, tokensPerExample: 600), .init(examples: 1000, tokensPerExample: 900)]
        let with = cost.training(name: "x", data: data)
        let without = plain.training(name: "x", data: data)
        // 4 epochs × 6,000 examples = 24,000 trained; 12 evaluations of 250 examples of
        // (5000 × 600 + 1000 × 900) / 6000 = 650 tokens.
        let evaluation = try #require(cost.inJobEvaluation(examples: 24_000, tokens: 4 * (5000 * 600 + 1000 * 900)))
        #expect(evaluation.evaluations == 12 && evaluation.tokensPerSample == 650 && evaluation.tokens == 12 * 250 * 650)
        let rate = cost.rate(context: 8192)
        let executed = rate.tokensPerSecond / Double(rate.job.gpus) * rate.job.flopsPerToken
        let perToken = cost.flops.forward(context: 8192) + 2 * scenario.model.loraParameters(rank: 64, targets: scenario.finetune.targets)
        #expect(abs(evaluation.seconds / (12 * 250 * 650 * perToken / (Double(rate.job.gpus) * executed)) - 1) < 1e-9)
        #expect(abs((with.wallSeconds - without.wallSeconds) / evaluation.seconds - 1) < 1e-9)
        #expect(abs(with.flops - without.flops - evaluation.flops) <= 1e-9 * with.flops)
        // Fewer trained examples than N: no evaluation.
        #expect(cost.inJobEvaluation(examples: 1999, tokens: 1999 * 600)?.seconds == 0)
    }

    @Test(arguments: [
        ("  eval_every_examples: -5\n  eval_examples: 10\n", "finetune.eval_every_examples", "greater than 0"),
        ("  eval_every_examples: .nan\n  eval_examples: 10\n", "finetune.eval_every_examples", "finite"),
        ("  eval_every_examples: 100\n  eval_examples: -1\n", "finetune.eval_examples", "greater than 0"),
        ("  eval_every_examples: 100\n", "finetune.eval_examples", "missing"),
        ("  eval_examples: 100\n", "finetune.eval_every_examples", "missing"),
        ("  eval_every_example: 100\n  eval_examples: 10\n", "finetune.eval_every_example", "unknown field"),
    ])
    func badEvaluationFieldsGetOneDiagnostic(insert: String, path: String, message: String) throws {
        let loader = ScenarioLoader(catalog: catalog)
        let base = try Catalog.scenarioText(Catalog.defaultScenarioName)
        let found = loader.diagnostics(base.replacingOccurrences(of: "  gradient_accumulation: 1 ", with: insert + "  gradient_accumulation: 1 "))
        #expect(found.count == 1 || path.hasSuffix("eval_every_example"), "\(found)")
        #expect(found.contains { $0.path == path && $0.message.contains(message) }, "\(found)")
    }
}
