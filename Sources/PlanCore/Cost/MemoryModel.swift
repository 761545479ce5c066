import Foundation

/// Per-GPU peak memory of a training job, as named terms (bytes). Pure arithmetic, no I/O.
///
/// Sources (also in README "Memory model"):
/// - weights: bf16, 2 B/param (a stack with `fp8_parameters` stores the decoder's linear weights in
///   FP8, 1 B: NeMo `fp8_params`, TransformerEngine `fp8_model_init`); QLoRA stores the adapted decoder's `nn.Linear` weights in NF4 with
///   double quantisation (4.127 bits, bitsandbytes `functional.py`), embeddings and LM head in bf16.
/// - trainable state: LoRA adapters keep fp32 weights, gradients and two AdamW moments (16 B per
///   adapter parameter). Full fine-tuning by `PrecisionRecipe`.
/// - activations per token from the architecture (what autograd saves, FlashAttention: no s²
///   term): per layer 12·h (two RMSNorm inputs saved in fp32 after the upcast, the bf16 inputs of
///   q/k/v and of gate/up) + 4·(q width) + 4·(kv width) (FlashAttention's saved q, k, v and output)
///   + 4·heads (its fp32 log-sum-exp) + 8·mlp (SwiGLU: gate, silu(gate), up, their product) +
///   2·r per adapted module. With gradient checkpointing only each layer's bf16 input (2·h) is kept,
///   plus one layer's full set while it is recomputed. LoRA does not shrink activations: the
///   backward still runs through every frozen layer.
/// - logits: vocabulary × tokens × the stack's bytes per logit.
/// - tensor parallelism over t GPUs (Shoeybi et al. 2019; Korthikanti et al. 2022, Table 2):
///   weights, trainable state, the gathered unit, the QLoRA workspace and the logits
///   (vocabulary-parallel) ÷ t; of the activations, the attention and MLP terms (4·q + 4·kv +
///   4·heads + 8·mlp + the adapters) ÷ t, while the norm inputs and the q/k/v and gate/up inputs
///   (12·h) and checkpointing's saved layer inputs (2·h) are replicated on each GPU of the group
///   unless the stack uses sequence parallelism, which splits them too (Korthikanti's
///   sbh(10 + 24/t) becomes sbh·34/t).
/// - sharding (FSDP FULL_SHARD / ZeRO-3): weights, gradients and optimizer states ÷ GPUs, plus the
///   unsharded working set of the largest unit twice (the unit in use and the prefetched next one:
///   DeepSpeed's `4 · largest_layer_params` in bf16 bytes).
/// - QLoRA: the dequantisation workspace, the quantised linears' inputs that bitsandbytes'
///   `MatMul4Bit` keeps for the backward (stacks with `qlora_saves_inputs`) and, for stacks that
///   run PEFT's `prepare_model_for_kbit_training`, fp32 non-quantised parameters and residual
///   stream (`QLoRA`).
/// - overhead: `Memory.perGPUOverheadBytes`.
///
/// The peak is `weights + optimizer states + gathered working set + overhead + max(activation
/// phase, optimizer-step phase)`: activations and logits peak at the start of the backward, the
/// gradients and the optimizer temporary at the step; with gradient accumulation the gradients
/// persist through the next micro-steps and add to the activation phase.
public struct MemoryBreakdown: Sendable, Equatable {
    /// Model weights held by one GPU (its shard, when sharded), bytes.
    public var weights: Double
    /// Unsharded working set of FSDP all-gathers (0 without sharding), bytes.
    public var gathered: Double
    /// Gradients + optimizer states (+ the optimizer-step temporary) of the trainable parameters, bytes.
    public var trainableState: Double
    public var activations: Double
    public var logits: Double
    public var overhead: Double
    public var peak: Double
    /// The device's memory, bytes.
    public var deviceBytes: Double

    public var fits: Bool { peak <= deviceBytes }
}

/// Whether a job recomputes activations: always, never, or only when it must to fit.
public enum CheckpointingPolicy: String, Sendable, CaseIterable, Equatable {
    case on, off, auto

    public init(_ flag: Bool?) { self = flag.map { $0 ? .on : .off } ?? .auto }
}

