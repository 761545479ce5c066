import Foundation

/// Everything the planner needs to price a maintenance plan: model, fine-tuning recipe,
/// hardware, overheads, languages, merge, schedule, strategies and uncertainty.
///
/// Built by `ScenarioLoader` from a `version: 1` YAML file; `scenarios/README.md` documents
/// every field with its unit and default. Every value here is already validated.
public struct Scenario: Sendable, Equatable {
    public var name: String
    public var description: String
    public var model: ModelArchitecture
    public var finetune: Finetune
    public var hardware: Hardware
    public var overheads: Overheads
    /// Languages in file order.
    public var languages: [Language]
    public var merge: MergeSettings
    public var schedule: Schedule
    public var strategies: [StrategyKind]
    /// Per-strategy resources from `strategies` entries written as mappings
    /// (`- {name: full-retrain, gpus_per_job: 8}`); strategies written as plain names have none.
    public var strategyOptions: [StrategyKind: StrategyOptions] = [:]
    public var continued: ContinuedSettings
    public var hybrid: HybridSettings
    public var mergeIncremental = MergeIncrementalSettings()
    public var adapters = AdaptersSettings()
    /// The `serving:` block; nil → serving is not priced.
    public var serving: ServingSettings?
    public var quality = QualitySettings()
    /// Regions jobs may run in (`regions:`); empty → the hardware's own price and grid.
    public var regions: [Region] = []
    /// Monte Carlo inputs: field path → distribution, in file order.
    public var uncertainty: [(path: String, distribution: Distribution)]

    public static func == (lhs: Scenario, rhs: Scenario) -> Bool {
        lhs.name == rhs.name && lhs.description == rhs.description && lhs.model == rhs.model
            && lhs.finetune == rhs.finetune && lhs.hardware == rhs.hardware && lhs.overheads == rhs.overheads
            && lhs.languages == rhs.languages && lhs.merge == rhs.merge && lhs.schedule == rhs.schedule
            && lhs.strategies == rhs.strategies && lhs.strategyOptions == rhs.strategyOptions && lhs.continued == rhs.continued && lhs.hybrid == rhs.hybrid
            && lhs.mergeIncremental == rhs.mergeIncremental && lhs.adapters == rhs.adapters && lhs.serving == rhs.serving
            && lhs.quality == rhs.quality && lhs.regions == rhs.regions
            && lhs.uncertainty.map(\.path) == rhs.uncertainty.map(\.path)
            && lhs.uncertainty.map(\.distribution) == rhs.uncertainty.map(\.distribution)
    }

    /// The hardware one strategy's jobs run on: the scenario's, with that strategy's
    /// `gpus_per_job`, `tensor_parallel` and `capacity` overrides applied (a strategy whose own
    /// tensor-parallel degree leaves `gpus_per_job: auto` gets the count the loader resolved for it).
    public func hardware(for strategy: StrategyKind) -> Hardware {
        var result = hardware
        guard let options = strategyOptions[strategy] else { return result }
        if let tensorParallel = options.tensorParallel { result.tensorParallel = tensorParallel }
        if let gpus = options.gpusPerJob {
            result.gpusPerJob = gpus
            result.gpusPerJobAuto = false
        } else if let resolved = options.autoGPUsPerJob {
            result.gpusPerJob = resolved
        }
        if let capacity = options.capacity { result.capacity = capacity }
        return result
    }

    /// Whether any strategy's jobs run on other than on-demand capacity (the outputs then say
    /// which capacity each strategy's jobs ran on).
    public var usesCapacityMarkets: Bool {
        strategies.contains { hardware(for: $0).capacity != .onDemand }
    }

    /// The most GPUs any job of any simulated strategy asks for (the smallest valid pool).
    public var widestJobGPUs: Int {
        strategies.map { hardware(for: $0).gpusPerJob }.max() ?? hardware.gpusPerJob
    }

    /// The language with this code, if any.
    public func language(_ code: String) -> Language? { languages.first { $0.code == code } }
}

/// How the model is fine-tuned.
public struct Finetune: Sendable, Equatable {
    public enum Method: String, Sendable, CaseIterable { case lora, qlora, full }

