import Foundation

/// Seconds of one optimizer step, by part (every GPU runs the same step in parallel).
public struct StepBreakdown: Sendable, Equatable {
    /// GEMM and attention FLOPs at the curve's efficiency.
    public var gemm: Double
    /// Memory-bound kernels (norms, activations, rotary, residuals, loss, adapters, QLoRA
    /// dequantisation) at the device's bandwidth.
    public var memoryBound: Double
    /// AdamW over the trainable parameters (this GPU's shard).
    public var optimizer: Double
    /// Communication not hidden behind compute (data-parallel and tensor-parallel collectives).
    public var communication: Double
    /// Fixed per-step overhead.
    public var overhead: Double
    /// Communication before overlap, for reference.
    public var communicationTotal: Double
    /// The GEMM efficiency the curve gave at this micro-step size.
    public var gemmEfficiency: Double

    public var total: Double { gemm + memoryBound + optimizer + communication + overhead }
}

/// One step-time model for every training job on every device (DESIGN §4a):
///
///     step = GA × (gemm + memory-bound + exposed communication) + optimizer + overhead
///
/// per micro-step of T = micro-batch × context tokens on each model replica (a GPU, or a
/// tensor-parallel group of t GPUs, each of which does 1/t of the replica's work):
/// - gemm = T × FLOPs per token (model FLOPs plus the recompute of checkpointing) / (peak × η(T)),
///   η from the `StepCurve` (stack, or a calibrated profile); with tensor parallelism each GPU
///   runs 1/t of every GEMM (split by heads and by the MLP width: Shoeybi et al. 2019), whose
///   token dimension stays T, so η(T) is unchanged and the seconds are ÷ t;
/// - memory-bound = (T × bytes per token × the stack's pass multipliers + QLoRA dequantisation
///   bytes) / bandwidth, with the minimum traffic from the architecture: per layer and forward
///   pass two RMSNorms (read + write h: 8·h bytes), two residual adds (12·h), rotary on q and k
///   (4·(q + kv width)), SwiGLU (read gate and up, write the product: 6·mlp); the backward moves
///   twice the forward, checkpointing adds one forward; the loss 16 B per logit (bf16 logits
///   written and read, fp32 softmax written and read, the gradient); each adapted projection
///   2·in + 8·out bytes per pass (read the input for A, write B's output, scale and add);
///   QLoRA writes and the GEMM re-reads a bf16 copy of every NF4 linear weight per pass; with
///   tensor parallelism everything inside the attention and MLP blocks (rotary, SwiGLU, the
///   adapters, the dequantisation), the loss (vocabulary-parallel) and the attention scores are
///   ÷ t, while the norms and residual adds run on every token of every GPU of the group unless
///   the stack uses sequence parallelism (Korthikanti et al. 2022), which splits them too;
/// - communication (more than one GPU): FSDP all-gathers the weights in the forward and again in
///   the backward and reduce-scatters the gradients, each moving (G−1)/G of the bytes through
///   each GPU's link (the node's link up to `gpusPerNode` GPUs, the network beyond); DDP
///   all-reduces the gradients once per step (2·(G−1)/G). Exposed = max((1 − overlap) × comm,
///   comm − compute). G is the data-parallel degree (gpus / t). Tensor parallelism adds its
///   per-layer collectives (`TensorParallelTraffic`), exposed at (1 − the stack's
///   `tensorParallelOverlap(degree:)`): they sit between dependent GEMMs, so only a stack that
///   pipelines them with GEMM chunks hides any (all but one chunk of t), and only when the job
///   turns that on (`TrainingJob.tensorParallelCommOverlap`, NeMo's `ub_tp_comm_overlap`; off:
///   all exposed);
/// - optimizer: AdamW reads weight, gradient and two moments and writes three (28 B/param in fp32,
///   14 in bf16), over this GPU's shard (÷ t, and ÷ G when sharded), at bandwidth.
public struct StepTimeModel: Sendable, Equatable {
    public var stack: SoftwareStack
    /// Per-GPU network bandwidth between nodes, bytes/s.
    public var networkBytesPerSecond: Double

    public init(stack: SoftwareStack, networkBytesPerSecond: Double = ScenarioDefaults.networkBytesPerSecond) {
        self.stack = stack
        self.networkBytesPerSecond = networkBytesPerSecond
    }

