import Foundation

/// Prices training, merge and evaluation jobs for one scenario (DESIGN §4, §4a).
///
/// Training: the step-time model (`StepTimeModel`) gives tokens per second per GPU for the
/// job's shape (context, micro-batch, GPUs, stack); wall seconds = tokens / (GPUs × that) + fixed
/// overheads. With an explicit `hardware.mfu` the job is priced as model FLOPs / (GPUs × peak × MFU)
/// instead (`JobRate`, the rate `plan estimate` uses too). GPUs per job come from the memory model (`gpus_per_job: auto`) or the scenario.
/// Merges: bytes / (bandwidth × merge efficiency). Dollars, kWh and CO2 follow from GPU-hours.
public struct CostModel: Sendable, Equatable {
    public let model: ModelArchitecture
    public let finetune: Finetune
    public let hardware: Hardware
    public let overheads: Overheads
    public let merge: MergeSettings

    public init(model: ModelArchitecture, finetune: Finetune, hardware: Hardware, overheads: Overheads, merge: MergeSettings) {
        self.model = model
        self.finetune = finetune
        self.hardware = hardware
        self.overheads = overheads
        self.merge = merge
        // Model FLOPs (no recompute); a checkpointing job's executed FLOPs add one forward.
        flops = TrainingFlops(model: model, method: finetune.method, rank: finetune.rank, targets: finetune.targets,
                              gradientCheckpointing: false)
        mergeCost = MergeCostModel(method: merge.method, model: model, rank: finetune.rank, targets: finetune.targets)
        totalParameters = model.totalParameters
        var device = hardware.gpu
        if let gemm = hardware.gemmEfficiency { device.stepCurve?.gemmEfficiencyMax = gemm }
        self.device = device
        stack = hardware.effectiveStack
        sequenceRate = nil
        sequenceRate = rate(context: finetune.sequenceLength)
        checkpointBytes = sequenceRate.map { Goodput.checkpointBytes($0.job) } ?? 0
    }

    public init(scenario: Scenario) {
        self.init(model: scenario.model, finetune: scenario.finetune, hardware: scenario.hardware,
                  overheads: scenario.overheads, merge: scenario.merge)
    }

    // Derived once: the simulation prices thousands of jobs per Monte Carlo trial.
    public let flops: TrainingFlops
    /// Bytes one checkpoint of the training job writes (`Goodput.checkpointBytes`).
    public private(set) var checkpointBytes = 0.0
    let mergeCost: MergeCostModel
    let totalParameters: Double
    /// The device jobs run on (with the scenario's efficiency override applied to a fitted curve).
    let device: GPUSpec
    let stack: SoftwareStack
    /// The training rate at the sequence length (packed sequences, the GPUs a job runs on):
    /// derived once, as every training and evaluation job asks for it.
    private var sequenceRate: TrainingRate?

    public var rates: EnergyRates { EnergyRates(hardware: hardware) }

    /// How fast one training job of a given context runs, and on how many GPUs.
    public struct TrainingRate: Sendable, Equatable {
        public var job: TrainingJob
        public var memory: MemoryBreakdown
        /// The memory model's smallest fitting GPU count (nil: nothing up to 512 fits).
        public var minimumGPUs: Int?
        public var throughput: StepTimeModel.Throughput
        /// Tokens per second over all the job's GPUs.
        public var tokensPerSecond: Double
        /// Achieved MFU (an output, or the explicit override).
        public var mfu: Double
    }

    /// The shape of a training job with `context` tokens per sequence on `gpus` GPUs, in
    /// tensor-parallel groups of `tensorParallel` (1: data-parallel only; it divides `gpus`).
    public func trainingJob(context: Int, gpus: Int, tensorParallel: Int = 1) -> TrainingJob {
        TrainingJob(
            model: model, method: finetune.method, rank: finetune.rank, targets: finetune.targets, context: context,
            microBatch: finetune.microBatchSize, gradientAccumulation: finetune.gradientAccumulation,
            gradientCheckpointing: finetune.gradientCheckpointing, gpus: gpus, sharding: hardware.sharding,
            precision: finetune.precision, tensorParallel: tensorParallel)
    }

    /// The memory model this scenario uses.
    public var memoryModel: MemoryModel { MemoryModel(stack: stack) }

