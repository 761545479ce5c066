import Foundation
import Yams

/// A published fine-tuning run (`Resources/anchors.yaml`): its job and what was measured.
public struct PublishedRun: Sendable, Equatable {
    public var name: String
    public var source: String
    public var spec: JobSpec
    public var tokensPerSecondPerGPU: Double?
    public var stepSeconds: Double?
    public var peakMemoryGiB: Double?
    /// Relative tolerance the tests hold throughput to (anchors only).
    public var tolerance: Double?
    public var memoryTolerance: Double?
    /// True for the rows the test suite checks.
    public var anchor: Bool
    /// A run published as time to train (MLPerf): samples of `spec.sequenceLength` tokens trained
    /// and the published minutes; the throughput it implies is `tokensPerSecondPerGPU`.
    public var samples: Double?
    public var publishedMinutes: Double?
    /// The evaluations inside the published time (MLPerf's periodic evaluation, counted in its
    /// time to train) and the samples each runs, sequences of `spec.sequenceLength` tokens;
    /// priced as forward passes (`EvaluationCost`) and added to the predicted minutes.
    public var evaluations: Int?
    public var evaluationSamples: Double?
    /// Per-GPU network bandwidth between the run's nodes, bytes/s (default: the estimate's).
    public var networkBytesPerSecond: Double?
    /// What the published figure includes beyond training (evaluation, ...).
    public var note: String = ""

    /// What the model predicts for this run.
    public struct Check: Sendable, Equatable {
        public var run: PublishedRun
        public var predictedTokensPerSecondPerGPU: Double
        public var predictedStepSeconds: Double
        public var predictedPeakMemoryGiB: Double
        public var mfu: Double
        public var scalingEfficiency: Double
        public var step: StepBreakdown

        /// predicted / published − 1, where published.
        public var throughputError: Double? { run.tokensPerSecondPerGPU.map { predictedTokensPerSecondPerGPU / $0 - 1 } }
        public var stepError: Double? { run.stepSeconds.map { predictedStepSeconds / $0 - 1 } }
        /// Compares with published torch allocations, so without the per-GPU overhead.
        public var memoryError: Double? { run.peakMemoryGiB.map { predictedPeakMemoryGiB / $0 - 1 } }
        /// Predicted minutes of the run's evaluations (nil: it publishes none).
        public var predictedEvaluationMinutes: Double?
        /// Predicted training minutes for the published samples, without the evaluations.
        public var predictedTrainingMinutes: Double? {
            run.samples.map { $0 * Double(run.spec.sequenceLength) / (predictedTokensPerSecondPerGPU * Double(run.spec.gpus)) / 60 }
        }
        /// Predicted minutes of what the published time covers: training plus the evaluations.
        public var predictedMinutes: Double? {
            predictedTrainingMinutes.map { $0 + (predictedEvaluationMinutes ?? 0) }
        }
        /// predicted minutes / published minutes − 1.
        public var timeError: Double? {
            guard let predicted = predictedMinutes, let published = run.publishedMinutes else { return nil }
            return predicted / published - 1
        }
    }

    /// Predicts this run with the catalog's models.
    public func check(in catalog: Catalog) throws -> Check {
        let resolved = try spec.resolve(in: catalog)
        let network = networkBytesPerSecond ?? ScenarioDefaults.networkBytesPerSecond
        let rate = JobRate(resolved.job, gpu: resolved.gpu, stack: resolved.stack, mfu: nil, networkBytesPerSecond: network)
        let throughput = rate.modelled
        let memory = resolved.memory.breakdown(resolved.job, gpu: resolved.gpu)
        var check = Check(
            run: self, predictedTokensPerSecondPerGPU: throughput.tokensPerSecondPerGPU,
            predictedStepSeconds: throughput.stepSeconds, predictedPeakMemoryGiB: (memory.peak - memory.overhead) / Memory.gib,
            mfu: throughput.mfu, scalingEfficiency: throughput.scalingEfficiency, step: throughput.step)
        if let samples, let evaluations, let evaluationSamples {
            // One evaluation every samples / evaluations trained samples: exactly `evaluations`
            // of them, priced as `plan estimate --eval-every-samples --eval-samples` prices them.
            let schedule = EvaluationSchedule(everySamples: samples / Double(evaluations), samples: evaluationSamples)
            let cost = EvaluationCost(schedule, job: resolved.job, tokens: samples * Double(resolved.job.context), rate: rate)
            check.predictedEvaluationMinutes = cost.seconds / 60
        }
        return check
    }

    /// The bundled published runs, in file order, parsed once per process (as `Catalog.bundled`).
    public static func bundled() throws -> [PublishedRun] { try shipped.get() }

    static let shipped = Catalog.loaded { try parse(ResourceLocator.text("anchors.yaml"), file: "anchors.yaml") }

