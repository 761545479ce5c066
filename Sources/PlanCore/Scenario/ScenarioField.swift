import Foundation

/// Every numeric scenario field, by its dotted path: the one table of valid ranges, units and
/// accessors (`spec`). The loader validates with it, sweeps (`--vary`) and Monte Carlo
/// (`uncertainty`) read, set and clamp through it, `plan estimate` checks its flags of the same
/// meaning against it, and `scenarios/README.md`'s "Numeric fields" table is tested against it.
///
/// Not here, and read by `ScenarioLoader` alone: the named choices (`finetune.method`,
/// `finetune.precision`, `hardware.stack`, `hardware.sharding`, `hardware.pricing`,
/// `merge.method`, strategy names; their values come from the Swift enums and the catalogs),
/// the booleans (`finetune.packing`, `finetune.gradient_checkpointing`, which also takes `auto`),
/// names and lists (`model`, `hardware.gpu`, `hardware.profile`, `finetune.targets`, language
/// codes), and the inline `model` architecture (the catalog's schema, `ModelArchitecture.read`).
/// `hardware.gpus_per_job` is numeric with the keyword `auto`; `hardware.tensor_parallel` and a
/// strategy entry's `tensor_parallel` are whole numbers the loader also checks against the model,
/// the GPU and the GPUs per job, and are not variable (`Scenario.variable` refuses them).
///
/// Case order: the variable fields of each section first, in the order `plan sweep --help` lists them.
public enum ScenarioField: String, CaseIterable, Sendable {
    case hardwareMFU = "hardware.mfu"
    case hardwareUSDPerGPUHour = "hardware.usd_per_gpu_hour"
    case hardwareReservedUSDPerGPUHour = "hardware.reserved_usd_per_gpu_hour"
    case hardwarePUE = "hardware.pue"
    case hardwareKgCO2PerKWh = "hardware.kg_co2_per_kwh"
    case hardwareGPUWatts = "hardware.gpu_watts"
    case hardwarePoolGPUs = "hardware.pool_gpus"
    case hardwareMergeEfficiency = "hardware.merge_efficiency"
    case hardwareGEMMEfficiency = "hardware.gemm_efficiency"
    case hardwareNetworkGBPerS = "hardware.network_gb_per_s"
    case hardwareGPUsPerJob = "hardware.gpus_per_job"
    case hardwareTensorParallel = "hardware.tensor_parallel"
    case hardwarePeakTFLOPS = "hardware.peak_tflops"
    case hardwareLinkGBPerS = "hardware.link_gb_per_s"

    case finetuneEpochs = "finetune.epochs"
    case finetuneRank = "finetune.rank"
    case finetuneSequenceLength = "finetune.sequence_length"
    case finetuneMicroBatchSize = "finetune.micro_batch_size"
    case finetuneGradientAccumulation = "finetune.gradient_accumulation"
    case finetuneAlpha = "finetune.alpha"
    case finetuneEvalEveryExamples = "finetune.eval_every_examples"
    case finetuneEvalExamples = "finetune.eval_examples"

    case overheadsJobStartupMinutes = "overheads.job_startup_minutes"
    case overheadsMergeStartupMinutes = "overheads.merge_startup_minutes"
    case overheadsEvaluationExamplesPerLanguage = "overheads.evaluation_examples_per_language"
    case overheadsEvaluationStartupMinutes = "overheads.evaluation_startup_minutes"
    case overheadsCheckpointSaveMinutes = "overheads.checkpoint_save_minutes"
    case overheadsGeneratedTokensPerExample = "overheads.generated_tokens_per_example"

    case languageExamples = "languages.<code|*>.examples"
    case languageTokensPerExample = "languages.<code|*>.tokens_per_example"
    case languagesCount = "languages.count"

    case scheduleEventsAddExamples = "schedule.events.add_examples"
    case schedulePeriodicEveryDays = "schedule.periodic.every_days"
    case schedulePeriodicAddExamples = "schedule.periodic.add_examples"
    case schedulePoissonPerYear = "schedule.poisson.per_year"
    case schedulePoissonAddExamples = "schedule.poisson.add_examples"
    case scheduleHorizonDays = "schedule.horizon_days"
    case scheduleAdditionsExamples = "schedule.additions.examples"
    case scheduleAdditionsTokensPerExample = "schedule.additions.tokens_per_example"
    case scheduleReleaseEveryDays = "schedule.release_every_days"
    case scheduleEventsDay = "schedule.events.day"
    case schedulePeriodicStartDay = "schedule.periodic.start_day"
    case scheduleAdditionsDay = "schedule.additions.day"

