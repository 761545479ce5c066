import Foundation

/// How fast a resolved training job runs: the one rate every command prices training with
/// (`simulate`, `estimate`, `size`, `sweep`, `sensitivity`, `validate`).
///
/// Without an explicit MFU the step-time model (`StepTimeModel`) gives tokens per second per GPU
/// and the MFU it achieves. With one, tokens per second per GPU = peak × MFU / *model* FLOPs per
/// token: MFU is defined on model FLOPs (PaLM, Chowdhery et al. 2022, appendix B), so the
/// recompute of gradient checkpointing never enters the price; it shows only in the hardware
/// FLOPs a job executes.
public struct JobRate: Sendable, Equatable {
    /// The step-time model's figures for the job (whatever the MFU source).
    public var modelled: StepTimeModel.Throughput
    /// Tokens per second on one of the job's GPUs.
    public var tokensPerSecondPerGPU: Double
    /// The MFU the rate uses: the explicit one, or the step-time model's.
    public var mfu: Double
    public var mfuIsModelled: Bool
    /// Model FLOPs per token (no recompute): what MFU and "training compute" count.
    public var modelFlopsPerToken: Double
    /// FLOPs executed per token, the recompute of gradient checkpointing included.
    public var hardwareFlopsPerToken: Double

    /// Seconds per optimizer step at this rate.
    public var stepSeconds: Double {
        mfuIsModelled ? modelled.stepSeconds : modelled.stepSeconds * modelled.tokensPerSecondPerGPU / tokensPerSecondPerGPU
    }

    /// The rate of `job` on `gpu` with `stack`; `mfu` (in (0, 1]) overrides the step-time model.
    public init(_ job: TrainingJob, gpu: GPUSpec, stack: SoftwareStack, mfu: Double?,
                networkBytesPerSecond: Double = ScenarioDefaults.networkBytesPerSecond) {
        modelled = StepTimeModel(stack: stack, networkBytesPerSecond: networkBytesPerSecond).throughput(job, gpu: gpu)
        modelFlopsPerToken = job.modelFlopsPerToken
        hardwareFlopsPerToken = job.flopsPerToken
        if let mfu {
            tokensPerSecondPerGPU = stack.peakFlopsPerSecond(on: gpu) * mfu / modelFlopsPerToken
            self.mfu = mfu
            mfuIsModelled = false
        } else {
            tokensPerSecondPerGPU = modelled.tokensPerSecondPerGPU
            self.mfu = modelled.mfu
            mfuIsModelled = true
        }
    }
}