/// The memory model (see `MemoryBreakdown` for the terms and their sources).
public struct MemoryModel: Sendable, Equatable {
    public var stack: SoftwareStack

    public init(stack: SoftwareStack) { self.stack = stack }

    /// Largest GPU count `minimumGPUs` searches.
    public static let maximumGPUs = 512

    /// Bytes per token that one decoder layer saves for the backward (no checkpointing), on one
    /// GPU of a tensor-parallel group (`sequenceParallel`: the stack splits the norm inputs too).
    public static func layerActivationBytesPerToken(_ job: TrainingJob, sequenceParallel: Bool = false) -> Double {
        let m = job.model
        let h = Double(m.hidden), q = Double(m.heads * m.headDim), kv = Double(m.kvHeads * m.headDim)
        let t = Double(job.tensorParallel)
        let adapters = job.method == .full ? 0 : 2 * Double(job.rank) * Double(job.targets.count)
        return 12 * h / (sequenceParallel ? t : 1) + (4 * q + 4 * kv + 4 * Double(m.heads) + 8 * Double(m.mlp) + adapters) / t
    }

    /// Activation bytes per token of the whole model, with or without checkpointing.
    public static func activationBytesPerToken(_ job: TrainingJob, sequenceParallel: Bool = false) -> Double {
        let layer = layerActivationBytesPerToken(job, sequenceParallel: sequenceParallel)
        let layers = Double(job.model.layers)
        if job.gradientCheckpointing {
            let saved = Memory.bf16Bytes * Double(job.model.hidden) / (sequenceParallel ? Double(job.tensorParallel) : 1)
            return layers * saved + layer
        }
        return layers * layer
    }

    /// Parameters of the linear layers QLoRA quantises (every decoder projection).
    static func linearParameters(_ model: ModelArchitecture) -> Double {
        Double(model.layers) * model.matmulParametersPerLayer
    }

    /// Weight bytes of the whole (unsharded) model; `fp8Linear`: the stack stores the decoder's
    /// linear weights in FP8 (`SoftwareStack.fp8Parameters`).
    public static func weightBytes(_ job: TrainingJob, fp8Linear: Bool = false) -> Double {
        let total = job.model.totalParameters
        let linear = linearParameters(job.model)
        switch job.method {
        case .qlora: return linear * Memory.nf4DoubleQuantBytes + (total - linear) * Memory.bf16Bytes
        case .lora, .full:
            return fp8Linear ? linear * Memory.fp8Bytes + (total - linear) * Memory.bf16Bytes : total * Memory.bf16Bytes
        }
    }

    /// Bytes of the largest FSDP unit (a decoder layer, the embedding table or the LM head).
    static func largestUnitBytes(_ job: TrainingJob) -> Double {
        let m = job.model
        let perWeight = job.method == .qlora ? Memory.nf4DoubleQuantBytes : Memory.bf16Bytes
        let layer = m.matmulParametersPerLayer * perWeight + 2 * Double(m.hidden) * Memory.bf16Bytes
        let embedding = Double(m.vocab) * Double(m.hidden) * Memory.bf16Bytes
        return max(layer, embedding)
    }

    /// Trainable state split by when it is alive: persistent optimizer state, gradients, and the
    /// optimizer-step temporary.
    static func trainableState(_ job: TrainingJob) -> (optimizer: Double, gradients: Double, temporary: Double) {
        let n = job.trainableParameters
        if job.method != .full {
            // fp32 adapter weight + two fp32 moments persist; fp32 gradient.
            return (12 * n, 4 * n, 0)
        }
        switch job.precision {
        case .mixed: return (12 * n, 4 * n, 0)  // fp32 master + moments; fp32 gradients
        case .bf16: return (4 * n, 2 * n, 2 * n)  // bf16 moments; bf16 gradients; foreach temporary
        }
    }