    public var method: Method = .lora
    /// LoRA rank r (ignored for `full`).
    public var rank: Int = 16
    /// LoRA alpha (scaling alpha / r).
    public var alpha: Double = 16
    /// Projection names that carry adapters.
    public var targets: [String] = ModelArchitecture.projectionNames
    public var epochs: Double = 1
    public var gradientCheckpointing: Bool = false
    /// `gradient_checkpointing: auto` (the default): on only when a job does not fit without it.
    public var gradientCheckpointingAuto: Bool = true
    /// The checkpointing policy these settings give.
    public var checkpointingPolicy: CheckpointingPolicy {
        gradientCheckpointingAuto ? .auto : (gradientCheckpointing ? .on : .off)
    }
    /// Pack examples into full sequences (attention context = `sequenceLength`), or pad each
    /// example on its own (context = its tokens).
    public var packing: Bool = true
    /// Maximum training sequence length in tokens.
    public var sequenceLength: Int = 4096
    /// Sequences per GPU per micro-step.
    public var microBatchSize: Int = 1
    /// Micro-steps per optimizer step.
    public var gradientAccumulation: Int = 1
    /// Precision recipe of full fine-tuning (memory and optimizer traffic).
    public var precision: PrecisionRecipe = .mixed
    /// Periodic evaluation inside each training job (`eval_every_examples`, `eval_examples`); nil → none.
    public var evaluation: EvaluationSchedule? = nil

    /// The defaults (`ScenarioDefaults.finetune`, what `finetune: {}` decodes to).
    public init() {}
}

/// The GPU pool and its prices.
public struct Hardware: Sendable, Equatable {
    /// Catalog GPU (or machine profile) the rates come from.
    public var gpu: GPUSpec
    public var poolGPUs: Int = ScenarioDefaults.poolGPUs
    /// GPUs per job: the explicit count, or (when `gpusPerJobAuto`) the smallest count on which
    /// the scenario's training job fits, resolved by the loader.
    public var gpusPerJob: Int = ScenarioDefaults.gpusPerJob
    /// `gpus_per_job: auto` (the default): each job gets the memory model's `min_gpus`.
    public var gpusPerJobAuto: Bool = true
    /// GPUs that split each layer of a training or evaluation job (`hardware.tensor_parallel`,
    /// Megatron tensor parallelism; 1 = none). The loader checks that it divides `gpusPerJob`
    /// and the model's attention heads and fits in one node; `auto` counts are multiples of it.
    public var tensorParallel: Int = ScenarioDefaults.tensorParallel
    /// An explicit model FLOPs utilisation that bypasses the step-time model, in (0, 1]; nil →
    /// the step-time model (MFU is then an output).
    public var mfu: Double? = nil
    /// Failures and checkpoint-restart of training jobs; nil → none (`hardware.reliability`).
    public var reliability: ReliabilitySettings? = nil
    /// The capacity market jobs run on (`hardware.capacity`; a strategy entry may override it).
    public var capacity: Capacity = .onDemand
    /// The spot market (`hardware.spot`); required when any capacity is spot.
    public var spot: SpotSettings? = nil
    /// Where jobs run when the scenario lists `regions` (`hardware.placement`, default cheapest).
    public var placement: Placement = .cheapest
    /// `hardware.placement` as written, checked against `regions` by the loader.
    var placementText: String? = nil
    /// The software stack (step-time and memory parameters).
    public var stack: SoftwareStack
    /// An explicit saturated GEMM efficiency replacing the stack's, in (0, 1]; nil → the stack's.
    public var gemmEfficiency: Double? = nil
    /// Sharding of multi-GPU jobs; nil → fsdp past one GPU.
    public var sharding: Sharding? = nil
    /// Per-GPU network bandwidth between nodes, bytes/s (jobs past one node).
    public var networkBytesPerSecond: Double = ScenarioDefaults.networkBytesPerSecond
    /// Fraction of memory bandwidth merge kernels achieve, in (0, 1].
    public var mergeEfficiency: Double = ScenarioDefaults.mergeEfficiency
    /// On-demand price: busy GPU-hours are paid at this rate.
    public var usdPerGPUHour: Double = ScenarioDefaults.usdPerGPUHour
    /// Reserved price: a reserved pool pays every GPU for the whole horizon at this rate; nil →
    /// `usdPerGPUHour`.
    public var reservedUSDPerGPUHour: Double? = nil
    /// The reserved rate in force.
    public var reservedRate: Double { reservedUSDPerGPUHour ?? usdPerGPUHour }
    /// Power per GPU in watts; defaults to the GPU's board power.
    public var gpuWatts: Double
    public var pue: Double = ScenarioDefaults.pue
    public var kgCO2PerKWh: Double = ScenarioDefaults.kgCO2PerKWh
    /// How the pool is paid for: busy GPU-hours only, or every pool GPU for the whole horizon.
    public var pricing: Pricing = ScenarioDefaults.pricing

    /// `hardware.pricing`.
    public enum Pricing: String, Sendable, Equatable, CaseIterable {
        /// Pay for busy GPU-hours only (cloud on demand).
        case onDemand = "on-demand"
        /// Pay `usd_per_gpu_hour` for every pool GPU over the whole horizon, busy or idle
        /// (an owned or reserved pool).
        case reserved
    }

    /// The defaults (`ScenarioDefaults`) on `gpu` with `stack`; power is the GPU's board power.
    public init(gpu: GPUSpec, stack: SoftwareStack) {
        self.gpu = gpu
        self.stack = stack
        self.gpuWatts = gpu.boardWatts
    }