    case version = "version"
    case mergeDensity = "merge.density"
    case mergeSVDRank = "merge.svd_rank"
    case continuedReplayFraction = "continued.replay_fraction"
    case hybridRefreshEveryDays = "hybrid.refresh_every_days"
    case strategyGPUsPerJob = "strategies.gpus_per_job"
    case strategyTensorParallel = "strategies.tensor_parallel"

    case mergeIncrementalReplayFraction = "merge_incremental.replay_fraction"
    case adaptersReplayFraction = "adapters.replay_fraction"
    case adaptersDeployMinutes = "adapters.deploy_minutes"
    case servingUSDPerGPUHour = "serving.usd_per_gpu_hour"
    case servingMaxMsPerOutputToken = "serving.max_ms_per_output_token"
    case servingPeakToMean = "serving.peak_to_mean"
    case servingTrafficScale = "serving.traffic_scale"
    case qualityFloor = "quality.floor"
    case reliabilityGPUFailuresPerHour = "hardware.reliability.gpu_failures_per_hour"
    case reliabilityStorageGBPerS = "hardware.reliability.storage_gb_per_s"
    case reliabilityRestartMinutes = "hardware.reliability.restart_minutes"
    case reliabilityCheckpointIntervalMinutes = "hardware.reliability.checkpoint_interval_minutes"
    case spotUSDPerGPUHour = "hardware.spot.usd_per_gpu_hour"
    case spotPreemptionsPerHour = "hardware.spot.preemptions_per_hour"
    case spotMaxJobHours = "hardware.spot.max_job_hours"
    case spotMaxGPUsPerJob = "hardware.spot.max_gpus_per_job"
    case scheduleMaxUpdateDelayHours = "schedule.max_update_delay_hours"
    case regionUSDPerGPUHour = "regions.usd_per_gpu_hour"
    case regionKgCO2PerKWh = "regions.kg_co2_per_kwh"
    case regionPUE = "regions.pue"
    case servingRequestsPerDay = "serving.traffic.<code|*>.requests_per_day"
    case servingInputTokens = "serving.traffic.<code|*>.input_tokens"
    case servingOutputTokens = "serving.traffic.<code|*>.output_tokens"
    case qualityRetention = "quality.retention.<strategy|method>"
    case qualityFromRun = "quality.from_run"

    /// The field a concrete path names (`schedule.periodic[1].every_days`, `languages.en.examples`,
    /// see `FieldPath`); nil for a path the table does not hold.
    public init?(path: String) {
        guard let parsed = FieldPath(path) else { return nil }
        self = parsed.field
    }

    /// The list whose entries hold this field (`languages`, `schedule.periodic`, ...); nil for a
    /// field outside any list.
    public var list: ScenarioList? {
        let path = rawValue
        if path.hasPrefix("languages.<") { return .languages }
        return ScenarioList.allCases.first { $0 != .languages && path.hasPrefix($0.rawValue + ".") }
    }

    /// This field's spec.
    public var spec: FieldSpec { Self.specs[self] ?? makeSpec() }

    /// Every spec, in case order.
    public static var all: [FieldSpec] { allCases.map(\.spec) }

    /// The specs sweeps and Monte Carlo may set, in case order.
    public static var variable: [FieldSpec] { all.filter(\.isVariable) }

