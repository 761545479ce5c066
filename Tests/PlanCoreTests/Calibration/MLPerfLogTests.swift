import Foundation
import Testing
@testable import PlanCore

/// Reading MLPerf Training result logs (`:::MLLOG` events): the run, its evaluations, the job's
/// shape from the log's keys; malformed logs refused with one message naming the line.
struct MLPerfLogTests {
    let catalog: Catalog
    init() throws { catalog = try Catalog.bundled() }

    var facts: JobSpec {
        var spec = JobSpec(model: "llama-2-70b")
        spec.gpu = "h100-sxm"
        spec.gpus = 8
        spec.stack = "nemo-fp8"
        spec.targets = ["q_proj", "k_proj", "v_proj", "o_proj"]
        return spec
    }

    static func event(_ key: String, _ time: Int, value: String = "null", metadata: String = "") -> String {
        let extra = metadata.isEmpty ? "" : ", " + metadata
        return #"0: :::MLLOG {"namespace": "", "time_ms": \#(time), "event_type": "POINT_IN_TIME", "key": "\#(key)", "value": \#(value), "metadata": {"file": "train.py", "lineno": 1\#(extra)}}"#
    }

    /// Two blocks of 16 samples (global batch 8), each 100 s, each followed by a 20 s evaluation.
    static var log: String {
        [
            "launcher noise without the marker",
            event("submission_benchmark", 0, value: #""llama2_70b_lora""#), event("submission_platform", 0, value: #""1xDGX-H100""#),
            event("global_batch_size", 0, value: "8"), event("train_samples", 0, value: "3901"), event("eval_samples", 0, value: "173"),
            event("max_sequence_length", 0, value: "8192"), event("gradient_accumulation_steps", 0, value: "1"),
            event("lora_rank", 0, value: "16"), event("opt_base_learning_rate", 0, value: "0.0004"),
            event("run_start", 1_000_000),
            event("block_start", 1_000_000, metadata: #""samples_count": 0"#),
            event("train_loss", 1_050_000, value: "1.2", metadata: #""samples_count": 8"#),
            event("block_stop", 1_100_000, metadata: #""samples_count": 16"#),
            event("eval_start", 1_100_000, metadata: #""samples_count": 16"#),
            event("eval_accuracy", 1_120_000, value: "0.95", metadata: #""samples_count": 16"#),
            event("eval_stop", 1_120_000, metadata: #""samples_count": 16"#),
            event("block_start", 1_120_000, metadata: #""samples_count": 16"#),
            event("block_stop", 1_220_000, metadata: #""samples_count": 32"#),
            event("eval_start", 1_220_000, metadata: #""samples_count": 32"#),
            event("eval_accuracy", 1_240_000, value: "0.92", metadata: #""samples_count": 32"#),
            event("eval_stop", 1_240_000, metadata: #""samples_count": 32"#),
            event("run_stop", 1_240_000, value: "0.92", metadata: #""samples_count": 32, "status": "success""#),
            event("eval_start", 1_300_000),  // after run_stop: not part of the run
        ].joined(separator: "\n") + "\n"
    }

    func read(_ text: String, facts: JobSpec? = nil) throws -> MeasuredRun {
        let runs = try RunLogReader(catalog: catalog, facts: facts ?? self.facts).read(Data(text.utf8), file: "result_0.txt")
        #expect(runs.count == 1)
        return try #require(runs.first)
    }

    @Test func readsTheRunItsEvaluationsAndTheShape() throws {
        let run = try read(Self.log)
        #expect(run.format == .mlperf)
        let log = try #require(run.mlperf)
        #expect(log.runSeconds == 240 && log.evaluationSeconds == 40 && log.trainingSeconds == 200 && log.timedEvaluations == 2)
        #expect(log.samples == 32 && log.evaluationEverySamples == 16 && log.evaluationSetSamples == 173 && log.trainingSetSamples == 3901)
        #expect(log.evaluationSchedule == EvaluationSchedule(everySamples: 16, samples: 173))
        #expect(log.status == "success" && log.platform == "1xDGX-H100" && log.benchmark == "llama2_70b_lora")
        #expect(run.spec.sequenceLength == 8192 && run.spec.rank == 16 && run.spec.microBatch == 1 && run.spec.gradientAccumulation == 1)
        // 32 samples × 8,192 tokens in 200 s of training on 8 GPUs.
        #expect(run.tokens == 32 * 8192 && run.runtimeSeconds == 200)
        #expect(abs(run.tokensPerSecondPerGPU - 32 * 8192 / 200 / 8) < 1e-9)
    }

    /// Without `gradient_accumulation_steps` the global batch gives the accumulation; without a
    /// run_stop count the largest count in the log is the samples trained.
    @Test func globalBatchGivesAccumulationAndCountsFallBack() throws {
        let text = Self.log.replacingOccurrences(of: Self.event("gradient_accumulation_steps", 0, value: "1") + "\n", with: "")
            .replacingOccurrences(of: Self.event("global_batch_size", 0, value: "8"), with: Self.event("global_batch_size", 0, value: "32"))
            .replacingOccurrences(of: #""samples_count": 32, "status": "success""#, with: #""status": "success""#)
        let run = try read(text)
        #expect(run.spec.gradientAccumulation == 4 && run.spec.microBatch == 1)
        #expect(run.mlperf?.samples == 32)
    }

    @Test func theFitReproducesTheWholeRunWithItsEvaluations() throws {
        let run = try read(Self.log)
        let fit = try StepCurveFit.fit([run], catalog: catalog)
        let row = try #require(fit.runs.first)
        #expect(abs(row.relativeError) < 1e-3, "one run: the fitted efficiency reproduces its training rate")
        let evaluation = try #require(row.modelledEvaluation)
        #expect(evaluation.evaluations == 2 && evaluation.tokens == 2 * 173 * 8192)
        let reproduced = try #require(row.reproducedRunSeconds)
        #expect(abs(reproduced - (200 / (1 + row.relativeError) + evaluation.seconds)) < 1e-6)
        #expect(row.runRelativeError == reproduced / 240 - 1)

        // plan estimate with the profile prices the same run the same way.
        let device = fit.device(named: "lab")
        var spec = run.spec
        spec.stack = "nemo-fp8"
        let estimate = try JobEstimate.training(
            try spec.resolve(in: catalog, device: device), tokens: 32 * 8192, mfu: nil,
            rates: EnergyRates(gpuWatts: 700, pue: 1.1, kgCO2PerKWh: 0.4, usdPerGPUHour: 2),
            evaluation: EvaluationSchedule(everySamples: 16, samples: 173))
        #expect(abs(estimate.wallClockHours * 3600 / reproduced - 1) < 1e-6)
    }

    @Test(arguments: [
        (#"{"key": "run_start", "time_ms": 5"#, "line 2: the event after :::MLLOG is not JSON"),
        (#"["run_start"]"#, "line 2: the event after :::MLLOG is not a JSON object"),
        (#"{"key": "run_start", "time_ms": "soon"}"#, "line 2: run_start: field time_ms"),
        (#"{"key": "run_start", "time_ms": true}"#, "line 2: run_start: field time_ms"),
        (#"{"key": "global_batch_size", "time_ms": 1, "value": 2.5}"#, "line 2: global_batch_size: field value"),
        (#"{"key": "eval_stop", "time_ms": 1000001}"#, "line 2: eval_stop without an eval_start"),
        (#"{"key": "block_stop", "time_ms": 1, "metadata": {"samples_count": -3}}"#, "metadata.samples_count"),
    ])
    func malformedEventsAreRefusedWithTheirLine(event: String, message: String) throws {
        let text = "noise\n0: :::MLLOG " + event + "\n" + Self.log
        #expect {
            _ = try read(text)
        } throws: { error in
            guard case let PlanCoreError.invalidRunLog(text) = error else { return false }
            return text.hasPrefix("result_0.txt:") && text.contains(message) && !text.contains("\n")
        }
    }

    @Test(arguments: [
        ("run_stop", "missing run_stop"),
        ("run_start", "missing run_start"),
    ])
    func missingRunBoundsAreRefused(key: String, message: String) throws {
        let text = Self.log.split(separator: "\n").filter { !$0.contains(#""key": "\#(key)""#) }.joined(separator: "\n")
        #expect {
            _ = try read(text)
        } throws: { error in
            guard case let PlanCoreError.invalidRunLog(text) = error else { return false }
            return text.contains(message)
        }
    }

    @Test func inconsistentBatchesAndOpenEvaluationsAreRefused() throws {
        let odd = Self.log.replacingOccurrences(of: Self.event("global_batch_size", 0, value: "8"), with: Self.event("global_batch_size", 0, value: "12"))
        #expect(throws: PlanCoreError.self) { _ = try read(odd) }
        let open = Self.log.replacingOccurrences(of: Self.event("eval_stop", 1_240_000, metadata: #""samples_count": 32"#) + "\n", with: "")
        #expect {
            _ = try read(open)
        } throws: { error in
            guard case let PlanCoreError.invalidRunLog(text) = error else { return false }
            return text.contains("run_stop while the eval_start")
        }
        let noCounts = Self.log.split(separator: "\n").filter { !$0.contains("samples_count") }.joined(separator: "\n")
        #expect(throws: PlanCoreError.self) { _ = try read(noCounts) }
    }
}
