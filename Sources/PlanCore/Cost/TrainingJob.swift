import Foundation

/// The shape of one training job's optimizer step: what the memory and step-time models price.
///
/// One micro-step processes `microBatch` sequences of `context` tokens on each GPU; an optimizer
/// step is `gradientAccumulation` micro-steps on each of `gpus` GPUs.
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

    public init(
        model: ModelArchitecture, method: Finetune.Method, rank: Int = 16,
        targets: [String] = ModelArchitecture.projectionNames, context: Int = 4096, microBatch: Int = 1,
        gradientAccumulation: Int = 1, gradientCheckpointing: Bool = false, gpus: Int = 1,
        sharding: Sharding? = nil, precision: PrecisionRecipe = .mixed
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
        self.sharding = sharding ?? (gpus > 1 ? .fsdp : .none)
        self.precision = precision
        self.attentionContext = nil
    }

    /// The same job on `count` GPUs (sharded with FSDP when more than one).
    public func on(gpus count: Int, sharding: Sharding? = nil) -> TrainingJob {
        var copy = self
        copy.gpus = count
        copy.sharding = sharding ?? (count > 1 ? .fsdp : .none)
        return copy
    }

    /// Tokens per GPU per micro-step.
    public var tokensPerMicroStep: Double { Double(microBatch) * Double(context) }
    /// Tokens per optimizer step over all GPUs.
    public var tokensPerStep: Double { tokensPerMicroStep * Double(gradientAccumulation) * Double(gpus) }

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