    /// The rate of a training job whose sequences hold `context` tokens, in the hardware's
    /// tensor-parallel groups (`hardware.tensor_parallel`; `min_gpus` then counts multiples of it).
    public func rate(context: Int) -> TrainingRate {
        if let sequenceRate, sequenceRate.job.context == context { return sequenceRate }
        let memory = memoryModel
        let t = max(hardware.tensorParallel, 1)
        let single = trainingJob(context: context, gpus: 1)
        let policy = finetune.checkpointingPolicy
        let minimum = memory.minimumGPUs(single, gpu: device, policy: policy, tensorParallel: t)
        // Without a fitting count `auto` keeps the given one, in whole tensor-parallel groups.
        let fallback = (max(hardware.gpusPerJob, 1) + t - 1) / t * t
        let gpus = hardware.gpusPerJobAuto ? (minimum.map(hardware.autoGPUsPerJob) ?? fallback) : hardware.gpusPerJob
        let job = memory.resolving(single.on(gpus: gpus, tensorParallel: t, sharding: hardware.sharding), gpu: device, policy: policy)
        let rate = JobRate(job, gpu: device, stack: stack, mfu: hardware.mfu, networkBytesPerSecond: hardware.networkBytesPerSecond)
        return TrainingRate(
            job: job, memory: memory.breakdown(job, gpu: device), minimumGPUs: minimum, throughput: rate.modelled,
            tokensPerSecond: rate.tokensPerSecondPerGPU * Double(gpus), mfu: rate.mfu)
    }

    /// Examples of one language fed to a training job.
    public struct DataSlice: Sendable, Equatable {
        public var examples: Double
        public var tokensPerExample: Double
        public init(examples: Double, tokensPerExample: Double) {
            self.examples = examples
            self.tokensPerExample = tokensPerExample
        }
    }

    /// Attention context per sequence: the packed length, or the example itself when unpacked.
    public func context(tokensPerExample: Double) -> Double {
        let length = Double(finetune.sequenceLength)
        return finetune.packing ? length : min(tokensPerExample, length)
    }

    /// Tokens per sequence as the step-time model sees them (a whole number of tokens, at least 1).
    func contextTokens(tokensPerExample: Double) -> Int {
        let value = context(tokensPerExample: tokensPerExample).rounded(.up)
        return value >= 1 ? Int(min(value, 1e9)) : 1
    }

    /// The GPUs a training job runs on.
    public var trainingGPUs: Int { rate(context: finetune.sequenceLength).job.gpus }

    /// A training job over `data` for `epochs` epochs, with its periodic evaluation
    /// (`finetune.eval_every_examples`, `inJobEvaluation`) when the scenario has one.
    public func training(name: String, data: [DataSlice], epochs: Double? = nil) -> JobCost {
        let epochs = epochs ?? finetune.epochs
        let perToken = flops
        var tokens = 0.0
        var work = 0.0
        var executed = 0.0
        var seconds = 0.0
        var examples = 0.0
        var gpus = 1
        for slice in data {
            let sliceTokens = slice.examples * slice.tokensPerExample * epochs
            guard sliceTokens > 0 else { continue }
            tokens += sliceTokens
            examples += slice.examples * epochs
            let rate = sliceRate(tokensPerExample: slice.tokensPerExample, flops: perToken)
            work += sliceTokens * rate.flopsPerToken
            executed += sliceTokens * rate.hardwareFlopsPerToken
            seconds += sliceTokens * rate.secondsPerToken
            gpus = max(gpus, rate.gpus)
        }
        if data.isEmpty || tokens == 0 { gpus = trainingGPUs }
        if let evaluation = inJobEvaluation(examples: examples, tokens: tokens) {
            seconds += evaluation.seconds
            work += evaluation.flops
            executed += evaluation.flops
        }
        var job = JobCost(kind: .training, name: name, flops: work, bytesMoved: 0, tokens: tokens, gpus: gpus,
                          wallSeconds: seconds + fixedTrainingSeconds, rates: rates)
        job.hardwareFlops = executed
        return job
    }

    /// What a training token of a language with `tokensPerExample` costs: the figures
    /// `training(name:data:epochs:)` uses per data slice, so that a caller pricing many jobs
    /// (the Monte Carlo trial engine) can compute them once per language and reuse them.
    public struct SliceRate: Sendable, Equatable {
        /// Model training FLOPs per token at the slice's attention context (no recompute).
        public var flopsPerToken: Double
        /// FLOPs executed per token: the recompute of gradient checkpointing included when the
        /// job checkpoints.
        public var hardwareFlopsPerToken: Double
        /// Tokens per second over all the job's GPUs.
        public let tokensPerSecond: Double
        /// Its reciprocal: every training sum multiplies by it (`CostModel.training` and the
        /// simulation engine price a slice alike).
        public let secondsPerToken: Double
        public var gpus: Int
        /// The slice's tokens per example (0: unknown), to count the examples a job trains for
        /// its periodic evaluation.
        public var tokensPerExample: Double
        public init(flopsPerToken: Double, hardwareFlopsPerToken: Double? = nil, tokensPerSecond: Double, gpus: Int,
                    tokensPerExample: Double = 0) {
            self.flopsPerToken = flopsPerToken
            self.hardwareFlopsPerToken = hardwareFlopsPerToken ?? flopsPerToken
            self.tokensPerSecond = tokensPerSecond
            self.secondsPerToken = 1 / tokensPerSecond
            self.gpus = gpus
            self.tokensPerExample = tokensPerExample
        }
    }

