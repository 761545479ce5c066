import Foundation

extension RunLogReader {
    /// One run from an MLPerf Training result log (`MLPerfLog`), described by the facts (flags)
    /// with what the log states taking their place: `max_sequence_length` the sequence length,
    /// `lora_rank` the rank, `gradient_accumulation_steps` the accumulation; `global_batch_size`
    /// (sequences per optimizer step over all GPUs) gives the micro-batch when the accumulation is
    /// logged, else the accumulation (`--micro-batch` × accumulation × `--gpus` = the global batch).
    ///
    /// Each sample is one sequence of the sequence length (MLPerf's Llama 2 70B LoRA packs its
    /// samples to 8,192 tokens), so tokens = samples × sequence length, and tokens/s per GPU =
    /// tokens / (run seconds − timed evaluation seconds) / GPUs: the evaluations are taken out of
    /// the training rate, and `StepCurveFit.RunFit.reproducedRunSeconds` puts them back priced as
    /// `plan estimate --eval-every-samples --eval-samples` prices them.
    func mlperf(_ text: String, file: String) throws -> MeasuredRun {
        let log = try MLPerfLog.parse(text, file: file)
        let (facts, architecture) = try resolvedFacts(file: file)
        var spec = facts
        if let length = log.maxSequenceLength { spec.sequenceLength = length }
        if let rank = log.loraRank { spec.rank = rank }
        if let steps = log.gradientAccumulationSteps { spec.gradientAccumulation = steps }
        if let global = log.globalBatchSize {
            if let steps = log.gradientAccumulationSteps {
                let per = steps * spec.gpus
                guard global % per == 0 else {
                    throw PlanCoreError.invalidRunLog(
                        "\(file): field global_batch_size: \(global) sequences per step is not a whole micro-batch on each of --gpus \(spec.gpus) "
                            + "with gradient_accumulation_steps \(steps)")
                }
                spec.microBatch = global / per
            } else if global != spec.microBatch * spec.gradientAccumulation * spec.gpus {
                let per = spec.microBatch * spec.gpus
                guard global % per == 0 else {
                    throw PlanCoreError.invalidRunLog(
                        "\(file): field global_batch_size: \(global) sequences per step is not --micro-batch \(spec.microBatch) x a whole number "
                            + "of micro-steps x --gpus \(spec.gpus)")
                }
                spec.gradientAccumulation = global / per
            }
        }
        let microBatches = ScenarioField.finetuneMicroBatchSize.spec.bounds.wholeRange
        let accumulations = ScenarioField.finetuneGradientAccumulation.spec.bounds.wholeRange
        guard microBatches.contains(spec.microBatch), accumulations.contains(spec.gradientAccumulation) else {
            throw PlanCoreError.invalidRunLog(
                "\(file): field global_batch_size: gives micro-batch \(spec.microBatch) and accumulation \(spec.gradientAccumulation), outside "
                    + "\(microBatches.lowerBound)...\(microBatches.upperBound) and \(accumulations.lowerBound)...\(accumulations.upperBound)")
        }
        let tokens = log.samples * Double(spec.sequenceLength)
        let rate = tokens / log.trainingSeconds / Double(spec.gpus)
        guard rate.isFinite, rate > 0 else {
            throw PlanCoreError.invalidRunLog(
                "\(file): \(log.samples) samples in \(log.trainingSeconds) s of training is not a finite rate")
        }
        var run = MeasuredRun(source: file, format: .mlperf, spec: spec, architecture: architecture, tokensPerSecondPerGPU: rate,
                              tokens: tokens, runtimeSeconds: log.trainingSeconds)
        run.mlperf = log
        return run
    }
}

extension StepCurveFit.RunFit {
    /// The periodic evaluation of an MLPerf run as `plan estimate --eval-every-samples N
    /// --eval-samples M` prices it with the fitted profile (N and M from the log); nil for other
    /// runs or a log without `eval_accuracy` counts and `eval_samples`.
    public var modelledEvaluation: EvaluationCost? {
        guard let schedule = run.mlperf?.evaluationSchedule, let tokens = run.tokens else { return nil }
        let context = Double(job.context)
        return EvaluationCost(schedule, trainedSamples: tokens / context, tokensPerSample: context,
                              context: Double(job.attentionContext ?? job.context), flops: job.flops,
                              flopsPerSecondPerGPU: fittedTokensPerSecondPerGPU * job.flopsPerToken, gpus: job.gpus)
    }

    /// The whole MLPerf run (`run_start` to `run_stop`) as the fitted profile prices it: the
    /// trained tokens at the fitted rate plus `modelledEvaluation`; nil for other runs.
    public var reproducedRunSeconds: Double? {
        guard run.mlperf != nil, let tokens = run.tokens else { return nil }
        return tokens / (fittedTokensPerSecondPerGPU * Double(job.gpus)) + (modelledEvaluation?.seconds ?? 0)
    }

    /// reproduced / measured run − 1, for an MLPerf run.
    public var runRelativeError: Double? {
        guard let log = run.mlperf, let reproduced = reproducedRunSeconds else { return nil }
        return reproduced / log.runSeconds - 1
    }
}