    /// Minimum elementwise bytes per token per layer for one forward pass, on one GPU of a
    /// tensor-parallel group of `tensorParallel` (the norms and residual adds, 20·h, are split
    /// only with `sequenceParallel`).
    static func elementwiseBytesPerLayerForward(_ m: ModelArchitecture, tensorParallel: Int = 1, sequenceParallel: Bool = false) -> Double {
        let h = Double(m.hidden), q = Double(m.heads * m.headDim), kv = Double(m.kvHeads * m.headDim)
        let t = Double(tensorParallel)
        return 20 * h / (sequenceParallel ? t : 1) + (4 * (q + kv) + 6 * Double(m.mlp)) / t
    }

    /// Adapter activation bytes per token for one forward pass over every adapted module.
    static func adapterBytesForward(_ job: TrainingJob) -> Double {
        guard job.method != .full else { return 0 }
        let perLayer = job.targets.reduce(0.0) { sum, name in
            guard let shape = job.model.projectionShape(name) else { return sum }
            return sum + 2 * Double(shape.input) + 8 * Double(shape.output)
        }
        return Double(job.model.layers) * perLayer
    }

    /// Forward-pass equivalents a micro-step runs: forward + backward (2×) + recompute.
    static func passes(_ job: TrainingJob) -> Double { 3 + (job.gradientCheckpointing ? 1 : 0) }

    /// Memory-bound bytes of one micro-step on one GPU.
    public func memoryBoundBytes(_ job: TrainingJob) -> Double {
        let m = job.model
        let passes = Self.passes(job)
        let t = Double(job.tensorParallel)
        let layers = Double(m.layers) * passes
            * Self.elementwiseBytesPerLayerForward(m, tensorParallel: job.tensorParallel, sequenceParallel: stack.sequenceParallel)
        let loss = 16 * Double(m.vocab) / t
        var scores = 0.0
        if stack.materialisedAttention {
            // Per forward pass the scores are written, read by the softmax, the probabilities
            // written and read by A·V: 4 passes of 2 bytes over heads × S elements per token (S
            // keys per query: the whole square); the backward moves twice that.
            let keys = Double(job.attentionContext ?? job.context)
            scores = Double(m.layers) * Double(m.heads) * keys * 4 * 2 * passes / t
        }
        let perToken = (layers + loss + scores) * stack.elementwisePasses * (stack.activationBytes / 2)
            + Self.adapterBytesForward(job) / t * passes * stack.adapterPasses * (stack.activationBytes / 2)
        var bytes = job.tokensPerMicroStep * perToken
        if job.method == .qlora {
            bytes += job.tokensPerMicroStep * Self.kbitUpcastBytesPerToken(job, stack: stack) / t * passes
        }
        return bytes
    }

    /// Seconds per micro-step of QLoRA's dequantisation kernels: every NF4 weight is dequantised
    /// to bf16 per weight pass (forward, recompute, and the backward's input-gradient GEMM;
    /// bitsandbytes `MatMul4Bit` calls `dequantize_4bit` in each), reading 4.127 bits and writing
    /// 2 B per parameter at `QLoRA.dequantBandwidthFraction` of the memory bandwidth.
    public static func dequantisationSeconds(_ job: TrainingJob, gpu: GPUSpec) -> Double {
        guard job.method == .qlora else { return 0 }
        return QLoRA.dequantisedBytesPerMicroStep(job) / Double(job.tensorParallel)
            / (QLoRA.dequantBandwidthFraction * gpu.memoryBytesPerSecond)
    }

    /// Extra elementwise bytes per token and forward pass when the stack runs QLoRA through PEFT's
    /// `prepare_model_for_kbit_training` (`SoftwareStack.kbitUpcast`): the residual stream is fp32,
    /// so the norms and residual adds move twice the bytes (20·h more per layer, at the stack's
    /// elementwise multiplier), and every quantised linear casts its fp32 input to bf16 (read 4,
    /// write 2) and its bf16 output back to fp32 (read 2, write 4): 6·(in + out) per projection.
    static func kbitUpcastBytesPerToken(_ job: TrainingJob, stack: SoftwareStack) -> Double {
        guard job.method == .qlora, stack.kbitUpcast else { return 0 }
        let m = job.model
        let h = Double(m.hidden), q = Double(m.heads * m.headDim), kv = Double(m.kvHeads * m.headDim)
        let mlp = Double(m.mlp)
        let inputs = 3 * h + q + 2 * h + mlp  // q, k, v read h; o reads q-width; gate, up read h; down reads mlp
        let outputs = q + 2 * kv + h + 2 * mlp + h
        let casts = 6 * (inputs + outputs)
        return Double(m.layers) * (casts + 20 * h * stack.elementwisePasses)
    }