    /// The per-token figures of a data slice with `tokensPerExample` tokens per example.
    public func sliceRate(tokensPerExample: Double) -> SliceRate { sliceRate(tokensPerExample: tokensPerExample, flops: flops) }

    private func sliceRate(tokensPerExample: Double, flops: TrainingFlops) -> SliceRate {
        let rate = rate(context: contextTokens(tokensPerExample: tokensPerExample))
        let context = context(tokensPerExample: tokensPerExample)
        let model = flops.perToken(context: context)
        let recompute = rate.job.gradientCheckpointing ? flops.forward(context: context) : 0
        return SliceRate(flopsPerToken: model, hardwareFlopsPerToken: model + recompute,
                         tokensPerSecond: rate.tokensPerSecond, gpus: rate.job.gpus, tokensPerExample: tokensPerExample)
    }

    /// The expected running time of a training job of `workSeconds` failure-free compute on
    /// `gpus` GPUs under `hardware.reliability` (`Goodput.expected`); the work alone without it.
    /// `preemptionsPerNodeHour` (a spot job's) adds interruptions per node of the job, restarted
    /// the same way (without a reliability block: no GPU failures, its default storage and restart).
    public func goodput(workSeconds: Double, gpus: Int, preemptionsPerNodeHour: Double = 0) -> Goodput {
        guard hardware.reliability != nil || preemptionsPerNodeHour > 0 else { return .none(workHours: workSeconds / 3600) }
        var reliability = hardware.reliability ?? ReliabilitySettings()
        if hardware.reliability == nil { reliability.gpuFailuresPerHour = 0 }
        let perNode = max(device.gpusPerNode, 1)
        let nodes = Double((max(gpus, 1) + perNode - 1) / perNode)
        return Goodput.expected(workHours: workSeconds / 3600, gpus: gpus, gpusPerNode: device.gpusPerNode, checkpointBytes: checkpointBytes,
                                restartMinutes: reliability.restartMinutes ?? overheads.jobStartupMinutes, settings: reliability,
                                extraInterruptionsPerHour: nodes * preemptionsPerNodeHour)
    }

    /// Fixed seconds of every training job (start-up and checkpoint save).
    public var fixedTrainingSeconds: Double { (overheads.jobStartupMinutes + overheads.checkpointSaveMinutes) * 60 }

    /// Sustained FLOP/s of one GPU for forward-only work (evaluation): the explicit MFU, or the
    /// step-time model's GEMM efficiency at the packed micro-step size.
    public var forwardFlopsPerGPU: Double {
        let peak = stack.peakFlopsPerSecond(on: device)
        if let mfu = hardware.mfu { return peak * mfu }
        let tokens = Double(finetune.microBatchSize * finetune.sequenceLength)
        return peak * stack.curve(on: device).efficiency(tokens: tokens)
    }

    /// An evaluation of one model on every language's held-out examples:
    /// 2 × parameters × (prompt + generated) tokens (forward only).
    public func evaluation(name: String, languages: [Language]) -> JobCost {
        evaluation(name: name, languages: languages.count, tokensPerExample: languages.reduce(0) { $0 + $1.tokensPerExample })
    }

    /// The same, from the number of languages and the sum of their tokens per example.
    public func evaluation(name: String, languages count: Int, tokensPerExample sum: Double) -> JobCost {
        let examples = Double(overheads.evaluationExamplesPerLanguage)
        let tokens = examples * (sum + Double(count) * overheads.generatedTokensPerExample)
        let work = 2 * totalParameters * tokens
        let gpus = trainingGPUs
        let wall = work / (Double(gpus) * forwardFlopsPerGPU) + overheads.evaluationStartupMinutesResolved * 60
        return JobCost(kind: .evaluation, name: name, flops: work, bytesMoved: 0, tokens: tokens, gpus: gpus,
                       wallSeconds: wall, rates: rates)
    }

    /// A merge of `adapters` LoRA adapters with the scenario's merge method, on one GPU.
    public func mergeJob(name: String, adapters: Int) -> JobCost {
        let work = mergeCost.work(tasks: adapters)
        let seconds = work.bytes / (hardware.gpu.memoryBytesPerSecond * hardware.mergeEfficiency)
            + work.flops / forwardFlopsPerGPU + overheads.mergeStartupMinutes * 60
        return JobCost(kind: .merge, name: name, flops: work.flops, bytesMoved: work.bytes, tokens: 0, gpus: 1,
                       wallSeconds: seconds, rates: rates)
    }
}

extension Scenario {
    /// The rate of this scenario's training jobs at its sequence length (the largest job shape).
    public var trainingRate: CostModel.TrainingRate { CostModel(scenario: self).rate(context: finetune.sequenceLength) }
}
