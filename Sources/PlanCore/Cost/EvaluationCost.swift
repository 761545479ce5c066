import Foundation

/// Periodic evaluation inside a training job: every `everySamples` trained samples the job
/// evaluates `samples` held-out samples (`plan estimate --eval-every-samples N --eval-samples M`;
/// in a scenario `finetune.eval_every_examples` and `finetune.eval_examples`).
public struct EvaluationSchedule: Sendable, Equatable {
    /// N: trained samples (examples) between evaluations.
    public var everySamples: Double
    /// M: samples (examples) each evaluation runs.
    public var samples: Double

    public init(everySamples: Double, samples: Double) {
        self.everySamples = everySamples
        self.samples = samples
    }

    /// floor(trained / N): an evaluation after every N samples, the last one at the end when
    /// N divides the job (MLPerf's rule). A relative 1e-9 absorbs the rounding of a trained count
    /// that arrives as tokens / sequence length.
    public func evaluations(trainedSamples: Double) -> Double {
        guard everySamples > 0, trainedSamples.isFinite, trainedSamples > 0 else { return 0 }
        return (trainedSamples / everySamples * (1 + 1e-9)).rounded(.down)
    }
}

/// The price of a job's periodic evaluation (DESIGN §4: evaluation is forward passes only).
///
/// FLOPs per evaluated token are one forward pass as the training FLOP counter counts it
/// (`TrainingFlops.forward`: 2 × matmul parameters ≈ 2·N plus the attention scores at the
/// evaluated context) plus, for LoRA and QLoRA, the adapters' forward 2·r·(in + out) per adapted
/// projection; no backward, no recompute, no optimizer step.
///
/// Seconds = FLOPs / (GPUs × the FLOP rate the training job executes per GPU), that rate being
/// `JobRate`'s tokens/s per GPU × the job's executed FLOPs per token (recompute included): the
/// forward passes run at the job's own achieved hardware utilisation, whether the rate came from
/// the step-time model, an explicit MFU or a calibrated profile. The MLPerf Training reference of
/// Llama2-70B LoRA (HF + DeepSpeed ZeRO-3, checkpointing: 19.7 s per 8-sample step, eval at 1.21
/// samples/s, 3.0× the training rate) and NVIDIA's NeMo submission (no recompute: 1.93 samples/s
/// trained, 173 samples evaluated in 44.4 s, 2.0×) both match this ratio of executed FLOPs.
public struct EvaluationCost: Sendable, Equatable {
    public var schedule: EvaluationSchedule
    /// floor(trained samples / N).
    public var evaluations: Double
    public var tokensPerSample: Double
    /// Forward FLOPs per evaluated token.
    public var flopsPerToken: Double
    /// FLOP/s one GPU executes (the training job's rate).
    public var flopsPerSecondPerGPU: Double
    public var gpus: Int

    public var samplesPerEvaluation: Double { schedule.samples }
    /// Tokens evaluated over the whole job.
    public var tokens: Double { evaluations * schedule.samples * tokensPerSample }
    public var flops: Double { tokens * flopsPerToken }
    /// Wall-clock seconds of every evaluation together.
    public var seconds: Double {
        let rate = Double(gpus) * flopsPerSecondPerGPU
        return flops > 0 ? flops / rate : 0
    }
    public var gpuHours: Double { seconds * Double(gpus) / 3600 }

    /// Forward FLOPs per token at `context` tokens per sequence, with the adapters' forward.
    public static func forwardFlopsPerToken(_ counter: TrainingFlops, context: Double) -> Double {
        counter.forward(context: context) + counter.adapterFlops / 3
    }

    /// The FLOP rate a training job executes on each GPU.
    public static func executedFlopsPerSecondPerGPU(_ rate: JobRate) -> Double {
        rate.tokensPerSecondPerGPU * rate.hardwareFlopsPerToken
    }

    /// The evaluation of a job that trained `trainedSamples` samples, each evaluated sample
    /// holding `tokensPerSample` tokens with `context` tokens of attention context.
    public init(_ schedule: EvaluationSchedule, trainedSamples: Double, tokensPerSample: Double, context: Double,
                flops counter: TrainingFlops, flopsPerSecondPerGPU: Double, gpus: Int) {
        self.schedule = schedule
        evaluations = schedule.evaluations(trainedSamples: trainedSamples)
        self.tokensPerSample = tokensPerSample
        flopsPerToken = Self.forwardFlopsPerToken(counter, context: context)
        self.flopsPerSecondPerGPU = flopsPerSecondPerGPU
        self.gpus = max(gpus, 1)
    }

    /// The periodic evaluation of `job` training `tokens` tokens at `rate` (`plan estimate`):
    /// trained samples = tokens / sequence length, each evaluated sample one sequence.
    public init(_ schedule: EvaluationSchedule, job: TrainingJob, tokens: Double, rate: JobRate) {
        self.init(schedule, trainedSamples: tokens / Double(job.context), tokensPerSample: Double(job.context),
                  context: Double(job.attentionContext ?? job.context), flops: job.flops,
                  flopsPerSecondPerGPU: Self.executedFlopsPerSecondPerGPU(rate), gpus: job.gpus)
    }
}

extension CostModel {
    /// The periodic evaluation (`finetune.eval_every_examples`) of a training job that trained
    /// `examples` examples (epochs counted) holding `tokens` tokens; nil without one. Each
    /// evaluated example holds the job's mean tokens per example (no generation: a loss
    /// evaluation), at the FLOP rate of the scenario's training job at its sequence length.
    public func inJobEvaluation(examples: Double, tokens: Double) -> EvaluationCost? {
        guard let schedule = finetune.evaluation, examples > 0, tokens > 0 else { return nil }
        let perExample = tokens / examples
        let rate = rate(context: finetune.sequenceLength)
        let gpus = rate.job.gpus
        let executed = rate.tokensPerSecond / Double(gpus) * rate.job.flopsPerToken
        return EvaluationCost(schedule, trainedSamples: examples, tokensPerSample: perExample, context: context(tokensPerExample: perExample),
                              flops: flops, flopsPerSecondPerGPU: executed, gpus: gpus)
    }
}
