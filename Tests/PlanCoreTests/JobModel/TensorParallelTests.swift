import Foundation
import Testing
@testable import PlanCore

/// Tensor parallelism in the job model (Shoeybi et al. 2019; Korthikanti et al. 2022): per-GPU
/// FLOPs, memory and the TP group's collectives, by hand.
struct TensorParallelTests {
    let catalog = try! Catalog.bundled()

    /// Llama-2-70B, one 8,192-token sequence per replica, attention-only LoRA r16.
    func job(tensorParallel: Int, gpus: Int, checkpointing: Bool = false, sharding: Sharding? = nil) throws -> TrainingJob {
        TrainingJob(model: try catalog.model("llama-2-70b"), method: .lora, rank: 16, targets: ["q_proj", "k_proj", "v_proj", "o_proj"],
                    context: 8192, microBatch: 1, gradientCheckpointing: checkpointing, gpus: gpus, sharding: sharding,
                    tensorParallel: tensorParallel)
    }

    /// Two all-reduces forward and two backward per layer (+2 with recompute), plus the
    /// vocabulary-parallel embedding and LM head; each moves 2·(t−1)/t of micro-batch × sequence ×
    /// hidden × 2 B over NVLink; sequence parallelism doubles the collectives (AG + RS), not the bytes.
    @Test func collectivesPerMicroStep() throws {
        let gpu = try catalog.gpu("h100-sxm")
        let nemo = try catalog.stack("nemo-fp8"), hf = try catalog.stack("hf")
        let four = try job(tensorParallel: 4, gpus: 4)
        let traffic = TensorParallelTraffic.of(four, gpu: gpu, stack: nemo, network: 50e9)
        #expect(traffic.allReducesPerMicroStep == 80 * 4 + 2)
        #expect(traffic.collectivesPerMicroStep == 2 * (80 * 4 + 2))
        let message = 8192.0 * 8192 * 2
        #expect(abs(traffic.bytesPerAllReduce - 2 * 3 / 4 * message) < 1)
        let seconds = 644 * 20e-6 + 322 * (1.5 * message) / 370e9
        #expect(abs(traffic.microStepSeconds - seconds) < 1e-12)
        // Without sequence parallelism: one collective per all-reduce; recompute adds two per layer.
        let plain = TensorParallelTraffic.of(try job(tensorParallel: 4, gpus: 4, checkpointing: true), gpu: gpu, stack: hf, network: 50e9)
        #expect(plain.allReducesPerMicroStep == 80 * 6 + 2 && plain.collectivesPerMicroStep == 80 * 6 + 2)
        // No TP, no TP traffic.
        #expect(TensorParallelTraffic.of(try job(tensorParallel: 1, gpus: 4), gpu: gpu, stack: nemo, network: 50e9).microStepSeconds == 0)
        // Exposed: (1 − the stack's TP overlap) of it, in the step's communication.
        let step = StepTimeModel(stack: nemo).step(four, gpu: gpu)
        #expect(abs(step.communication - (1 - nemo.tensorParallelOverlap(degree: 4)) * traffic.microStepSeconds) < 1e-9)
        #expect(abs(step.communicationTotal - traffic.microStepSeconds) < 1e-9)
        // NeMo chunks each overlapped collective over the TP ranks, hiding all chunks but one:
        // 5 of 8 collectives, 3/4 of each at TP4, 1/2 at TP2; none without TP.
        #expect(abs(nemo.tensorParallelOverlap(degree: 4) - 0.625 * 0.75) < 1e-12)
        #expect(abs(nemo.tensorParallelOverlap(degree: 2) - 0.625 * 0.5) < 1e-12)
        #expect(nemo.tensorParallelOverlap(degree: 1) == 0 && hf.tensorParallelOverlap(degree: 4) == 0)
        // A job with the overlap off (NeMo's ub_tp_comm_overlap: false) exposes every TP collective.
        var exposed = four
        exposed.tensorParallelCommOverlap = false
        let off = StepTimeModel(stack: nemo).step(exposed, gpu: gpu)
        #expect(abs(off.communication - traffic.microStepSeconds) < 1e-9)
        #expect(off.communication > step.communication && off.communicationTotal == step.communicationTotal)
    }

    /// Each GPU of the group runs 1/t of every GEMM at the same η(T): GEMM seconds ÷ t; per-GPU
    /// tokens/s is the replica's tokens over t GPUs.
    @Test func gemmAndThroughputSplitOverTheGroup() throws {
        let gpu = try catalog.gpu("h100-sxm")
        let model = StepTimeModel(stack: try catalog.stack("nemo-fp8"))
        let one = try job(tensorParallel: 1, gpus: 1), four = try job(tensorParallel: 4, gpus: 4)
        let single = model.step(one, gpu: gpu), split = model.step(four, gpu: gpu)
        #expect(abs(split.gemm * 4 - single.gemm) < 1e-9)
        #expect(split.gemmEfficiency == single.gemmEfficiency)
        // Norms and residuals are split too under sequence parallelism: all memory-bound work ÷ 4.
        #expect(abs(split.memoryBound * 4 - single.memoryBound) < 1e-9)
        let throughput = model.throughput(four, gpu: gpu)
        #expect(abs(throughput.tokensPerSecondPerGPU - 8192 / 4 / split.total) < 1e-6)
        #expect(abs(throughput.scalingEfficiency - single.total / (4 * split.total)) < 1e-12)
        // Without sequence parallelism the 20·h of norms and residual adds stay whole on each GPU.
        let m = four.model
        let replicated = StepTimeModel.elementwiseBytesPerLayerForward(m, tensorParallel: 4, sequenceParallel: false)
        let sharded = StepTimeModel.elementwiseBytesPerLayerForward(m, tensorParallel: 4, sequenceParallel: true)
        #expect(abs(replicated - sharded - 20 * 8192 * 3 / 4) < 1e-9)
    }

