import Foundation
import Testing
@testable import PlanCore

/// The memory model's terms against hand calculations, and the published peaks of
/// ../shared/reference/realscale.md §1e, §1h and §3d.
struct MemoryModelTests {
    let catalog = try! Catalog.bundled()

    func job(_ model: String, _ method: Finetune.Method, rank: Int = 16, targets: [String] = ModelArchitecture.projectionNames,
             context: Int = 4096, microBatch: Int = 1, checkpointing: Bool = false, gpus: Int = 1,
             precision: PrecisionRecipe = .mixed) throws -> TrainingJob {
        TrainingJob(model: try catalog.model(model), method: method, rank: rank, targets: targets, context: context,
                    microBatch: microBatch, gradientCheckpointing: checkpointing, gpus: gpus, precision: precision)
    }

    var hf: MemoryModel { MemoryModel(stack: try! catalog.stack("hf")) }

    /// bitsandbytes `quantize_4bit` with double quantisation: 4 + 8/64 + 32/(64·256) bits.
    @Test func nf4DoubleQuantIs4_127BitsPerParameter() {
        #expect(abs(Memory.nf4DoubleQuantBytes * 8 - (4 + 8.0 / 64 + 32.0 / (64 * 256))) < 1e-12)
    }

    /// realscale §3d: Llama-3.1-8B QLoRA base ≈ 6.98e9 × 4.127/8 + 1.05e9 × 2 = 5.70 GB.
    @Test func qloraStorageOfLlama8BIs5_70GB() throws {
        let bytes = MemoryModel.weightBytes(try job("llama-3.1-8b", .qlora))
        #expect(abs(bytes / 5.70e9 - 1) < 0.05, "\(bytes)")
        #expect(abs(MemoryModel.linearParameters(try catalog.model("llama-3.1-8b")) / 6.98e9 - 1) < 0.01)
    }

    /// realscale §3e: Mistral-7B LoRA r16 on q,k,v,o has 13.6M parameters, 16 B each of fp32 state.
    @Test func loraStateIsSixteenBytesPerAdapterParameter() throws {
        let j = try job("mistral-7b", .lora, targets: ["q_proj", "k_proj", "v_proj", "o_proj"])
        #expect(abs(j.trainableParameters / 13.6e6 - 1) < 0.01)
        let m = hf.breakdown(j, gpu: try catalog.gpu("a100-80gb"))
        #expect(abs(m.trainableState - 16 * j.trainableParameters) < 1)
        #expect(abs(m.weights - 2 * j.model.totalParameters) < 1)
    }

    /// Per layer and token: 12·h + 4·q + 4·kv + 4·heads + 8·mlp + 2·r per adapter, by hand for
    /// Llama-3.1-8B (h 4096, q 4096, kv 1024, 32 heads, mlp 14336, r16 on 7 projections).
    @Test func layerActivationBytesByHand() throws {
        let norms: Double = 12 * 4096, attention: Double = 4 * 4096 + 4 * 1024 + 4 * 32
        let mlp: Double = 8 * 14336, adapters: Double = 2 * 16 * 7
        let expected = norms + attention + mlp + adapters
        #expect(MemoryModel.layerActivationBytesPerToken(try job("llama-3.1-8b", .lora)) == expected)
        // Without checkpointing ~5.5 MB/token over 32 layers (realscale §3e); with it, the layer
        // inputs (2·h each) plus one layer.
        let plain = MemoryModel.activationBytesPerToken(try job("llama-3.1-8b", .lora))
        #expect(plain > 5.0e6 && plain < 6.5e6, "\(plain)")
        let checkpointed = MemoryModel.activationBytesPerToken(try job("llama-3.1-8b", .lora, checkpointing: true))
        #expect(checkpointed == 32 * 2 * 4096 + expected)
        // LoRA does not shrink activations: full fine-tuning saves the same minus the adapters.
        let full = MemoryModel.activationBytesPerToken(try job("llama-3.1-8b", .full))
        #expect(plain - full == 32 * 2 * 16 * 7)
    }

