import Foundation

/// `plan estimate`: the price of one training job, or the footprint of given GPU-hours.
public struct JobEstimate: Sendable, Equatable {
    /// Model FLOPs of the job (no recompute: what MFU and published "training compute" count).
    public var flops: Double?
    public var flopsPerToken: Double?
    /// FLOPs executed, the recompute of gradient checkpointing included.
    public var hardwareFlops: Double?
    public var gpuHours: Double
    public var wallClockHours: Double
    public var costUSD: Double
    public var energyKWh: Double
    public var co2Kg: Double
    /// The job's step, memory and throughput (training estimates only).
    public var training: TrainingDetails?
    /// The training job's expected interruptions, checkpoint interval and effective training
    /// time ratio under `reliability` (nil for a footprint conversion).
    public var goodput: Goodput?
    /// The job's periodic evaluation (`--eval-every-samples`, `--eval-samples`), included in the
    /// GPU-hours, wall-clock, dollars, energy and goodput; nil without one. `flops` and
    /// `hardware_flops` stay the training's.
    public var evaluation: EvaluationCost?

    /// What the step-time and memory models say about a training job.
    public struct TrainingDetails: Sendable, Equatable {
        public var job: TrainingJob
        public var gpu: GPUSpec
        public var stack: SoftwareStack
        public var parameters: Double
        public var memory: MemoryBreakdown
        /// Smallest GPU count (fsdp) that fits; nil → none up to `MemoryModel.maximumGPUs`.
        public var minimumGPUs: Int?
        /// Where `minimumGPUs` is nil: the smallest tensor-parallel layout that fits
        /// (`TensorParallelLayout`); nil when FSDP alone fits, or when no layout does either.
        public var minimumTensorParallel: TensorParallelLayout?
        public var throughput: StepTimeModel.Throughput
        /// The MFU the estimate used: the explicit `--mfu`, or the step-time model's.
        public var mfu: Double
        public var mfuIsModelled: Bool
        /// Seconds per optimizer step (micro-batch × accumulation × GPUs sequences).
        public var stepSeconds: Double
        public var tokensPerSecondPerGPU: Double
    }