    /// The stack with the scenario's GEMM-efficiency override applied.
    public var effectiveStack: SoftwareStack {
        var copy = stack
        if let gemmEfficiency { copy.gemmEfficiencyMax = gemmEfficiency }
        return copy
    }
}

/// Fixed per-job costs and evaluation sizes.
public struct Overheads: Sendable, Equatable {
    /// Start-up of a training job: scheduling, container, weight loading, tokenisation.
    public var jobStartupMinutes: Double = 10
    /// Start-up of a merge job (loading the adapters).
    public var mergeStartupMinutes: Double = 2
    /// Start-up of an evaluation job; nil → `jobStartupMinutes`.
    public var evaluationStartupMinutes: Double? = nil
    /// Saving the trained checkpoint at the end of a training job.
    public var checkpointSaveMinutes: Double = 0
    /// Held-out examples evaluated per language after each build.
    public var evaluationExamplesPerLanguage: Int = 500
    /// Tokens generated per evaluated example (0 for scoring-only tasks).
    public var generatedTokensPerExample: Double = 0

    /// The defaults (`ScenarioDefaults.overheads`).
    public init() {}

    public var evaluationStartupMinutesResolved: Double { evaluationStartupMinutes ?? jobStartupMinutes }
}

/// One language's training data.
public struct Language: Sendable, Equatable {
    /// Short code as written in the scenario (`en`, `de`, ...).
    public var code: String
    /// Training examples at day 0.
    public var examples: Double
    /// Average prompt + response tokens per example.
    public var tokensPerExample: Double

    public init(code: String, examples: Double, tokensPerExample: Double) {
        self.code = code
        self.examples = examples
        self.tokensPerExample = tokensPerExample
    }
}

/// How adapters are merged (see `plan merge` for the exact semantics).
public struct MergeSettings: Sendable, Equatable {
    public var method: String = "ties"
    public var density: Double = 0.5
    /// Rank of the merged adapter for the `*svd` and `knots_*` methods; nil → input rank.
    public var svdRank: Int? = nil

    /// The defaults (`ScenarioDefaults.merge`).
    public init() {}
}

/// Settings for the `continued` strategy.
public struct ContinuedSettings: Sendable, Equatable {
    /// Old examples replayed per new example, as a fraction of the existing data (0…1).
    public var replayFraction: Double = 0.1
    public init() {}
}

/// Settings for the `hybrid` strategy.
public struct HybridSettings: Sendable, Equatable {
    /// A full multilingual refresh every this many days (merge otherwise).
    public var refreshEveryDays: Int = 180
    public init() {}
}

/// Resources of one strategy that differ from the scenario's hardware.
public struct StrategyOptions: Sendable, Equatable {
    /// GPUs each of this strategy's training and evaluation jobs uses; nil → `hardware.gpus_per_job`.
    public var gpusPerJob: Int?
    /// The tensor-parallel degree of this strategy's training and evaluation jobs; nil →
    /// `hardware.tensor_parallel`.
    public var tensorParallel: Int?
    /// The capacity this strategy's jobs run on; nil → `hardware.capacity`.
    public var capacity: Capacity?
    /// `gpus_per_job: auto` resolved for this strategy's own `tensorParallel` (set by the
    /// loader when the strategy has a tensor-parallel degree and no `gpusPerJob`).
    public var autoGPUsPerJob: Int?

    public init(gpusPerJob: Int? = nil, tensorParallel: Int? = nil, capacity: Capacity? = nil) {
        self.gpusPerJob = gpusPerJob
        self.tensorParallel = tensorParallel
        self.capacity = capacity
    }
}

/// The maintenance strategies the simulation compares.
public enum StrategyKind: String, Sendable, CaseIterable, Equatable {
    case fullRetrain = "full-retrain"
    case merge
    case continued
    case hybrid
    /// As merge; an update continues each updated adapter on its new examples plus a replay fraction, then re-merges.
    case mergeIncremental = "merge-incremental"
    /// One adapter per language, never merged: served routed by language (multi-LoRA).
    case adapters

    /// Whether the strategy trains one adapter per language (its initial build is per language).
    public var trainsAdapters: Bool { self == .merge || self == .hybrid || self == .mergeIncremental || self == .adapters }
    /// Whether the served model is a merge of per-language adapters.
    public var servesMerge: Bool { self == .merge || self == .hybrid || self == .mergeIncremental }
}

/// A probability distribution for a Monte Carlo input.
public enum Distribution: Sendable, Equatable {
    case uniform(low: Double, high: Double)
    case triangular(low: Double, mode: Double, high: Double)
    case normal(mean: Double, sd: Double)
    /// Log-normal given by its median and the standard deviation of log(x).
    case lognormal(median: Double, sigma: Double)
}
