import Foundation
import Testing
@testable import PlanCore

/// The step-time model: the curve's shape, the FLOP accounting, communication, and the visible
/// published anchors (realscale.md §1b, §1d, §1e, §4).
struct StepTimeModelTests {
    let catalog = try! Catalog.bundled()

    @Test func curveIsZeroAtZeroHalfAtTHalfAndSaturates() {
        let curve = StepCurve(gemmEfficiencyMax: 0.7, halfEfficiencyTokens: 900, stepOverheadSeconds: 0)
        #expect(curve.efficiency(tokens: 0) == 0)
        #expect(abs(curve.efficiency(tokens: 900) - 0.35) < 1e-12)
        #expect(abs(curve.efficiency(tokens: 1e12) - 0.7) < 1e-6)
        var previous = 0.0
        for tokens in stride(from: 1.0, to: 1e6, by: 997) {
            let value = curve.efficiency(tokens: tokens)
            #expect(value > previous && value < 0.7)
            previous = value
        }
    }

    @Test func stackCurveScalesWithTheRidgePoint() throws {
        let hf = try catalog.stack("hf")
        let a100 = try catalog.gpu("a100-80gb"), h100 = try catalog.gpu("h100-sxm")
        #expect(abs(hf.curve(on: a100).halfEfficiencyTokens - hf.halfEfficiencyRidges * 312e12 / 2039e9) < 1e-6)
        #expect(hf.curve(on: h100).halfEfficiencyTokens > hf.curve(on: a100).halfEfficiencyTokens)
        // A fitted profile curve wins over the stack's.
        var fitted = a100
        fitted.stepCurve = StepCurve(gemmEfficiencyMax: 0.5, halfEfficiencyTokens: 10, stepOverheadSeconds: 1)
        #expect(hf.curve(on: fitted).halfEfficiencyTokens == 10)
    }

    /// realscale §1b: NeMo counts LoRA at 3.96·N and SFT at 5.9·N FLOPs per token (Llama2-7B,
    /// SQuAD packed to 4096: attention within each ~256-token example; LoRA dim 32 on qkv).
    @Test func nemoFlopAccounting() throws {
        let model = try catalog.model("llama-2-7b")
        func perToken(_ method: Finetune.Method) -> Double {
            var job = TrainingJob(model: model, method: method, rank: 32, targets: ["q_proj", "k_proj", "v_proj"])
            job.attentionContext = 256
            return job.flopsPerToken / 6.74e9
        }
        #expect(abs(perToken(.lora) / 3.96 - 1) < 0.05, "\(perToken(.lora))")
        #expect(abs(perToken(.full) / 5.9 - 1) < 0.05, "\(perToken(.full))")
    }

    @Test func everyStackParameterIsCited() throws {
        for name in ["hf", "torch", "litgpt", "hf-zero3", "nemo-fp8"] {
            let stack = try catalog.stack(name)
            #expect(stack.source.count > 80, "\(name) needs a source for its parameters")
            #expect(stack.gemmEfficiencyMax > 0 && stack.gemmEfficiencyMax <= 1)
        }
        #expect(try catalog.stack("nemo-fp8").peakFlopsPerSecond(on: try catalog.gpu("h100-sxm")) == 1979e12)
        #expect(try catalog.stack("nemo-fp8").peakFlopsPerSecond(on: try catalog.gpu("a100-80gb")) == 312e12)
    }