    private static let specs = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.makeSpec()) })

    /// The smallest MFU, GEMM or merge efficiency accepted: below it a job would take longer
    /// than the age of the universe and its figures stop being finite.
    public static let minimumEfficiency = 1e-6
    /// The range of one parameter of an `uncertainty` distribution (the field's own bounds
    /// then clamp each draw).
    public static let distributionParameterRange = -1e15...1e15

    // The ranges below are the only place a scenario field's valid values are typed.
    private static let efficiency = FieldBounds.real(0...1, above: minimumEfficiency)
    private static let minutes = FieldBounds.real(0...1e6)
    private static let examples = FieldBounds.real(0...1e12)
    private static let tokensPerExample = FieldBounds.real(1...1e8)
    /// A day within the horizon: the loader caps it at `horizon_days`.
    private static let day = FieldBounds.real(0...36_500)
    private static let gpus = FieldBounds.whole(1...1_000_000)
    /// A tensor-parallel degree; the loader also holds it to the node, the heads and the GPUs per job.
    private static let tensorParallel = FieldBounds.whole(1...MemoryModel.maximumGPUs)

    private func makeSpec() -> FieldSpec {
        switch self {
        case .hardwareMFU:
            return FieldSpec(self, Self.efficiency, unit: "fraction",
                             doc: "an explicit MFU that bypasses the step-time model; without it MFU is an output",
                             access: .scenario(get: { $0.hardware.mfu ?? CostModel(scenario: $0).rate(context: $0.finetune.sequenceLength).mfu },
                                               set: { $0.hardware.mfu = $1 }))
        case .hardwareUSDPerGPUHour:
            return FieldSpec(self, .real(0...1e6), unit: "USD / GPU-hour", doc: "price per GPU-hour", access: .real(\.hardware.usdPerGPUHour))
        case .hardwareReservedUSDPerGPUHour:
            return FieldSpec(self, .real(0...1e6), unit: "USD / GPU-hour",
                             doc: "price per GPU-hour of a reserved pool (default: usd_per_gpu_hour)",
                             access: .scenario(get: { $0.hardware.reservedRate }, set: { $0.hardware.reservedUSDPerGPUHour = $1 }))
        case .hardwarePUE:
            return FieldSpec(self, .real(1...10), unit: "ratio", doc: "data-centre power usage effectiveness", access: .real(\.hardware.pue))
        case .hardwareKgCO2PerKWh:
            return FieldSpec(self, .real(0...10), unit: "kg CO2 / kWh", doc: "grid carbon intensity", access: .real(\.hardware.kgCO2PerKWh))
        case .hardwareGPUWatts:
            return FieldSpec(self, .real(0...1e6, above: 0), unit: "W", doc: "power per GPU (default: the GPU's board power)",
                             access: .real(\.hardware.gpuWatts))
        case .hardwarePoolGPUs:
            return FieldSpec(self, Self.gpus, unit: "GPUs", doc: "the pool jobs queue for (FIFO); sweeps and draws keep it ≥ the widest job",
                             access: .whole(\.hardware.poolGPUs), narrowing: { $0.raisingLower(to: Double($1.widestJobGPUs)) })
        case .hardwareMergeEfficiency:
            return FieldSpec(self, Self.efficiency, unit: "fraction of bandwidth", doc: "fraction of memory bandwidth merge passes reach",
                             access: .real(\.hardware.mergeEfficiency))
        case .hardwareGEMMEfficiency:
            return FieldSpec(self, Self.efficiency, unit: "fraction", doc: "saturated GEMM efficiency (η_max), replacing the stack's",
                             access: .scenario(get: { $0.hardware.gemmEfficiency ?? $0.hardware.gpu.stepCurve?.gemmEfficiencyMax ?? $0.hardware.stack.gemmEfficiencyMax },
                                               set: { $0.hardware.gemmEfficiency = $1 }))
        case .hardwareNetworkGBPerS:
            return FieldSpec(self, .real(0...1e6, above: 0), unit: "GB/s", doc: "per-GPU network bandwidth between nodes (jobs past one node)",
                             access: .scenario(get: { $0.hardware.networkBytesPerSecond / 1e9 }, set: { $0.hardware.networkBytesPerSecond = $1 * 1e9 }))
        case .hardwareGPUsPerJob:
            return FieldSpec(self, Self.gpus, unit: "GPUs", doc: "GPUs per training / evaluation job; `auto`: the memory model's min_gpus",
                             keywords: ["auto"])
        case .hardwareTensorParallel:
            // Not variable: a degree must divide the GPUs per job and the attention heads, so a
            // sweep or a draw would mostly land on invalid layouts (`Scenario.variable` says so).
            return FieldSpec(self, Self.tensorParallel, unit: "GPUs",
                             doc: "GPUs that split each layer of a training / evaluation job (Megatron tensor parallelism; 1 = none)")
        case .hardwarePeakTFLOPS:
            return FieldSpec(self, .real(0...1e9, above: 0), unit: "TFLOP/s", doc: "replaces the GPU's dense peak")
        case .hardwareLinkGBPerS:
            return FieldSpec(self, .real(0...1e6, above: 0), unit: "GB/s",
                             doc: "replaces the GPU's collective bandwidth inside one node for training and evaluation jobs (the catalog's `link_gb_per_s`; e.g. a node without NVLink peer-to-peer; `serving` keeps its GPU's)")

        case .finetuneEpochs:
            return FieldSpec(self, .real(0...10_000, above: 0), unit: "epochs", doc: "passes over the data per training job",
                             access: .real(\.finetune.epochs))
        case .finetuneRank:
            return FieldSpec(self, .whole(1...65_536), unit: "", doc: "LoRA rank r", access: .whole(\.finetune.rank))
        case .finetuneSequenceLength:
            return FieldSpec(self, .whole(1...10_000_000), unit: "tokens", doc: "maximum (packed) sequence length",
                             access: .whole(\.finetune.sequenceLength))
        case .finetuneMicroBatchSize:
            return FieldSpec(self, .whole(1...65_536), unit: "sequences / GPU / micro-step", doc: "sequences per GPU per micro-step",
                             access: .whole(\.finetune.microBatchSize))
        case .finetuneGradientAccumulation:
            return FieldSpec(self, .whole(1...1_000_000), unit: "micro-steps / step", doc: "micro-steps per optimizer step",
                             access: .whole(\.finetune.gradientAccumulation))
        case .finetuneAlpha:
            return FieldSpec(self, .real(0...1e6, above: 0), unit: "", doc: "LoRA alpha (scaling alpha / r; default: the rank)")
        case .finetuneEvalEveryExamples:
            return FieldSpec(self, .real(0...1e12, above: 0), unit: "examples",
                             doc: "evaluate inside each training job after every this many trained examples (epochs counted; default: never)")
        case .finetuneEvalExamples:
            return FieldSpec(self, .real(0...1e12, above: 0), unit: "examples",
                             doc: "examples each in-job evaluation runs, forward only (required with eval_every_examples)")

        case .overheadsJobStartupMinutes:
            return FieldSpec(self, Self.minutes, unit: "minutes", doc: "start-up of a training job: scheduling, container, weight load, tokenising",
                             access: .real(\.overheads.jobStartupMinutes))
        case .overheadsMergeStartupMinutes:
            return FieldSpec(self, Self.minutes, unit: "minutes", doc: "start-up of a merge job: loading the adapters",
                             access: .real(\.overheads.mergeStartupMinutes))
        case .overheadsEvaluationExamplesPerLanguage:
            return FieldSpec(self, .whole(0...1_000_000_000), unit: "examples", doc: "held-out examples evaluated per language after each build",
                             access: .whole(\.overheads.evaluationExamplesPerLanguage))
        case .overheadsEvaluationStartupMinutes:
            return FieldSpec(self, Self.minutes, unit: "minutes", doc: "start-up of an evaluation job (default: job_startup_minutes)")
        case .overheadsCheckpointSaveMinutes:
            return FieldSpec(self, Self.minutes, unit: "minutes", doc: "saving the checkpoint at the end of a training job")
        case .overheadsGeneratedTokensPerExample:
            return FieldSpec(self, .real(0...1e7), unit: "tokens", doc: "tokens generated per evaluated example")

        case .languageExamples:
            return FieldSpec(self, Self.examples, unit: "examples", doc: "training examples at day 0",
                             access: .entries(get: { $0.languages[$1].examples }, set: { $0.languages[$1].examples = $2 }))
        case .languageTokensPerExample:
            return FieldSpec(self, Self.tokensPerExample, unit: "tokens", doc: "prompt + response tokens per example, in the model's tokenizer",
                             access: .entries(get: { $0.languages[$1].tokensPerExample }, set: { $0.languages[$1].tokensPerExample = $2 }))
        case .languagesCount:
            return FieldSpec(self, .whole(1...WorkLimits.languages), unit: "languages",
                             doc: "sweeps and uncertainty only: the first languages kept, new ones (l2, l3, ...) copy the average", inFile: false,
                             access: .scenario(get: { Double($0.languages.count) }, set: { $0.languages = Scenario.resized($0.languages, to: Int($1)) }))

        case .scheduleEventsAddExamples:
            return FieldSpec(self, Self.examples, unit: "examples", doc: "examples an explicit update adds",
                             access: .entries(get: { $0.schedule.events[$1].addExamples }, set: { $0.schedule.events[$1].addExamples = $2 }))
        case .schedulePeriodicEveryDays:
            return FieldSpec(self, Self.day.with(above: 0), unit: "days", doc: "days between periodic updates (at most horizon_days)",
                             access: .entries(get: { $0.schedule.periodic[$1].everyDays }, set: { $0.schedule.periodic[$1].everyDays = $2 }))
        case .schedulePeriodicAddExamples:
            return FieldSpec(self, Self.examples, unit: "examples", doc: "examples each periodic update adds per language",
                             access: .entries(get: { $0.schedule.periodic[$1].addExamples }, set: { $0.schedule.periodic[$1].addExamples = $2 }))
        case .schedulePoissonPerYear:
            return FieldSpec(self, .real(0...100_000), unit: "per year", doc: "random arrivals per selected language per year",
                             access: .entries(get: { $0.schedule.poisson[$1].perYear }, set: { $0.schedule.poisson[$1].perYear = $2 }))
        case .schedulePoissonAddExamples:
            return FieldSpec(self, Self.examples, unit: "examples", doc: "examples each random arrival adds",
                             access: .entries(get: { $0.schedule.poisson[$1].addExamples }, set: { $0.schedule.poisson[$1].addExamples = $2 }))
        case .scheduleHorizonDays:
            return FieldSpec(self, .whole(1...36_500), unit: "days", doc: "planning horizon", access: .whole(\.schedule.horizonDays))
        case .scheduleReleaseEveryDays:
            return FieldSpec(self, .whole(0...36_500), unit: "days", doc: "0: ship each update when ready; N: in N-day release windows")
        case .scheduleEventsDay:
            return FieldSpec(self, Self.day, unit: "day", doc: "day of an explicit update (at most horizon_days)")
        case .schedulePeriodicStartDay:
            return FieldSpec(self, Self.day, unit: "day", doc: "first periodic update (default: every_days; at most horizon_days)")
        case .scheduleAdditionsDay:
            return FieldSpec(self, Self.day, unit: "day", doc: "day a new language joins (at most horizon_days)")
        case .scheduleAdditionsExamples:
            return FieldSpec(self, Self.examples, unit: "examples", doc: "the new language's training examples",
                             access: .entries(get: { $0.schedule.additions[$1].examples }, set: { $0.schedule.additions[$1].examples = $2 }))
        case .scheduleAdditionsTokensPerExample:
            return FieldSpec(self, Self.tokensPerExample, unit: "tokens", doc: "the new language's tokens per example",
                             access: .entries(get: { $0.schedule.additions[$1].tokensPerExample },
                                              set: { $0.schedule.additions[$1].tokensPerExample = $2 }))

        case .version:
            return FieldSpec(self, .whole(0...1_000_000), unit: "", doc: "schema version; only 1 is read")
        case .mergeDensity:
            return FieldSpec(self, .real(0...1, above: 0), unit: "fraction", doc: "fraction of each task vector kept")
        case .mergeSVDRank:
            return FieldSpec(self, .whole(1...1_000_000), unit: "", doc: "rank of the merged adapter for `*svd` methods (default: the largest input rank); `knots_*` write rank Σ r_t")
        case .continuedReplayFraction:
            return FieldSpec(self, .real(0...1), unit: "fraction", doc: "old examples replayed per new example, as a fraction of the existing data")
        case .hybridRefreshEveryDays:
            return FieldSpec(self, .whole(1...100_000), unit: "days", doc: "a full multilingual refresh every this many days")
        case .strategyGPUsPerJob:
            return FieldSpec(self, Self.gpus, unit: "GPUs", doc: "a strategy entry's own GPUs per training / evaluation job")
        case .strategyTensorParallel:
            return FieldSpec(self, Self.tensorParallel, unit: "GPUs", doc: "a strategy entry's own tensor-parallel degree (default: hardware.tensor_parallel)")

        case .mergeIncrementalReplayFraction:
            return FieldSpec(self, .real(0...1), unit: "fraction", doc: "merge-incremental: old examples of the updated language replayed, as a fraction of its data",
                             access: .real(\.mergeIncremental.replayFraction))
        case .adaptersReplayFraction:
            return FieldSpec(self, .real(0...1), unit: "fraction", doc: "adapters with update: continue: old examples replayed, as a fraction of the language's data",
                             access: .real(\.adapters.replayFraction))
        case .adaptersDeployMinutes:
            return FieldSpec(self, Self.minutes, unit: "minutes", doc: "adapters: hot-loading an evaluated adapter into the serving fleet",
                             access: .real(\.adapters.deployMinutes))
        case .servingUSDPerGPUHour:
            return FieldSpec(self, .real(0...1e6), unit: "USD / GPU-hour", doc: "price of a serving GPU-hour (default: hardware.usd_per_gpu_hour)",
                             access: .scenario(get: { $0.serving?.usdPerGPUHour ?? $0.hardware.usdPerGPUHour },
                                               set: { $0.serving?.usdPerGPUHour = $1 }))
        case .servingMaxMsPerOutputToken:
            return FieldSpec(self, .real(0...1e6, above: 0), unit: "ms", doc: "latency target: the longest time per output token (default: none)",
                             access: .scenario(get: { $0.serving?.maxMsPerOutputToken ?? .infinity },
                                               set: { $0.serving?.maxMsPerOutputToken = $1 }))
        case .servingPeakToMean:
            return FieldSpec(self, .real(1...1000), unit: "ratio", doc: "the serving fleet is sized for the mean request rate times this",
                             access: .scenario(get: { $0.serving?.peakToMean ?? 1 }, set: { $0.serving?.peakToMean = $1 }))
        case .servingTrafficScale:
            return FieldSpec(self, .real(0...1e6), unit: "factor", doc: "multiplies every language's requests per day",
                             access: .scenario(get: { $0.serving?.trafficScale ?? 1 }, set: { $0.serving?.trafficScale = $1 }))
        case .qualityFloor:
            return FieldSpec(self, .real(0...2), unit: "fraction of the combined model", doc: "strategies whose quality retention is below this are not eligible",
                             access: .real(\.quality.floor))
        case .reliabilityGPUFailuresPerHour:
            return FieldSpec(self, .real(0...1), unit: "per GPU-hour", doc: "unexpected interruptions per GPU-hour (default 1.97e-5, the Llama 3 report's)",
                             access: .scenario(get: { $0.hardware.reliability?.gpuFailuresPerHour ?? 0 },
                                               set: { $0.hardware.reliability = Self.reliability($0, { $0.gpuFailuresPerHour = $1 }, $1) }))
        case .reliabilityStorageGBPerS:
            return FieldSpec(self, .real(0...1e6, above: 0), unit: "GB/s per node", doc: "checkpoint write bandwidth per node (default 2)",
                             access: .scenario(get: { $0.hardware.reliability?.storageGBPerSecondPerNode ?? ReliabilitySettings().storageGBPerSecondPerNode },
                                               set: { $0.hardware.reliability = Self.reliability($0, { $0.storageGBPerSecondPerNode = $1 }, $1) }))
        case .reliabilityRestartMinutes:
            return FieldSpec(self, Self.minutes, unit: "minutes", doc: "restart after a failure: rescheduling, start-up, restore (default: job_startup_minutes)",
                             access: .scenario(get: { $0.hardware.reliability?.restartMinutes ?? $0.overheads.jobStartupMinutes },
                                               set: { $0.hardware.reliability = Self.reliability($0, { $0.restartMinutes = $1 }, $1) }))
        case .reliabilityCheckpointIntervalMinutes:
            return FieldSpec(self, .real(0...1e6, above: 0), unit: "minutes", doc: "minutes between checkpoints; `auto`: the Young/Daly optimum per job",
                             keywords: ["auto"])
        case .spotUSDPerGPUHour:
            return FieldSpec(self, .real(0...1e6), unit: "USD / GPU-hour", doc: "price of a spot GPU-hour (required with the block)",
                             access: .scenario(get: { $0.hardware.spot?.usdPerGPUHour ?? $0.hardware.usdPerGPUHour },
                                               set: { $0.hardware.spot = Self.spot($0, { $0.usdPerGPUHour = $1 }, $1) }))
        case .spotPreemptionsPerHour:
            return FieldSpec(self, .real(0...100), unit: "per node-hour", doc: "spot preemptions per node-hour (required with the block)",
                             access: .scenario(get: { $0.hardware.spot?.preemptionsPerHour ?? 0 },
                                               set: { $0.hardware.spot = Self.spot($0, { $0.preemptionsPerHour = $1 }, $1) }))
        case .spotMaxJobHours:
            return FieldSpec(self, .real(0...1e7, above: 0), unit: "hours", doc: "longer training jobs (failure-free wall time) run on-demand (default: no limit)",
                             access: .scenario(get: { $0.hardware.spot?.maxJobHours ?? .infinity },
                                               set: { $0.hardware.spot = Self.spot($0, { $0.maxJobHours = $1 }, $1) }))
        case .spotMaxGPUsPerJob:
            return FieldSpec(self, Self.gpus, unit: "GPUs", doc: "wider training jobs run on-demand (default: no limit)",
                             access: .scenario(get: { $0.hardware.spot?.maxGPUsPerJob.map(Double.init) ?? .infinity },
                                               set: { $0.hardware.spot = Self.spot($0, { $0.maxGPUsPerJob = Int($1) }, $1) }))
        case .scheduleMaxUpdateDelayHours:
            return FieldSpec(self, .real(0...8760), unit: "hours", doc: "a training job may wait this long for a cleaner hour of its region's grid (default 0)",
                             access: .real(\.schedule.maxUpdateDelayHours))
        case .regionUSDPerGPUHour:
            return FieldSpec(self, .real(0...1e6), unit: "USD / GPU-hour", doc: "a region's GPU price (default: hardware.usd_per_gpu_hour)",
                             access: .entries(get: { $0.regions[$1].usdPerGPUHour }, set: { $0.regions[$1].usdPerGPUHour = $2 }))
        case .regionKgCO2PerKWh:
            return FieldSpec(self, .real(0...10), unit: "kg CO2 / kWh", doc: "a region's grid intensity: one number or 24 hourly values (sweeps set a flat one; default: hardware's)",
                             access: .entries(get: { $0.regions[$1].dailyMeanKgCO2PerKWh }, set: { $0.regions[$1].kgCO2PerKWh = [$2] }))
        case .regionPUE:
            return FieldSpec(self, .real(1...10), unit: "ratio", doc: "a region's power usage effectiveness (default: hardware.pue)",
                             access: .entries(get: { $0.regions[$1].pue }, set: { $0.regions[$1].pue = $2 }))
        case .servingRequestsPerDay:
            return FieldSpec(self, .real(0...1e12), unit: "requests / day", doc: "a language's serving traffic (`*`: every language's default; else 0)")
        case .servingInputTokens:
            return FieldSpec(self, .real(0...1e7), unit: "tokens", doc: "prompt tokens per request (default 512)")
        case .servingOutputTokens:
            return FieldSpec(self, .real(1...1e7), unit: "tokens", doc: "generated tokens per request (default 256)")
        case .qualityRetention:
            return FieldSpec(self, .real(0...2), unit: "fraction of the combined model", doc: "quality retention of a strategy, or of a merge method (its merged strategies)")
        case .qualityFromRun:
            return FieldSpec(self, .whole(1...1_000_000_000), unit: "run id", doc: "a stored plan quality run whose measured retention per merge method is used")
        }
    }
}

