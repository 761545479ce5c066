import Foundation

/// One training job described by names, as `plan estimate` flags, scenario fields, anchors and
/// imported runs give it; `resolve` turns it into a priced job against a catalog.
public struct JobSpec: Sendable, Equatable {
    public var model: String
    public var method: Finetune.Method = ScenarioDefaults.finetune.method
    public var rank: Int = ScenarioDefaults.finetune.rank
    public var targets: [String] = ScenarioDefaults.finetune.targets
    public var gpu: String = ScenarioDefaults.gpu
    public var gpus: Int = ScenarioDefaults.gpusPerJob
    public var microBatch: Int = ScenarioDefaults.finetune.microBatchSize
    public var gradientAccumulation: Int = ScenarioDefaults.finetune.gradientAccumulation
    public var sequenceLength: Int = ScenarioDefaults.finetune.sequenceLength
    public var attentionContext: Int?
    /// true / false, or nil for auto (on only when the job does not fit without it).
    public var gradientCheckpointing: Bool? = false
    public var stack: String = SoftwareStack.defaultName
    /// nil → `fsdp` on more than one GPU.
    public var sharding: Sharding?
    public var precision: PrecisionRecipe = ScenarioDefaults.finetune.precision
    /// GPUs that split each layer (`tensor_parallel`, `--tensor-parallel`); must divide `gpus`
    /// and the model's attention heads.
    public var tensorParallel: Int = 1
    /// Whether the stack overlaps tensor-parallel collectives with GEMMs (`tp_comm_overlap`,
    /// `--[no-]tp-comm-overlap`; NeMo's `ub_tp_comm_overlap`).
    public var tensorParallelCommOverlap = true

    public init(model: String) { self.model = model }

    /// A resolved job: its shape, device and stack.
    public struct Resolved: Sendable, Equatable {
        public var job: TrainingJob
        public var gpu: GPUSpec
        public var stack: SoftwareStack
        /// The checkpointing policy the job was resolved with (for `min_gpus`).
        public var checkpointing: CheckpointingPolicy = .off
        public var memory: MemoryModel { MemoryModel(stack: stack) }
        public func stepTime(networkBytesPerSecond: Double = ScenarioDefaults.networkBytesPerSecond) -> StepTimeModel {
            StepTimeModel(stack: stack, networkBytesPerSecond: networkBytesPerSecond)
        }
    }

    /// Looks the names up in `catalog` (`architecture` replaces the model name when given, e.g.
    /// from a config.json; `device` replaces the GPU name, e.g. a calibrated profile).
    public func resolve(in catalog: Catalog, architecture: ModelArchitecture? = nil, device: GPUSpec? = nil) throws -> Resolved {
        let model = try architecture ?? catalog.model(model)
        let gpu = try device ?? catalog.gpu(gpu)
        let stack = try catalog.stack(stack)
        for target in targets where model.projectionShape(target) == nil {
            throw PlanCoreError.invalidArgument(
                "unknown projection '\(target)'; expected names from \(ModelArchitecture.projectionNames.joined(separator: ","))")
        }
        try checkTensorParallel(model)
        var job = TrainingJob(
            model: model, method: method, rank: rank, targets: targets, context: sequenceLength, microBatch: microBatch,
            gradientAccumulation: gradientAccumulation, gradientCheckpointing: gradientCheckpointing ?? false, gpus: gpus,
            sharding: sharding, precision: precision, tensorParallel: tensorParallel)
        job.attentionContext = attentionContext
        job.tensorParallelCommOverlap = tensorParallelCommOverlap
        let policy = CheckpointingPolicy(gradientCheckpointing)
        job = MemoryModel(stack: stack).resolving(job, gpu: gpu, policy: policy)
        return Resolved(job: job, gpu: gpu, stack: stack, checkpointing: policy)
    }

    /// Refuses a tensor-parallel degree below 1, or one that does not divide the GPUs or the
    /// model's attention heads (Megatron splits attention by heads).
    func checkTensorParallel(_ model: ModelArchitecture) throws {
        let t = tensorParallel
        guard t >= 1 else { throw PlanCoreError.invalidJob("tensor_parallel must be at least 1, got \(t)") }
        guard gpus % t == 0 else {
            throw PlanCoreError.invalidJob("tensor_parallel \(t) does not divide the job's \(gpus) GPUs; give a divisor of \(gpus)")
        }
        if let problem = TensorParallelLayout.headsProblem(t, model: model) { throw PlanCoreError.invalidJob(problem) }
    }

    /// Parses a comma- or semicolon-separated projection list; `all` → all seven.
    public static func parseTargets(_ text: String) -> [String] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed == "all" { return ModelArchitecture.projectionNames }
        return trimmed.split(whereSeparator: { $0 == "," || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