    /// One GPU: no communication, scaling 1. FSDP (torch: one collective per decoder layer +
    /// embedding + LM head, no re-gather): 2 gathers of the weights × (G−1)/G and a reduce-scatter
    /// of the bf16 adapter gradients per micro-step, each collective 20 µs in a node.
    @Test func communicationVolume() throws {
        let model = StepTimeModel(stack: try catalog.stack("torch"))
        let gpu = try catalog.gpu("h100-sxm")
        let one = TrainingJob(model: try catalog.model("llama-3.1-70b"), method: .lora, microBatch: 2, gradientCheckpointing: true)
        #expect(model.step(one, gpu: gpu).communicationTotal == 0)
        #expect(model.throughput(one, gpu: gpu).scalingEfficiency == 1)
        let eight = one.on(gpus: 8)
        let gathers = 2 * (82 * 20e-6 + MemoryModel.weightBytes(one) * 7 / 8 / 370e9)
        let reduce = 80 * 20e-6 + one.trainableParameters * 2 * 7 / 8 / 370e9
        #expect(abs(model.step(eight, gpu: gpu).communicationTotal - (gathers + reduce)) < 1e-9)
        // Past one node the rings cross on every GPU's NIC: 8 × 50 GB/s exceeds NVLink's 370, so
        // only the latency grows (50 µs per collective).
        let sixteen = one.on(gpus: 16)
        let crossGathers = 2 * (82 * 50e-6 + MemoryModel.weightBytes(one) * 15 / 16 / 370e9)
        let crossReduce = 80 * 50e-6 + one.trainableParameters * 2 * 15 / 16 / 370e9
        #expect(abs(model.step(sixteen, gpu: gpu).communicationTotal - (crossGathers + crossReduce)) < 1e-9)
        // A slower network (12.5 GB/s per GPU: 100 GB/s per node) carries the gathers.
        let slow = StepTimeModel(stack: try catalog.stack("torch"), networkBytesPerSecond: 12.5e9)
        let slowGathers = 2 * (82 * 50e-6 + MemoryModel.weightBytes(one) * 15 / 16 / 100e9)
        let slowReduce = 80 * 50e-6 + one.trainableParameters * 2 * 15 / 16 / 100e9
        #expect(abs(slow.step(sixteen, gpu: gpu).communicationTotal - (slowGathers + slowReduce)) < 1e-9)
    }

    /// ZeRO-3 (hf-zero3): with checkpointing the recompute gathers once more (3 gathers), in
    /// buckets of 0.9·h² parameters (Llama-2-70B: 68.98e9 / 60.4e6 → 1,143 collectives per pass).
    @Test func zero3GathersThreeTimesInBuckets() throws {
        let stack = try catalog.stack("hf-zero3")
        let gpu = try catalog.gpu("h100-sxm")
        let model = try catalog.model("llama-2-70b")
        let job = TrainingJob(model: model, method: .lora, rank: 16, targets: ["q_proj", "k_proj", "v_proj", "o_proj"],
                              context: 8192, microBatch: 1, gradientCheckpointing: true).on(gpus: 8)
        let traffic = ParameterTraffic.of(job, gpu: gpu, stack: stack, network: 50e9)
        #expect(traffic.gathersPerMicroStep == 3)
        let buckets = (model.totalParameters / (0.9 * 8192 * 8192)).rounded(.up)
        #expect(traffic.collectivesPerGather == buckets)
        #expect(buckets == 1143)
        #expect(abs(traffic.gatherBytes - model.totalParameters * 2 * 7 / 8) < 1)
        var plain = job
        plain.gradientCheckpointing = false
        #expect(ParameterTraffic.of(plain, gpu: gpu, stack: stack, network: 50e9).gathersPerMicroStep == 2)
        // FSDP (hf) recomputes inside the backward's gather: 2 gathers with checkpointing too.
        #expect(ParameterTraffic.of(job, gpu: gpu, stack: try catalog.stack("hf"), network: 50e9).gathersPerMicroStep == 2)
    }

    /// QLoRA through HF (PEFT upcast): per quantised projection 6·(in + out) bytes of casts, plus
    /// 20·h × the stack's elementwise multiplier of fp32 residual traffic, per layer and pass;
    /// dequantisation reads NF4 and writes bf16 per weight pass at half the bandwidth.
    @Test func qloraKernelTerms() throws {
        let hf = try catalog.stack("hf"), torch = try catalog.stack("torch")
        let m = try catalog.model("mistral-7b")
        let job = TrainingJob(model: m, method: .qlora, rank: 16, targets: ["q_proj", "v_proj"], gradientCheckpointing: true)
        // Mistral: h 4096, q 4096, kv 1024, mlp 14336.
        let inputs: Double = 38_912  // q, k, v: 3 × 4096; o: 4096; gate, up: 2 × 4096; down: 14336
        let outputs: Double = 43_008  // q 4096, k, v 2 × 1024, o 4096, gate, up 2 × 14336, down 4096
        let perLayer: Double = 6 * (inputs + outputs) + 20 * 4096 * 2.5
        #expect(abs(StepTimeModel.kbitUpcastBytesPerToken(job, stack: hf) - 32 * perLayer) < 1e-6)
        #expect(StepTimeModel.kbitUpcastBytesPerToken(job, stack: torch) == 0)
        let gpu = try catalog.gpu("a100-80gb")
        let perLayerParameters: Double = 218_103_808  // 2 × 4096² + 2 × 4096 × 1024 + 3 × 4096 × 14336
        let bytesPerParameter: Double = 4.126953125 / 8 + 2
        let expected: Double = 32 * perLayerParameters * bytesPerParameter * 3 / (0.5 * 2039e9)
        #expect(abs(StepTimeModel.dequantisationSeconds(job, gpu: gpu) / expected - 1) < 1e-12)
        var lora = job
        lora.method = .lora
        #expect(StepTimeModel.dequantisationSeconds(lora, gpu: gpu) == 0)
    }