    /// The logits term is vocabulary × tokens × the stack's bytes per logit.
    @Test func logitsAreVocabularyTimesTokensTimesStackBytes() throws {
        let j = try job("llama-3.1-8b", .lora, microBatch: 2)
        let m = hf.breakdown(j, gpu: try catalog.gpu("h100-sxm"))
        #expect(m.logits == 2 * 4096 * 128_256 * 10)
        let torch = MemoryModel(stack: try catalog.stack("torch")).breakdown(j, gpu: try catalog.gpu("h100-sxm"))
        #expect(torch.logits < m.logits)
    }

    /// Full fine-tuning: pure bf16 peaks at 5 × the weights (fms-acceleration, realscale §1e);
    /// mixed precision holds 18 B/param (DeepSpeed's ZeRO-3 estimator, llm-analysis).
    @Test func fullFineTuningRecipes() throws {
        let bf16 = try job("mistral-7b", .full, microBatch: 4, checkpointing: true, precision: .bf16)
        let m = hf.breakdown(bf16, gpu: try catalog.gpu("a100-80gb"))
        #expect(abs((m.peak - m.overhead) / (5 * m.weights) - 1) < 1e-9)
        let mixed = try job("mistral-7b", .full, precision: .mixed)
        let n = mixed.model.totalParameters
        let mm = hf.breakdown(mixed, gpu: try catalog.gpu("a100-80gb"))
        #expect(abs(mm.weights + mm.trainableState - 18 * n) < 1)
    }

    /// FSDP divides weights and state by the GPU count and adds twice the largest unit.
    @Test func fsdpShardsStateAndGathersTheLargestUnit() throws {
        let one = try job("llama-3.1-70b", .lora, checkpointing: true)
        let eight = one.on(gpus: 8)
        #expect(eight.sharding == .fsdp)
        let gpu = try catalog.gpu("h100-sxm")
        let a = hf.breakdown(one, gpu: gpu), b = hf.breakdown(eight, gpu: gpu)
        #expect(abs(b.weights - a.weights / 8) < 1)
        #expect(abs(b.trainableState - a.trainableState / 8) < 1)
        #expect(b.activations == a.activations)
        let embedding = 128_256.0 * 8192 * 2
        #expect(b.gathered == 2 * max(embedding, one.model.matmulParametersPerLayer * 2 + 2 * 8192 * 2))
    }