    /// The data-parallel collectives of `job` on `gpu` (see `ParameterTraffic`).
    public func traffic(_ job: TrainingJob, gpu: GPUSpec) -> ParameterTraffic {
        ParameterTraffic.of(job, gpu: gpu, stack: stack, network: networkBytesPerSecond)
    }

    /// The tensor-parallel collectives of `job` on `gpu` (see `TensorParallelTraffic`).
    public func tensorParallelTraffic(_ job: TrainingJob, gpu: GPUSpec) -> TensorParallelTraffic {
        TensorParallelTraffic.of(job, gpu: gpu, stack: stack, network: networkBytesPerSecond)
    }

    /// The step of `job` on `gpu`.
    public func step(_ job: TrainingJob, gpu: GPUSpec) -> StepBreakdown {
        let curve = stack.curve(on: gpu)
        let tokens = job.tokensPerMicroStep
        let efficiency = curve.efficiency(tokens: tokens)
        let peak = stack.peakFlopsPerSecond(on: gpu)
        var counted = job
        if stack.materialisedAttention {
            // The whole S × S square is computed: S keys per query, i.e. a causal context of 2S − 1.
            counted.attentionContext = 2 * (job.attentionContext ?? job.context) - 1
        }
        let flops = counted.flopsPerToken * tokens / Double(job.tensorParallel)
        let gemm = efficiency > 0 ? flops / (peak * efficiency) : .infinity
        let memoryBound = memoryBoundBytes(job) / gpu.memoryBytesPerSecond + Self.dequantisationSeconds(job, gpu: gpu)
        let compute = gemm + memoryBound
        let collectives = traffic(job, gpu: gpu)
        let overlap = curve.communicationOverlap ?? stack.communicationOverlap
        let microComm = collectives.microStepSeconds
        let exposedMicro = max((1 - overlap) * microComm, microComm - compute)
        let stepComm = collectives.stepSeconds
        let exposedStep = max((1 - overlap) * stepComm, stepComm - compute)
        let tensorComm = tensorParallelTraffic(job, gpu: gpu).microStepSeconds
        let tensorOverlap = job.tensorParallelCommOverlap ? stack.tensorParallelOverlap(degree: job.tensorParallel) : 0
        let exposedTensor = (1 - tensorOverlap) * tensorComm
        let ga = Double(job.gradientAccumulation)
        let shards = Double(job.shards * job.tensorParallel)
        let optimizerBytesPerParam = job.method == .full && job.precision == .bf16 ? 14.0 : 28.0
        let optimizer = job.trainableParameters / shards * optimizerBytesPerParam / gpu.memoryBytesPerSecond
        return StepBreakdown(
            gemm: ga * gemm, memoryBound: ga * memoryBound, optimizer: optimizer,
            communication: ga * (exposedMicro + exposedTensor) + exposedStep, overhead: curve.stepOverheadSeconds,
            communicationTotal: ga * (microComm + tensorComm) + stepComm, gemmEfficiency: efficiency)
    }

    /// Throughput, MFU and scaling of one job's steady state.
    public struct Throughput: Sendable, Equatable {
        public var step: StepBreakdown
        public var stepSeconds: Double
        public var tokensPerSecondPerGPU: Double
        /// Model FLOPs (no recompute) per second per GPU over the stack's peak.
        public var mfu: Double
        /// Per-GPU throughput relative to the same per-GPU work on one GPU (1 on one GPU).
        public var scalingEfficiency: Double
    }

    /// The steady-state throughput of `job` on `gpu`.
    public func throughput(_ job: TrainingJob, gpu: GPUSpec) -> Throughput {
        let step = step(job, gpu: gpu)
        // A tensor-parallel group of t GPUs shares each replica's tokens.
        let perGPUTokens = job.tokensPerMicroStep * Double(job.gradientAccumulation) / Double(job.tensorParallel)
        let tokensPerSecond = perGPUTokens / step.total
        let modelFlops = job.modelFlopsPerToken
        let mfu = tokensPerSecond * modelFlops / stack.peakFlopsPerSecond(on: gpu)
        let single = job.gpus > 1 ? self.step(job.on(gpus: 1, sharding: Sharding.none), gpu: gpu).total : step.total
        return Throughput(step: step, stepSeconds: step.total, tokensPerSecondPerGPU: tokensPerSecond, mfu: mfu,
                          scalingEfficiency: single / (step.total * Double(job.tensorParallel)))
    }
}
