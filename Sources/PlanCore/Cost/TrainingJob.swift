import Foundation

/// The shape of one training job's optimizer step: what the memory and step-time models price.
///
/// One micro-step processes `microBatch` sequences of `context` tokens on each model replica (one
/// GPU, or one tensor-parallel group of `tensorParallel` GPUs that split every layer); an optimizer
/// step is `gradientAccumulation` micro-steps on each of the `dataParallel` = gpus / tensorParallel
/// replicas.
public struct TrainingJob: Sendable, Equatable {
    public var model: ModelArchitecture
    public var method: Finetune.Method
    public var rank: Int
    public var targets: [String]
    /// Attention context per sequence in tokens (the packed length, or the example when unpacked).
    public var context: Int
    /// Keys a query attends over, when it differs from `context` (packed sequences with
    /// per-document masking attend only within their example); nil → `context`.
    public var attentionContext: Int?
    /// Sequences per GPU per micro-step.
    public var microBatch: Int
    /// Micro-steps per optimizer step.
    public var gradientAccumulation: Int
    public var gradientCheckpointing: Bool
    public var gpus: Int
    public var sharding: Sharding
    /// Full fine-tuning's precision recipe (LoRA keeps fp32 adapter states whatever this says).
    public var precision: PrecisionRecipe
    /// GPUs that split each layer (Megatron tensor parallelism; 1 = none). Divides `gpus`.
    public var tensorParallel: Int
    /// Whether the stack's overlap of tensor-parallel collectives with GEMMs is on
    /// (`SoftwareStack.tensorParallelOverlap(degree:)`; NeMo's `ub_tp_comm_overlap`); off → every TP
    /// collective is exposed.
    public var tensorParallelCommOverlap = true

    public init(
        model: ModelArchitecture, method: Finetune.Method, rank: Int = 16,
        targets: [String] = ModelArchitecture.projectionNames, context: Int = 4096, microBatch: Int = 1,
        gradientAccumulation: Int = 1, gradientCheckpointing: Bool = false, gpus: Int = 1,
        sharding: Sharding? = nil, precision: PrecisionRecipe = .mixed, tensorParallel: Int = 1
    ) {
        self.model = model
        self.method = method
        self.rank = rank
        self.targets = targets
        self.context = context
        self.microBatch = microBatch
        self.gradientAccumulation = gradientAccumulation
        self.gradientCheckpointing = gradientCheckpointing
        self.gpus = gpus
        self.tensorParallel = max(tensorParallel, 1)
        self.sharding = sharding ?? (gpus / max(tensorParallel, 1) > 1 ? .fsdp : .none)
        self.precision = precision
        self.attentionContext = nil
    }

    /// The same job on `count` GPUs, data-parallel only (sharded with FSDP when more than one).
    public func on(gpus count: Int, sharding: Sharding? = nil) -> TrainingJob {
        on(gpus: count, tensorParallel: 1, sharding: sharding)
    }

    /// The same job on `count` GPUs in tensor-parallel groups of `tensorParallel` (a divisor of
    /// `count`), its count / `tensorParallel` replicas sharded with FSDP when more than one.
    public func on(gpus count: Int, tensorParallel: Int, sharding: Sharding? = nil) -> TrainingJob {
        var copy = self
        copy.gpus = count
        copy.tensorParallel = max(tensorParallel, 1)
        copy.sharding = sharding ?? (count / copy.tensorParallel > 1 ? .fsdp : .none)
        return copy
    }

    /// Model replicas: gpus / tensorParallel.
    public var dataParallel: Int { max(gpus / tensorParallel, 1) }
    /// GPUs each sharded weight is split over by FSDP / ZeRO-3 (the data-parallel replicas; 1
    /// without sharding).
    public var shards: Int { sharding == .fsdp ? dataParallel : 1 }

    /// Tokens per model replica (one GPU, or one tensor-parallel group) per micro-step.
    public var tokensPerMicroStep: Double { Double(microBatch) * Double(context) }
    /// Tokens per optimizer step over all GPUs.
    public var tokensPerStep: Double { tokensPerMicroStep * Double(gradientAccumulation) * Double(dataParallel) }

    /// Trainable parameters: the adapters (LoRA, QLoRA) or every stored parameter (full).
    public var trainableParameters: Double {
        method == .full ? model.totalParameters : model.loraParameters(rank: rank, targets: targets)
    }

    /// Training FLOPs per token (recompute included when checkpointing).
    public var flopsPerToken: Double { flops.perToken(context: Double(attentionContext ?? context)) }

    /// Model FLOPs per token: without the recompute of checkpointing (what MFU counts).
    public var modelFlopsPerToken: Double {
        var plain = self
        plain.gradientCheckpointing = false
        return plain.flopsPerToken
    }

    /// The FLOP counter for this job's recipe.
    public var flops: TrainingFlops {
        TrainingFlops(model: model, method: method, rank: rank, targets: targets, gradientCheckpointing: gradientCheckpointing)
    }
}
