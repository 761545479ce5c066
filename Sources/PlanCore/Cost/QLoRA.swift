import Foundation

/// What QLoRA (bitsandbytes NF4 + PEFT) adds to the memory and step time of a LoRA job.
///
/// Sources:
/// - storage: 4.127 bits per quantised parameter with double quantisation (QLoRA paper, Dettmers
///   et al., arXiv 2305.14314 §3: "reduces the memory footprint from 32/64 = 0.5 bits per
///   parameter to 8/64 + 32/(64·256) = 0.127 bits"; `Memory.nf4DoubleQuantBytes`).
/// - dequantisation: bitsandbytes `MatMul4Bit` dequantises the whole weight to the compute dtype
///   with `dequantize_4bit` before each GEMM (forward, the recompute, and the backward's
///   input-gradient GEMM), so each quantised linear needs a bf16 copy of its weight while it runs:
///   the workspace is the largest such copy (transient, one at a time).
/// - PEFT's `prepare_model_for_kbit_training` (called by TRL's SFTTrainer and the QLoRA
///   reference script for 4-bit models) casts every non-quantised bf16 parameter to fp32:
///   embeddings, LM head and norms (+2 B per parameter), so the residual stream is fp32 from the
///   embedding on. With checkpointing each layer's saved input is fp32 (4·h instead of 2·h
///   bytes per token); without it the saved inputs of q/k/v and gate/up become fp32 (+4·h).
///   Applies to stacks with `kbit_upcast` (HF); torchtune / LitGPT keep bf16.
/// - paged optimizers (`paged_adamw_32bit`, QLoRA §3) keep AdamW's state in CUDA unified memory
///   that is evicted to the host only under memory pressure: they do not change the steady-state
///   peak (`torch.cuda.max_memory_allocated` does not count managed memory), so the adapter
///   states stay counted as device memory.
/// - saved inputs: bitsandbytes' `MatMul4Bit.forward` (bitsandbytes/autograd/_functions.py)
///   stores `ctx.tensors = (A, B)` whenever an input needs a gradient, so the input A of every
///   quantised linear stays alive until the backward, although the backward of a frozen 4-bit
///   weight computes only grad_A = grad_out · dequant(B). PyTorch's own linear saves its input
///   only for a weight that needs a gradient, so under LoRA these inputs are not kept; under
///   bitsandbytes QLoRA they are: per layer and token the shared input of q/k/v (h), o_proj's
///   (q width), the shared input of gate/up (h) and down_proj's (mlp), 2 B each, in every layer
///   (checkpointing: only the layer being recomputed). Stacks with `qlora_saves_inputs`.
///   LitGPT's published QLoRA peaks (realscale §1h) exceed its LoRA peaks by this much.
public enum QLoRA {
    /// Fraction of the memory bandwidth bitsandbytes' blockwise dequantisation kernel reaches: it
    /// decodes two nibbles per byte through a 16-entry NF4 table and a per-64-block absmax that is
    /// itself dequantised from 8 bits (a second table lookup), with scalar loads; we take half of
    /// stream bandwidth (an assumption: bitsandbytes publishes no kernel bandwidth).
    public static let dequantBandwidthFraction = 0.5

    /// Weight passes that dequantise per micro-step: forward and backward, plus the recompute.
    static func weightPasses(_ job: TrainingJob) -> Double { 2 + (job.gradientCheckpointing ? 1 : 0) }

    /// Bytes the dequantisation kernels move per micro-step: read NF4 (4.127 bits) and write bf16
    /// for every quantised parameter, per weight pass.
    public static func dequantisedBytesPerMicroStep(_ job: TrainingJob) -> Double {
        guard job.method == .qlora else { return 0 }
        return MemoryModel.linearParameters(job.model) * (Memory.nf4DoubleQuantBytes + Memory.bf16Bytes) * weightPasses(job)
    }

    /// The dequantised bf16 copy of the largest quantised weight (bytes).
    public static func workspaceBytes(_ job: TrainingJob) -> Double {
        guard job.method == .qlora else { return 0 }
        let m = job.model
        let largest = ModelArchitecture.projectionNames.compactMap { m.projectionShape($0) }
            .map { Double($0.input) * Double($0.output) }.max() ?? 0
        return largest * Memory.bf16Bytes
    }

    /// Bytes per token of the quantised linears' inputs that bitsandbytes keeps for the backward
    /// (see the type's comment), whole model; ÷ TP.
    public static func savedInputBytesPerToken(_ job: TrainingJob, stack: SoftwareStack) -> Double {
        guard job.method == .qlora, stack.qloraSavesInputs else { return 0 }
        let m = job.model
        let h = Double(m.hidden), q = Double(m.heads * m.headDim)
        let perLayer = Memory.bf16Bytes * (h + q + h + Double(m.mlp))
        let layers = job.gradientCheckpointing ? 1 : Double(m.layers)
        return layers * perLayer / Double(job.tensorParallel)
    }

    /// Extra weight bytes when the stack upcasts the non-quantised parameters to fp32.
    public static func upcastWeightBytes(_ job: TrainingJob, stack: SoftwareStack) -> Double {
        guard job.method == .qlora, stack.kbitUpcast else { return 0 }
        let nonQuantised = job.model.totalParameters - MemoryModel.linearParameters(job.model)
        return nonQuantised * (Memory.fp32Bytes - Memory.bf16Bytes)
    }

    /// Extra activation bytes per token of an fp32 residual stream (see the type's comment).
    public static func upcastActivationBytesPerToken(_ job: TrainingJob, stack: SoftwareStack) -> Double {
        guard job.method == .qlora, stack.kbitUpcast else { return 0 }
        let h = Double(job.model.hidden)
        return Double(job.model.layers) * (job.gradientCheckpointing ? 2 * h : 4 * h)
    }
}
