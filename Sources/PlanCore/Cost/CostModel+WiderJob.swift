import Foundation

extension CostModel {
    /// A training job on the next launch count of GPUs, against the job as planned.
    public struct WiderJob: Sendable, Equatable {
        public var gpus: Int
        public var widerGPUs: Int
        /// Wall-clock of the wider job over the planned one (< 1: sooner).
        public var wallClockRatio: Double
        /// GPU-hours of the wider job over the planned one (> 1: dearer).
        public var gpuHoursRatio: Double
    }

    /// The scenario's training job (at its sequence length) on the next launch count of GPUs
    /// (`Hardware.launchGPUs`, whole tensor-parallel groups) that the pool holds; nil when the
    /// pool holds no wider job.
    public func widerJob() -> WiderJob? {
        let planned = rate(context: finetune.sequenceLength)
        let gpus = planned.job.gpus
        let wider = Hardware.launchGPUs(atLeast: gpus + 1, gpusPerNode: hardware.gpu.gpusPerNode, tensorParallel: hardware.tensorParallel)
        guard wider <= hardware.poolGPUs, planned.tokensPerSecond > 0 else { return nil }
        var other = hardware
        other.gpusPerJob = wider
        other.gpusPerJobAuto = false
        let widerRate = CostModel(model: model, finetune: finetune, hardware: other, overheads: overheads, merge: merge)
            .rate(context: finetune.sequenceLength)
        guard widerRate.tokensPerSecond > 0 else { return nil }
        let wall = planned.tokensPerSecond / widerRate.tokensPerSecond
        return WiderJob(gpus: gpus, widerGPUs: wider, wallClockRatio: wall, gpuHoursRatio: wall * Double(wider) / Double(gpus))
    }

    /// `widerJob()` when it is worth saying: `gpus_per_job` is `auto`, and the wider job finishes
    /// at least `minimumCut` sooner for at most `maximumExtra` more GPU-hours.
    public func widerJobAdvice(minimumCut: Double = 0.25, maximumExtra: Double = 0.10) -> WiderJob? {
        guard hardware.gpusPerJobAuto, let wider = widerJob() else { return nil }
        return wider.wallClockRatio <= 1 - minimumCut && wider.gpuHoursRatio <= 1 + maximumExtra ? wider : nil
    }
}