    /// Weights, adapter state and logits ÷ t; activations per Korthikanti: the 12·h of norm and
    /// GEMM inputs whole without sequence parallelism, ÷ t with it; the data-parallel FSDP shard
    /// divides what remains by gpus / t.
    @Test func memorySplitsOverTheGroup() throws {
        let gpu = try catalog.gpu("h100-sxm")
        let nemo = MemoryModel(stack: try catalog.stack("nemo-fp8")), hf = MemoryModel(stack: try catalog.stack("hf"))
        let one = try job(tensorParallel: 1, gpus: 1), four = try job(tensorParallel: 4, gpus: 4)
        let a = hf.breakdown(one, gpu: gpu), b = hf.breakdown(four, gpu: gpu)
        #expect(abs(b.weights * 4 - a.weights) < 1)
        #expect(abs(b.logits * 4 - a.logits) < 1)
        #expect(abs(b.trainableState * 4 - a.trainableState) < 1)
        let h = 8192.0
        let perLayer = MemoryModel.layerActivationBytesPerToken(one)
        #expect(abs(MemoryModel.layerActivationBytesPerToken(four, sequenceParallel: true) - perLayer / 4) < 1e-9)
        #expect(abs(MemoryModel.layerActivationBytesPerToken(four) - (12 * h + (perLayer - 12 * h) / 4)) < 1e-9)
        // FP8 parameters (nemo-fp8): the decoder's linear weights at 1 B.
        let linear = MemoryModel.linearParameters(one.model)
        #expect(abs(nemo.breakdown(four, gpu: gpu).weights * 4 - (linear + 2 * (one.model.totalParameters - linear))) < 1)
        // TP4 × FSDP2 on 8 GPUs: weights ÷ 8, the gathered unit ÷ 4.
        let sharded = hf.breakdown(try job(tensorParallel: 4, gpus: 8, sharding: .fsdp), gpu: gpu)
        #expect(abs(sharded.weights * 8 - a.weights) < 1)
        #expect(abs(sharded.gathered - 2 * MemoryModel.largestUnitBytes(one) / 4) < 1)
    }

    /// The data-parallel collectives run over gpus / t replicas on 1/t of the weights; past one
    /// node each of the t groups crosses it on gpusPerNode / t NICs.
    @Test func dataParallelTrafficWithTensorParallelism() throws {
        let gpu = try catalog.gpu("h100-sxm"), torch = try catalog.stack("torch")
        let job = try job(tensorParallel: 2, gpus: 16, sharding: .fsdp)
        #expect(job.dataParallel == 8)
        let traffic = ParameterTraffic.of(job, gpu: gpu, stack: torch, network: 12.5e9)
        #expect(abs(traffic.gatherBytes - MemoryModel.weightBytes(job) / 2 * 7 / 8) < 1)
        #expect(traffic.bytesPerSecond == 4 * 12.5e9)
        #expect(ParameterTraffic.of(try self.job(tensorParallel: 8, gpus: 8), gpu: gpu, stack: torch, network: 12.5e9).microStepSeconds == 0)
        #expect(job.tokensPerStep == 8192 * 8)
    }

    /// tensor_parallel below 1, or not dividing the GPUs or the heads: one-line invalid-job errors.
    @Test func badDegreesAreRefused() throws {
        var spec = JobSpec(model: "llama-2-70b")
        spec.gpus = 8
        spec.tensorParallel = 3
        #expect(throws: PlanCoreError.invalidJob("tensor_parallel 3 does not divide the job's 8 GPUs; give a divisor of 8")) {
            try spec.resolve(in: catalog)
        }
        spec.tensorParallel = 0
        #expect(throws: PlanCoreError.invalidJob("tensor_parallel must be at least 1, got 0")) { try spec.resolve(in: catalog) }
        spec.gpus = 24
        spec.tensorParallel = 3
        #expect(throws: PlanCoreError.invalidJob(
            "tensor_parallel 3 does not divide llama-2-70b's 64 attention heads; give a divisor of 64")) { try spec.resolve(in: catalog) }
        spec.gpus = 8
        spec.tensorParallel = 4
        let resolved = try spec.resolve(in: catalog)
        #expect(resolved.job.tensorParallel == 4 && resolved.job.dataParallel == 2 && resolved.job.sharding == .fsdp)
    }

    /// The anchor file's job mapping reads `tensor_parallel`; the MLPerf NeMo row is TP4 × DP2.
    @Test func anchorRowsReadTheDegree() throws {
        let runs = try PublishedRun.bundled()
        let nemo = try #require(runs.first { $0.name == "mlperf-v4.0-nvidia-70b-lora-8xh100-nemo-fp8" })
        #expect(nemo.spec.tensorParallel == 4)
        let check = try nemo.check(in: catalog)
        #expect(check.predictedPeakMemoryGiB + 1 <= 79.65, "\(check.predictedPeakMemoryGiB)")
        #expect(runs.filter { $0.spec.tensorParallel == 1 }.count >= 10)
    }
}