extension ScenarioField {
    /// The scenario's reliability block (the defaults when it has none) with one field set: a
    /// sweep over a reliability field on a scenario without the block prices failures from then on.
    static func reliability(_ scenario: Scenario, _ change: (inout ReliabilitySettings, Double) -> Void, _ value: Double) -> ReliabilitySettings {
        var settings = scenario.hardware.reliability ?? ReliabilitySettings()
        change(&settings, value)
        return settings
    }
}

extension ScenarioField {
    /// The scenario's spot block (on-demand price and no preemptions when it has none) with one
    /// field set; it prices jobs only where a capacity is spot.
    static func spot(_ scenario: Scenario, _ change: (inout SpotSettings, Double) -> Void, _ value: Double) -> SpotSettings {
        var settings = scenario.hardware.spot ?? SpotSettings(usdPerGPUHour: scenario.hardware.usdPerGPUHour, preemptionsPerHour: 0)
        change(&settings, value)
        return settings
    }
}

extension FieldBounds {
    /// The same bounds with an exclusive lower bound.
    func with(above: Double) -> FieldBounds {
        var copy = self
        copy.above = above
        return copy
    }
}

extension FieldSpec.Access {
    static func real(_ keyPath: WritableKeyPath<Scenario, Double> & Sendable) -> Self {
        .scenario(get: { $0[keyPath: keyPath] }, set: { $0[keyPath: keyPath] = $1 })
    }

    /// A whole-number field; `set` is given a rounded value within the field's bounds.
    static func whole(_ keyPath: WritableKeyPath<Scenario, Int> & Sendable) -> Self {
        .scenario(get: { Double($0[keyPath: keyPath]) }, set: { $0[keyPath: keyPath] = Int($1) })
    }
}