    /// The check: 70B LoRA does not fit one A100-80GB (min_gpus ≥ 2); QLoRA fits on one.
    @Test func llama70BOnA100() throws {
        let gpu = try catalog.gpu("a100-80gb")
        var spec = JobSpec(model: "llama-3.1-70b")
        spec.gradientCheckpointing = nil
        let lora = try spec.resolve(in: catalog)
        #expect(!lora.memory.breakdown(lora.job, gpu: gpu).fits)
        let minimum = try #require(lora.memory.minimumGPUs(lora.job, gpu: gpu, policy: .auto))
        #expect(minimum >= 2)
        #expect(lora.memory.breakdown(lora.job.on(gpus: minimum), gpu: gpu).fits
            || lora.memory.breakdown(lora.memory.resolving(lora.job.on(gpus: minimum), gpu: gpu, policy: .auto), gpu: gpu).fits)
        spec.method = .qlora
        let qlora = try spec.resolve(in: catalog)
        #expect(qlora.memory.breakdown(qlora.job, gpu: gpu).fits)
        #expect(qlora.memory.minimumGPUs(qlora.job, gpu: gpu, policy: .auto) == 1)
    }

    /// A job that fits nowhere reports nil, never a bogus count.
    @Test func nothingFitsGivesNil() throws {
        let huge = try job("llama-3.1-405b", .full, context: 1_000_000, microBatch: 64)
        #expect(hf.minimumGPUs(huge, gpu: try catalog.gpu("rtx-4090")) == nil)
    }

    /// realscale §1e (and §1h): the published peak allocations the memory model must reproduce
    /// within their stated tolerance (10%).
    @Test func publishedPeaksWithinTolerance() throws {
        let runs = try PublishedRun.bundled().filter { $0.memoryTolerance != nil }
        #expect(runs.count >= 3)
        for run in runs {
            let check = try run.check(in: catalog)
            let error = try #require(check.memoryError)
            #expect(abs(error) <= run.memoryTolerance!, "\(run.name): predicted \(check.predictedPeakMemoryGiB) GiB, published \(run.peakMemoryGiB!)")
        }
    }

    /// QLoRA: the dequantised bf16 copy of the largest projection (Mistral-7B gate/up: 4096 × 14336
    /// × 2 B) is alive while its GEMM runs; under PEFT's kbit upcast (hf) embeddings, LM head and
    /// norms gain 2 B each and each checkpointed layer input doubles to fp32 (+2·h per layer and
    /// token); torch keeps bf16.
    @Test func qloraWorkspaceAndUpcast() throws {
        let j = try job("mistral-7b", .qlora, targets: ["q_proj", "k_proj", "v_proj", "o_proj"], microBatch: 4, checkpointing: true)
        #expect(QLoRA.workspaceBytes(j) == 4096 * 14336 * 2)
        let hfStack = try catalog.stack("hf"), torchStack = try catalog.stack("torch")
        let nonQuantised = j.model.totalParameters - MemoryModel.linearParameters(j.model)
        #expect(abs(QLoRA.upcastWeightBytes(j, stack: hfStack) - 2 * nonQuantised) < 1)
        #expect(QLoRA.upcastWeightBytes(j, stack: torchStack) == 0)
        #expect(QLoRA.upcastActivationBytesPerToken(j, stack: hfStack) == 32 * 2 * 4096)
        let gpu = try catalog.gpu("a100-80gb")
        let withUpcast = hf.breakdown(j, gpu: gpu), without = MemoryModel(stack: torchStack).breakdown(j, gpu: gpu)
        #expect(abs(withUpcast.weights - without.weights - 2 * nonQuantised) < 1)
        var lora = j
        lora.method = .lora
        #expect(QLoRA.workspaceBytes(lora) == 0)
    }

    /// bitsandbytes' MatMul4Bit keeps each quantised linear's input (litgpt): per layer and token
    /// 2·(h + q + h + mlp) bytes, every layer without checkpointing, one with it; the stacks that
    /// quantise elsewhere (torchao in torch) keep none. Llama-2-7B at 1,304 tokens: 1.81 GiB, the
    /// gap between LitGPT's published QLoRA and LoRA peaks beyond the weights (realscale §1h).
    @Test func bitsandbytesKeepsTheQuantisedInputs() throws {
        let litgpt = try catalog.stack("litgpt"), torch = try catalog.stack("torch")
        let j = try job("llama-2-7b", .qlora, rank: 8, targets: ["q_proj", "v_proj"], context: 1304)
        let perLayer = 2.0 * (4096 + 4096 + 4096 + 11008)
        #expect(QLoRA.savedInputBytesPerToken(j, stack: litgpt) == 32 * perLayer)
        #expect(QLoRA.savedInputBytesPerToken(j, stack: torch) == 0)
        var checkpointed = j
        checkpointed.gradientCheckpointing = true
        #expect(QLoRA.savedInputBytesPerToken(checkpointed, stack: litgpt) == perLayer)
        var lora = j
        lora.method = .lora
        #expect(QLoRA.savedInputBytesPerToken(lora, stack: litgpt) == 0)
        let gpu = try catalog.gpu("a100-40gb")
        let with = MemoryModel(stack: litgpt).breakdown(j, gpu: gpu), without = MemoryModel(stack: torch).breakdown(j, gpu: gpu)
        #expect(abs((with.activations - without.activations) / Memory.gib - 1.81) < 0.01)
    }
}