    static func parse(_ text: String, file: String) throws -> [PublishedRun] {
        try Catalog.orderedEntries(text, file: file) { name, fields -> PublishedRun? in
            let source = fields.string("source", default: "") ?? ""
            var spec: JobSpec?
            if let jobNode = fields.node("job"), var job = MappingReader(jobNode, path: "\(name).job", diagnostics: fields.diagnostics) {
                spec = JobSpec.read(&job)
                job.finish()
            }
            func optional(_ key: String) -> Double? {
                fields.has(key) ? fields.requiredDouble(key, range: 0...1e12, above: 0) : nil
            }
            var run = PublishedRun(
                name: name, source: source, spec: spec ?? JobSpec(model: ""),
                tokensPerSecondPerGPU: optional("tokens_per_second_per_gpu"), stepSeconds: optional("step_seconds"),
                peakMemoryGiB: optional("peak_memory_gib"), tolerance: optional("tolerance"),
                memoryTolerance: optional("memory_tolerance"), anchor: fields.bool("anchor", default: false))
            run.samples = optional("samples")
            run.publishedMinutes = optional("time_to_train_minutes")
            run.networkBytesPerSecond = optional("network_gb_per_s").map { $0 * 1e9 }
            if fields.has("evaluations") || fields.has("eval_samples") {
                run.evaluations = fields.int("evaluations", default: 1, range: 1...100_000)
                run.evaluationSamples = fields.requiredDouble("eval_samples", range: 0...1e9, above: 0)
            }
            run.note = fields.string("note", default: "") ?? ""
            if let samples = run.samples, let minutes = run.publishedMinutes, run.tokensPerSecondPerGPU == nil {
                // The throughput the published time implies (evaluation included where the note says so).
                run.tokensPerSecondPerGPU = samples * Double(run.spec.sequenceLength) / (minutes * 60 * Double(run.spec.gpus))
            }
            fields.finish()
            return run
        }.map(\.value)
    }
}

extension JobSpec {
    /// Reads a job mapping with the same field names as `plan estimate`'s flags (snake_case).
    static func read(_ fields: inout MappingReader) -> JobSpec {
        var spec = JobSpec(model: fields.string("model", default: "") ?? "")
        if let method = fields.string("method", default: nil) {
            if let parsed = Finetune.Method(rawValue: method) { spec.method = parsed } else {
                fields.diagnostics.error(fields.child("method"), "expected lora, qlora or full, got \"\(method)\"")
            }
        }
        spec.rank = fields.int("rank", default: spec.rank, range: ScenarioField.finetuneRank.spec.bounds.wholeRange)
        if let node = fields.node("targets") {
            if case let .scalar(scalar) = node { spec.targets = JobSpec.parseTargets(scalar.string) } else {
                spec.targets = fields.stringList("targets", default: spec.targets)
            }
        }
        spec.gpu = fields.string("gpu", default: spec.gpu) ?? spec.gpu
        spec.gpus = fields.int("gpus", default: spec.gpus, range: 1...MemoryModel.maximumGPUs)
        spec.tensorParallel = fields.int("tensor_parallel", default: spec.tensorParallel, range: 1...MemoryModel.maximumGPUs)
        spec.tensorParallelCommOverlap = fields.bool("tp_comm_overlap", default: true)
        spec.microBatch = fields.int("micro_batch", default: spec.microBatch, range: ScenarioField.finetuneMicroBatchSize.spec.bounds.wholeRange)
        spec.gradientAccumulation = fields.int("gradient_accumulation", default: spec.gradientAccumulation, range: ScenarioField.finetuneGradientAccumulation.spec.bounds.wholeRange)
        spec.sequenceLength = fields.int("sequence_length", default: spec.sequenceLength, range: ScenarioField.finetuneSequenceLength.spec.bounds.wholeRange)
        if fields.has("attention_context") {
            spec.attentionContext = fields.int("attention_context", default: spec.sequenceLength, range: ScenarioField.finetuneSequenceLength.spec.bounds.wholeRange)
        }
        spec.gradientCheckpointing = fields.bool("gradient_checkpointing", default: false)
        spec.stack = fields.string("stack", default: spec.stack) ?? spec.stack
        if let sharding = fields.string("sharding", default: nil) {
            spec.sharding = Sharding(rawValue: sharding)
            if spec.sharding == nil { fields.diagnostics.error(fields.child("sharding"), "expected none or fsdp, got \"\(sharding)\"") }
        }
        if let precision = fields.string("precision", default: nil) {
            if let parsed = PrecisionRecipe(rawValue: precision) { spec.precision = parsed } else {
                fields.diagnostics.error(fields.child("precision"), "expected mixed or bf16, got \"\(precision)\"")
            }
        }
        return spec
    }
}
