import Foundation

/// A fine-tuning software stack as data (`Resources/stacks.yaml`): the few parameters of the
/// step-time and memory models that depend on the code that runs, not on the model or the GPU.
/// Each parameter's provenance is in the data file.
public struct SoftwareStack: Sendable, Equatable {
    /// Tensor-core precision of the GEMMs: the peak they run against.
    public enum Precision: String, Sendable, Equatable { case bf16, fp8 }

    public var name: String
    public var summary: String
    public var precision: Precision
    /// Saturated GEMM efficiency (fraction of the dense peak at `precision`).
    public var gemmEfficiencyMax: Double
    /// T_half in units of the device's ridge point: T_half = this × peak / bandwidth.
    public var halfEfficiencyRidges: Double
    /// Multiplier on the minimum elementwise traffic (1 = every elementwise chain fused into one
    /// read and one write; eager PyTorch runs several kernels per norm, activation and loss).
    public var elementwisePasses: Double
    /// Multiplier on the LoRA adapters' minimum activation traffic (1 = fused LoRA kernels; PEFT
    /// runs dropout, two skinny GEMMs, a scale and an add as separate kernels).
    public var adapterPasses: Double
    /// Bytes per logit alive at the loss (bf16 logits, fp32 upcast, fp32 gradient = 10 B in HF;
    /// a chunked loss upcasts one chunk at a time).
    public var logitBytes: Double
    /// Fraction of FSDP / DDP communication hidden behind compute.
    public var communicationOverlap: Double
    /// Fixed seconds per optimizer step.
    public var stepOverheadSeconds: Double
    /// Bytes per activation element of the elementwise kernels (bf16 2; an fp32 CPU model 4).
    public var activationBytes: Double = 2
    /// True when attention materialises the S × S scores and computes the masked half (eager /
    /// BLAS attention), false for FlashAttention (causal blocks skipped, no s² memory traffic).
    public var materialisedAttention: Bool = false
    /// True when checkpointing's recompute gathers the sharded weights again (DeepSpeed ZeRO-3:
    /// parameters are fetched by per-module hooks, so the recomputed forward fetches them before
    /// the backward fetches them once more); false when the recompute runs inside the backward's
    /// gather (FSDP wraps each checkpointed decoder layer as one unit).
    public var recomputeRegathers: Bool = false
    /// Parameters per all-gather collective in units of hidden² (DeepSpeed's
    /// `stage3_prefetch_bucket_size`, which the HF integration sets to 0.9·h²); nil = one
    /// collective per FSDP unit (a decoder layer, the embedding, the LM head).
    public var gatherBucketHiddenSquared: Double?
    /// True when QLoRA runs through PEFT's `prepare_model_for_kbit_training` (HF Trainer / TRL):
    /// every parameter that is not quantised (embeddings, LM head, norms) is cast to fp32, so the
    /// residual stream runs in fp32 and each quantised linear casts its input to bf16 and its
    /// output back.
    public var kbitUpcast: Bool = false
    /// True when tensor-parallel jobs also split the sequence over the TP group outside the
    /// attention and MLP blocks (Megatron sequence parallelism, Korthikanti et al. 2022): the
    /// norms, residual adds and dropout then run on, and save, 1/TP of the tokens, and each
    /// all-reduce becomes an all-gather + reduce-scatter pair of the same bytes.
    public var sequenceParallel: Bool = false
    /// Share of the tensor-parallel collectives the stack pipelines with the GEMMs they feed
    /// (NeMo / TransformerEngine TP communication overlap); 0 = every TP collective is on the
    /// critical path. Each overlapped collective is split into one chunk per TP rank and hides
    /// all but one chunk (`tensorParallelOverlap(degree:)`).
    public var tensorParallelOverlappedShare: Double = 0

    /// Fraction of the TP collectives' time hidden at TP degree `t`: the overlapped share ×
    /// (1 − 1/t) (the last of t chunks has no GEMM left to run behind).
    public func tensorParallelOverlap(degree t: Int) -> Double {
        t > 1 ? tensorParallelOverlappedShare * (1 - 1 / Double(t)) : 0
    }

    /// True when the stack keeps the decoder's linear weights in FP8 (NeMo `fp8_params`,
    /// TransformerEngine `fp8_model_init`): 1 B per parameter instead of bf16's 2 (the optimizer
    /// of trainable weights keeps its own fp32 copy).
    public var fp8Parameters: Bool = false
    /// True when QLoRA's 4-bit linears run through bitsandbytes' `MatMul4Bit` autograd function,
    /// which keeps every quantised linear's input for the backward (`ctx.tensors = (A, B)`) even
    /// though the frozen weight's backward needs only B (LitGPT through Lightning Fabric's
    /// `BitsandbytesPrecision`); torchao's NF4 linear (torchtune) keeps only the weight.
    public var qloraSavesInputs: Bool = false
    public var source: String

    public init(
        name: String, summary: String, precision: Precision, gemmEfficiencyMax: Double, halfEfficiencyRidges: Double,
        elementwisePasses: Double, adapterPasses: Double, logitBytes: Double, communicationOverlap: Double,
        stepOverheadSeconds: Double, source: String
    ) {
        self.name = name
        self.summary = summary
        self.precision = precision
        self.gemmEfficiencyMax = gemmEfficiencyMax
        self.halfEfficiencyRidges = halfEfficiencyRidges
        self.elementwisePasses = elementwisePasses
        self.adapterPasses = adapterPasses
        self.logitBytes = logitBytes
        self.communicationOverlap = communicationOverlap
        self.stepOverheadSeconds = stepOverheadSeconds
        self.source = source
    }

    /// The name of the stack used when none is given.
    public static let defaultName = "hf"

    /// The peak FLOP/s this stack's GEMMs run against on `gpu` (FP8 falls back to BF16 where the
    /// device has no FP8 tensor cores).
    public func peakFlopsPerSecond(on gpu: GPUSpec) -> Double {
        precision == .fp8 ? (gpu.peakFP8FlopsPerSecond ?? gpu.peakFlopsPerSecond) : gpu.peakFlopsPerSecond
    }

    /// The GEMM-efficiency curve on `gpu`: the device's fitted curve when it has one (a calibrated
    /// profile), else this stack's, with T_half scaled by the device's ridge point.
    public func curve(on gpu: GPUSpec) -> StepCurve {
        if let fitted = gpu.stepCurve { return fitted }
        let ridge = peakFlopsPerSecond(on: gpu) / gpu.memoryBytesPerSecond
        return StepCurve(
            gemmEfficiencyMax: gemmEfficiencyMax, halfEfficiencyTokens: halfEfficiencyRidges * ridge,
            stepOverheadSeconds: stepOverheadSeconds, communicationOverlap: communicationOverlap)
    }
}