    /// Prices training `tokens` tokens with `resolved` (its job, GPU and stack) at `JobRate`, the
    /// rate every command uses (with `mfu`: seconds = model FLOPs / (GPUs × peak × MFU)). No start-up overheads:
    /// this is the compute alone (a scenario adds them). `evaluation`: a periodic evaluation inside
    /// the job (`EvaluationCost`), its seconds added to the training's.
    public static func training(
        _ resolved: JobSpec.Resolved, tokens: Double, mfu: Double?, networkBytesPerSecond: Double = ScenarioDefaults.networkBytesPerSecond, rates: EnergyRates,
        reliability: ReliabilitySettings = ReliabilitySettings(), evaluation: EvaluationSchedule? = nil
    ) throws -> JobEstimate {
        try ScenarioField.reliabilityGPUFailuresPerHour.spec.bounds.check(reliability.gpuFailuresPerHour, path: "--gpu-failures-per-hour")
        try ScenarioField.reliabilityStorageGBPerS.spec.bounds.check(reliability.storageGBPerSecondPerNode, path: "--storage-gb-per-s")
        try ScenarioField.reliabilityRestartMinutes.spec.bounds.check(reliability.restartMinutes ?? 0, path: "--restart-minutes")
        if let interval = reliability.checkpointIntervalMinutes {
            try ScenarioField.reliabilityCheckpointIntervalMinutes.spec.bounds.check(interval, path: "--checkpoint-interval-minutes")
        }
        try check(tokens, "--tokens", above: 0, max: 1e18)
        if let mfu { try ScenarioField.hardwareMFU.spec.bounds.check(mfu, path: "--mfu") }
        try ScenarioField.hardwareNetworkGBPerS.spec.bounds.check(networkBytesPerSecond / 1e9, path: "--network-gb-per-s")
        let job = resolved.job
        let memoryModel = resolved.memory
        let rate = JobRate(job, gpu: resolved.gpu, stack: resolved.stack, mfu: mfu, networkBytesPerSecond: networkBytesPerSecond)
        let perGPU = rate.tokensPerSecondPerGPU
        var evaluationCost: EvaluationCost?
        if let evaluation {
            try ScenarioField.finetuneEvalEveryExamples.spec.bounds.check(evaluation.everySamples, path: "--eval-every-samples")
            try ScenarioField.finetuneEvalExamples.spec.bounds.check(evaluation.samples, path: "--eval-samples")
            evaluationCost = EvaluationCost(evaluation, job: job, tokens: tokens, rate: rate)
        }
        let wallSeconds = tokens / (perGPU * Double(job.gpus)) + (evaluationCost?.seconds ?? 0)
        guard wallSeconds.isFinite, wallSeconds >= 0 else {
            throw PlanCoreError.invalidArgument("the estimate overflows (\(wallSeconds) s); check --tokens and the job shape")
        }
        let gpuHours = wallSeconds * Double(job.gpus) / 3600
        var result = unchecked(gpuHours: gpuHours, rates: rates, gpus: job.gpus)
        result.flops = rate.modelFlopsPerToken * tokens
        result.flopsPerToken = rate.modelFlopsPerToken
        result.hardwareFlops = rate.hardwareFlopsPerToken * tokens
        let minimum = memoryModel.minimumGPUs(job, gpu: resolved.gpu, policy: resolved.checkpointing)
        result.training = TrainingDetails(
            job: job, gpu: resolved.gpu, stack: resolved.stack, parameters: job.model.totalParameters,
            memory: memoryModel.breakdown(job, gpu: resolved.gpu), minimumGPUs: minimum,
            minimumTensorParallel: minimum == nil
                ? TensorParallelLayout.smallest(job, gpu: resolved.gpu, memory: memoryModel, policy: resolved.checkpointing) : nil,
            throughput: rate.modelled, mfu: rate.mfu, mfuIsModelled: rate.mfuIsModelled,
            stepSeconds: rate.stepSeconds, tokensPerSecondPerGPU: perGPU)
        result.evaluation = evaluationCost
        result.goodput = Goodput.expected(
            workHours: wallSeconds / 3600, gpus: job.gpus, gpusPerNode: resolved.gpu.gpusPerNode, checkpointBytes: Goodput.checkpointBytes(job),
            restartMinutes: reliability.restartMinutes ?? ScenarioDefaults.overheads.jobStartupMinutes, settings: reliability)
        return result
    }

    /// Converts known GPU-hours into dollars, kWh and CO2 (wall-clock = GPU-hours / GPUs).
    public static func footprint(gpuHours: Double, gpus: Int = 1, rates: EnergyRates) throws -> JobEstimate {
        try check(gpuHours, "--gpu-hours", above: -1, max: 1e15)
        // The rates mean what the scenario's hardware fields mean: one table of ranges (ScenarioField).
        try ScenarioField.hardwareGPUWatts.spec.bounds.check(rates.gpuWatts, path: "--gpu-watts")
        try ScenarioField.hardwarePUE.spec.bounds.check(rates.pue, path: "--pue")
        try ScenarioField.hardwareKgCO2PerKWh.spec.bounds.check(rates.kgCO2PerKWh, path: "--kg-co2-per-kwh")
        try ScenarioField.hardwareUSDPerGPUHour.spec.bounds.check(rates.usdPerGPUHour, path: "--usd-per-gpu-hour")
        return unchecked(gpuHours: gpuHours, rates: rates, gpus: gpus)
    }

    private static func unchecked(gpuHours: Double, rates: EnergyRates, gpus: Int = 1) -> JobEstimate {
        let f = rates.footprint(gpuHours: gpuHours)
        return JobEstimate(flops: nil, flopsPerToken: nil, hardwareFlops: nil, gpuHours: gpuHours, wallClockHours: gpuHours / Double(max(gpus, 1)),
                           costUSD: f.usd, energyKWh: f.kwh, co2Kg: f.co2Kg, training: nil)
    }

    private static func check(_ value: Double, _ name: String, above: Double, max: Double = .greatestFiniteMagnitude) throws {
        guard value.isFinite, value > above, value <= max else {
            let range = max.isFinite && max < .greatestFiniteMagnitude ? " and at most \(max)" : ""
            let lower = above < 0 ? "non-negative" : "greater than \(above)"
            throw PlanCoreError.invalidArgument("\(name) must be a finite number, \(lower)\(range), got \(value)")
        }
    }
}
