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
    /// Communication not hidden behind compute.
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
/// per micro-step of T = micro-batch × context tokens on each GPU:
/// - gemm = T × FLOPs per token (model FLOPs plus the recompute of checkpointing) / (peak × η(T)),
///   η from the `StepCurve` (stack, or a calibrated profile);
/// - memory-bound = (T × bytes per token × the stack's pass multipliers + QLoRA dequantisation
///   bytes) / bandwidth, with the minimum traffic from the architecture: per layer and forward
///   pass two RMSNorms (read + write h: 8·h bytes), two residual adds (12·h), rotary on q and k
///   (4·(q + kv width)), SwiGLU (read gate and up, write the product: 6·mlp); the backward moves
///   twice the forward, checkpointing adds one forward; the loss 16 B per logit (bf16 logits
///   written and read, fp32 softmax written and read, the gradient); each adapted projection
///   2·in + 8·out bytes per pass (read the input for A, write B's output, scale and add);
///   QLoRA writes and the GEMM re-reads a bf16 copy of every NF4 linear weight per pass;
/// - communication (more than one GPU): FSDP all-gathers the weights in the forward and again in
///   the backward and reduce-scatters the gradients, each moving (G−1)/G of the bytes through
///   each GPU's link (the node's link up to `gpusPerNode` GPUs, the network beyond); DDP
///   all-reduces the gradients once per step (2·(G−1)/G). Exposed = max((1 − overlap) × comm,
///   comm − compute);
/// - optimizer: AdamW reads weight, gradient and two moments and writes three (28 B/param in fp32,
///   14 in bf16), over this GPU's shard, at bandwidth.
public struct StepTimeModel: Sendable, Equatable {
    public var stack: SoftwareStack
    /// Per-GPU network bandwidth between nodes, bytes/s.
    public var networkBytesPerSecond: Double

    public init(stack: SoftwareStack, networkBytesPerSecond: Double = ScenarioDefaults.networkBytesPerSecond) {
        self.stack = stack
        self.networkBytesPerSecond = networkBytesPerSecond
    }

    /// Minimum elementwise bytes per token per layer for one forward pass.
    static func elementwiseBytesPerLayerForward(_ m: ModelArchitecture) -> Double {
        let h = Double(m.hidden), q = Double(m.heads * m.headDim), kv = Double(m.kvHeads * m.headDim)
        return 20 * h + 4 * (q + kv) + 6 * Double(m.mlp)
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
        let layers = Double(m.layers) * Self.elementwiseBytesPerLayerForward(m) * passes
        let loss = 16 * Double(m.vocab)
        var scores = 0.0
        if stack.materialisedAttention {
            // Per forward pass the scores are written, read by the softmax, the probabilities
            // written and read by A·V: 4 passes of 2 bytes over heads × S elements per token (S
            // keys per query: the whole square); the backward moves twice that.
            let keys = Double(job.attentionContext ?? job.context)
            scores = Double(m.layers) * Double(m.heads) * keys * 4 * 2 * passes
        }
        let perToken = (layers + loss + scores) * stack.elementwisePasses * (stack.activationBytes / 2)
            + Self.adapterBytesForward(job) * passes * stack.adapterPasses * (stack.activationBytes / 2)
        var bytes = job.tokensPerMicroStep * perToken
        if job.method == .qlora {
            // Dequantise each NF4 weight to bf16 per weight pass (forward, recompute, and the
            // backward's input-gradient GEMM): read NF4, write bf16.
            let weightPasses = 2.0 + (job.gradientCheckpointing ? 1 : 0)
            bytes += MemoryModel.linearParameters(m) * (Memory.nf4DoubleQuantBytes + Memory.bf16Bytes) * weightPasses
        }
        return bytes
    }

    /// Bytes each GPU sends through its links per micro-step and per optimizer step.
    func communicationBytes(_ job: TrainingJob) -> (perMicroStep: Double, perStep: Double) {
        let g = Double(job.gpus)
        guard job.gpus > 1 else { return (0, 0) }
        let ring = (g - 1) / g
        let gradientBytes = job.trainableParameters * Memory.bf16Bytes
        switch job.sharding {
        case .fsdp:
            let weights = MemoryModel.weightBytes(job)
            return ((2 * weights + gradientBytes) * ring, 0)
        case .none:
            return (0, 2 * gradientBytes * ring)
        }
    }

    /// Collective bandwidth per GPU for a job on `gpus` GPUs.
    func linkBytesPerSecond(gpus: Int, gpu: GPUSpec) -> Double {
        gpus <= gpu.gpusPerNode ? gpu.linkBytesPerSecond : min(gpu.linkBytesPerSecond, networkBytesPerSecond)
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
        let flops = counted.flopsPerToken * tokens
        let gemm = efficiency > 0 ? flops / (peak * efficiency) : .infinity
        let memoryBound = memoryBoundBytes(job) / gpu.memoryBytesPerSecond
        let compute = gemm + memoryBound
        let bytes = communicationBytes(job)
        let link = linkBytesPerSecond(gpus: job.gpus, gpu: gpu)
        let overlap = curve.communicationOverlap ?? stack.communicationOverlap
        let microComm = bytes.perMicroStep / link
        let exposedMicro = max((1 - overlap) * microComm, microComm - compute)
        let stepComm = bytes.perStep / link
        let exposedStep = max((1 - overlap) * stepComm, stepComm - compute)
        let ga = Double(job.gradientAccumulation)
        let shards = job.sharding == .fsdp ? Double(job.gpus) : 1
        let optimizerBytesPerParam = job.method == .full && job.precision == .bf16 ? 14.0 : 28.0
        let optimizer = job.trainableParameters / shards * optimizerBytesPerParam / gpu.memoryBytesPerSecond
        return StepBreakdown(
            gemm: ga * gemm, memoryBound: ga * memoryBound, optimizer: optimizer,
            communication: ga * exposedMicro + exposedStep, overhead: curve.stepOverheadSeconds,
            communicationTotal: ga * microComm + stepComm, gemmEfficiency: efficiency)
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
        let perGPUTokens = job.tokensPerMicroStep * Double(job.gradientAccumulation)
        let tokensPerSecond = perGPUTokens / step.total
        let modelFlops = job.modelFlopsPerToken
        let mfu = tokensPerSecond * modelFlops / stack.peakFlopsPerSecond(on: gpu)
        let single = job.gpus > 1 ? self.step(job.on(gpus: 1, sharding: Sharding.none), gpu: gpu).total : step.total
        return Throughput(step: step, stepSeconds: step.total, tokensPerSecondPerGPU: tokensPerSecond, mfu: mfu,
                          scalingEfficiency: single / step.total)
    }
}