    /// More tokens per micro-step raise throughput; for LoRA (whose optimizer step is negligible)
    /// more GPUs never raise per-GPU throughput. (Full fine-tuning can gain: FSDP shards its
    /// optimizer step.)
    @Test func monotonicInBatchAndGPUs() throws {
        let model = StepTimeModel(stack: try catalog.stack("hf"))
        let gpu = try catalog.gpu("a100-80gb")
        var previous = 0.0
        for batch in [1, 2, 4, 8, 16] {
            let job = TrainingJob(model: try catalog.model("llama-3.1-8b"), method: .lora, context: 512, microBatch: batch)
            let tps = model.throughput(job, gpu: gpu).tokensPerSecondPerGPU
            #expect(tps > previous)
            previous = tps
        }
        let base = TrainingJob(model: try catalog.model("llama-3.1-8b"), method: .lora, microBatch: 2, gradientCheckpointing: true)
        var last = Double.infinity
        for gpus in [1, 2, 4, 8, 16, 32] {
            let tps = model.throughput(base.on(gpus: gpus), gpu: gpu).tokensPerSecondPerGPU
            #expect(tps <= last * (1 + 1e-12))
            last = tps
        }
    }

    /// realscale §1d (Llama3-8B LoRA, 1 H100, torch: 10.51 s per step) within 15% and §1e
    /// (Mistral-7B LoRA, A100, hf: 3,324 tok/s) within 20%: the anchors marked in anchors.yaml.
    @Test func visibleAnchorsWithinTolerance() throws {
        let runs = try PublishedRun.bundled().filter { $0.anchor && $0.tolerance != nil && $0.samples == nil }
        #expect(runs.count >= 3)
        for run in runs {
            let check = try run.check(in: catalog)
            let error = try #require(check.stepError ?? check.throughputError)
            #expect(abs(error) <= run.tolerance!, "\(run.name): \(check.predictedTokensPerSecondPerGPU) tok/s, step \(check.predictedStepSeconds) s")
        }
        let llama = try #require(try PublishedRun.bundled().first { $0.name == "automodel-llama3-8b-lora" }).check(in: catalog)
        #expect(abs(llama.mfu - 0.43) < 0.05, "\(llama.mfu)")
    }

    /// MLPerf Training v4.0 Llama2-70B LoRA runs marked as anchors (HF + ZeRO-3 on 32 H100 and 64
    /// A100, NeMo FP8 TP4 × DP2 on 8 H100, TP2 × DP4 on 8 H200 and TP4 with its overlap off on 4 H100): predicted training minutes within their tolerance of
    /// the published time to target (evaluation included there).
    @Test func mlperfTimeToTrain() throws {
        let runs = try PublishedRun.bundled()
        let timed = runs.filter { $0.anchor && $0.samples != nil }
        #expect(timed.count >= 3)
        #expect(timed.contains { $0.name == "mlperf-v4.0-nvidia-70b-lora-8xh100-nemo-fp8" })
        #expect(timed.contains { $0.name == "mlperf-v4.0-nvidia-70b-lora-8xh200-nemo-fp8" })
        #expect(timed.contains { $0.name == "mlperf-v4.0-fujitsu-70b-lora-4xh100-nemo-fp8" })
        for run in timed {
            let check = try run.check(in: catalog)
            let error = try #require(check.timeError)
            #expect(abs(error) <= run.tolerance!, "\(run.name): \(check.predictedMinutes ?? 0) min vs \(run.publishedMinutes ?? 0)")
        }
    }