    /// The per-GPU memory of `job` on `gpu`.
    public func breakdown(_ job: TrainingJob, gpu: GPUSpec) -> MemoryBreakdown {
        let t = Double(job.tensorParallel)
        let shards = Double(job.shards) * t
        let weights = (Self.weightBytes(job, fp8Linear: stack.fp8Parameters) + QLoRA.upcastWeightBytes(job, stack: stack)) / shards
        let gathered = job.shards > 1 ? 2 * Self.largestUnitBytes(job) / t : 0
        let state = Self.trainableState(job)
        let optimizer = state.optimizer / shards
        let gradients = state.gradients / shards
        let temporary = state.temporary / shards
        let tokens = job.tokensPerMicroStep
        // QLoRA: the fp32 residual stream of an upcasting stack, and the dequantised bf16 copy of
        // the largest weight while its GEMM runs (`QLoRA`).
        let sequenceParallel = stack.sequenceParallel
        let activations = tokens * (Self.activationBytesPerToken(job, sequenceParallel: sequenceParallel)
            + QLoRA.upcastActivationBytesPerToken(job, stack: stack) / t + QLoRA.savedInputBytesPerToken(job, stack: stack))
            + QLoRA.workspaceBytes(job) / t
        let logits = tokens * Double(job.model.vocab) * stack.logitBytes / t
        let overhead = Memory.perGPUOverheadBytes
        let persistentGradients = job.gradientAccumulation > 1 ? gradients : 0
        let activationPhase = activations + logits + persistentGradients
        let stepPhase = gradients + temporary
        let peak = weights + gathered + optimizer + overhead + max(activationPhase, stepPhase)
        return MemoryBreakdown(
            weights: weights, gathered: gathered, trainableState: optimizer + gradients + temporary,
            activations: activations, logits: logits, overhead: overhead, peak: peak, deviceBytes: gpu.memoryBytes)
    }

    /// `job` with checkpointing decided by `policy`: as given, or (auto) switched on only when the
    /// job does not fit its GPUs without it.
    public func resolving(_ job: TrainingJob, gpu: GPUSpec, policy: CheckpointingPolicy) -> TrainingJob {
        var result = job
        switch policy {
        case .on: result.gradientCheckpointing = true
        case .off: result.gradientCheckpointing = false
        case .auto:
            result.gradientCheckpointing = false
            if !breakdown(result, gpu: gpu).fits { result.gradientCheckpointing = true }
        }
        return result
    }

    /// The smallest GPU count (FSDP past one GPU) on which `job` fits `gpu` under `policy`
    /// (checkpointing counts as available under `auto`); nil when none up to `maximumGPUs` does.
    /// `tensorParallel` t > 1 searches multiples of t only: t-GPU tensor-parallel groups, their
    /// replicas sharded with FSDP past one group (the job's own degree is not read).
    public func minimumGPUs(_ job: TrainingJob, gpu: GPUSpec, policy: CheckpointingPolicy, tensorParallel: Int = 1) -> Int? {
        var probe = job
        switch policy {
        case .on: probe.gradientCheckpointing = true
        case .off: probe.gradientCheckpointing = false
        case .auto:
            probe.gradientCheckpointing = false
            let plain = minimumGPUs(probe, gpu: gpu, tensorParallel: tensorParallel)
            probe.gradientCheckpointing = true
            let checkpointed = minimumGPUs(probe, gpu: gpu, tensorParallel: tensorParallel)
            switch (plain, checkpointed) {
            case let (a?, b?): return min(a, b)
            case let (a?, nil): return a
            case let (nil, b): return b
            }
        }
        return minimumGPUs(probe, gpu: gpu, tensorParallel: tensorParallel)
    }

    /// The smallest GPU count (FSDP past one GPU, or past one tensor-parallel group of
    /// `tensorParallel`) on which `job` fits `gpu`; nil when none up to `maximumGPUs` does.
    public func minimumGPUs(_ job: TrainingJob, gpu: GPUSpec, tensorParallel: Int = 1) -> Int? {
        let t = max(tensorParallel, 1)
        guard t <= Self.maximumGPUs else { return nil }
        func fits(_ replicas: Int) -> Bool {
            breakdown(job.on(gpus: replicas * t, tensorParallel: t, sharding: replicas > 1 ? .fsdp : Sharding.none), gpu: gpu).fits
        }
        if fits(1) { return t }
        // The per-GPU peak falls monotonically with the replicas past one: bisect.
        let most = Self.maximumGPUs / t
        guard most > 1, fits(most) else { return nil }
        var low = 1, high = most
        while high - low > 1 {
            let mid = (low + high) / 2
            if fits(mid) { high = mid } else { low = mid }
        }
        return high * t
    }
}