    /// The MLPerf rows' predicted minutes are training plus the evaluations their logs show, each
    /// priced as `plan estimate --eval-every-samples --eval-samples` prices it (one rate), and
    /// the evaluations alone land near the published ones (about 37 s each on 8 H100 with NeMo).
    @Test func mlperfPredictionsIncludeTheirEvaluations() throws {
        let runs = try PublishedRun.bundled()
        let run = try #require(runs.first { $0.name == "mlperf-v4.0-nvidia-70b-lora-8xh100-nemo-fp8" })
        #expect(run.evaluations == 5 && run.evaluationSamples == 173)
        let check = try run.check(in: catalog)
        let samples = try #require(run.samples), evaluation = try #require(check.predictedEvaluationMinutes)
        let training = try #require(check.predictedTrainingMinutes)
        #expect(abs(try #require(check.predictedMinutes) - (training + evaluation)) < 1e-9)
        let resolved = try run.spec.resolve(in: catalog)
        let estimate = try JobEstimate.training(
            resolved, tokens: samples * 8192, mfu: nil, rates: EnergyRates(gpuWatts: 700, pue: 1, kgCO2PerKWh: 0, usdPerGPUHour: 1),
            evaluation: EvaluationSchedule(everySamples: samples / 5, samples: 173))
        let estimated = try #require(estimate.evaluation)
        #expect(estimated.evaluations == 5)
        #expect(abs(estimated.seconds / 60 - evaluation) < 1e-9)
        #expect(abs(evaluation * 60 / 5 / 37 - 1) < 0.25, "\(evaluation * 12) s per evaluation")
        // Runs that publish no evaluations add none.
        let plain = try #require(runs.first { $0.samples == nil }).check(in: catalog)
        #expect(plain.predictedEvaluationMinutes == nil)
    }

    /// The NeMo-FP8 : HF-ZeRO-3 per-sample time ratio on one 8 × H100 node (12.7 s per 8 samples
    /// against 2.155 samples/s: 3.4) is off by more than 25% because the single-node ZeRO-3 run is
    /// predicted 1.55× too fast (8.2 s against 12.7 s per step) while the same code on 4 nodes is
    /// right (10.4 s against 9.9 s): no mechanism in the model explains a slower step on fewer
    /// GPUs (docs/cost-model.md, "Known gaps"). Recorded as a known issue so that the test says
    /// so when a mechanism closes it.
    @Test func singleNodeZero3RatioIsAKnownGap() throws {
        let runs = try PublishedRun.bundled()
        let hf = try #require(runs.first { $0.name == "mlperf-v4.0-juniper-70b-lora-8xh100-zero3" }).check(in: catalog)
        let nemo = try #require(runs.first { $0.name == "mlperf-v4.0-nvidia-70b-lora-8xh100-nemo-fp8" }).check(in: catalog)
        let ratio = nemo.predictedTokensPerSecondPerGPU / hf.predictedTokensPerSecondPerGPU
        let hfError = try #require(hf.timeError)
        withKnownIssue("single-node HF + ZeRO-3 predicted too fast") {
            #expect(abs(ratio / (2.155 * 12.7 / 8) - 1) <= 0.25, "\(ratio)")
            #expect(abs(hfError) <= 0.25, "\(hfError)")
        }
        // The NeMo side alone is within the MLPerf tolerance on training time (2.155 samples/s).
        let nemoTrainingOnly = nemo.predictedTokensPerSecondPerGPU * 8 / 8192
        #expect(abs(nemoTrainingOnly / 2.155 - 1) <= 0.25, "\(nemoTrainingOnly) samples/s")
    }

    /// realscale §4: 70B LoRA 8 → 16 H100 keeps 0.90 of per-GPU throughput; within 10 points.
    @Test func multiNodeScaling() throws {
        let runs = try PublishedRun.bundled()
        let eight = try #require(runs.first { $0.name == "automodel-llama3-70b-lora-8gpu" }).check(in: catalog)
        let sixteen = try #require(runs.first { $0.name == "automodel-llama3-70b-lora-16gpu" }).check(in: catalog)
        let ratio = sixteen.predictedTokensPerSecondPerGPU / eight.predictedTokensPerSecondPerGPU
        #expect(abs(ratio - 0.90) <= 0.10, "\(ratio)")
    }

    /// An explicit MFU bypasses the curve: seconds = FLOPs / (GPUs × peak × MFU).
    @Test func explicitMFUOverrides() throws {
        var spec = JobSpec(model: "llama-3.1-8b")
        spec.gpu = "h100-sxm"
        let resolved = try spec.resolve(in: catalog)
        let estimate = try JobEstimate.training(resolved, tokens: 1e9, mfu: 0.5, rates: EnergyRates(gpuWatts: 700, pue: 1, kgCO2PerKWh: 0, usdPerGPUHour: 1))
        let expected = 1e9 * resolved.job.modelFlopsPerToken / (989e12 * 0.5) / 3600
        #expect(abs(estimate.gpuHours / expected - 1) < 1e-12)
        #expect(estimate.training?.mfu == 0.5)
    }
}
