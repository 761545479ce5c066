import Foundation
import Testing

/// `plan calibrate --import` on an MLPerf Training result log, and `plan estimate`'s periodic
/// evaluation (`--eval-every-samples`, `--eval-samples`) reproducing the run with the profile.
struct MLPerfImportCommandTests {
    static let fixture = CalibrateImportCommandTests.fixture

    /// The run's facts that the log does not state (its model, adapters, GPUs and stack).
    static let facts = ["--model", "llama-2-70b", "--method", "lora", "--targets", "q_proj,k_proj,v_proj,o_proj", "--gpu", "h100-sxm",
                        "--gpus", "8", "--stack", "nemo-fp8"]

    func json(_ output: Binary.Output) throws -> [String: Any] {
        #expect(output.status == 0, "\(output.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    }

    /// Acceptance: the fixture (3,072 samples of 8,192 tokens in 1,952.677 s from run_start to
    /// run_stop, of which 355.341 s in 8 evaluations of 173 samples every 384) imports to a
    /// profile with which `plan estimate` reproduces the whole run within 5%.
    @Test func mlperfLogImportsToAProfileThatReproducesItsRun() throws {
        let folder = Binary.workspace()
        let document = try json(try Binary.run(
            ["calibrate", "--import", try Self.fixture("mlperf_llama2_70b_lora.log"), "--name", "h100-mlperf", "--format", "json",
             "--db", "p.sqlite"] + Self.facts, in: folder))
        let run = try #require((document["runs"] as? [[String: Any]])?.first)
        #expect(run["format"] as? String == "mlperf")
        #expect(run["sequence_length"] as? Double == 8192 && run["micro_batch"] as? Double == 1 && run["rank"] as? Double == 16)
        let mlperf = try #require(run["mlperf"] as? [String: Any])
        #expect(mlperf["samples"] as? Double == 3072 && mlperf["eval_every_samples"] as? Double == 384)
        #expect(mlperf["eval_samples"] as? Double == 173 && mlperf["evaluations"] as? Double == 8 && mlperf["modelled_evaluations"] as? Double == 8)
        #expect(abs((mlperf["run_seconds"] as? Double ?? 0) - 1952.677) < 0.01 && abs((mlperf["evaluation_seconds"] as? Double ?? 0) - 355.341) < 0.01)
        let error = try #require(mlperf["run_relative_error"] as? Double)
        #expect(abs(error) < 0.05, "reproduced run off by \(error)")

        let estimate = try json(try Binary.run(
            ["estimate", "--profile", "h100-mlperf", "--db", "p.sqlite", "--model", "llama-2-70b", "--targets", "q_proj,k_proj,v_proj,o_proj",
             "--gpus", "8", "--sequence-length", "8192", "--no-gradient-checkpointing", "--tokens", String(3072 * 8192),
             "--eval-every-samples", "384", "--eval-samples", "173", "--format", "json"], in: folder))
        let seconds = try #require(estimate["wall_clock_hours"] as? Double) * 3600
        #expect(abs(seconds / 1952.677 - 1) < 0.05, "\(seconds) s against 1952.677 s")
        #expect(abs(seconds / (try #require(mlperf["reproduced_run_seconds"] as? Double)) - 1) < 1e-4)
        let evaluation = try #require(estimate["evaluation"] as? [String: Any])
        #expect(evaluation["evaluations"] as? Double == 8 && evaluation["samples_per_evaluation"] as? Double == 173)
        let evaluationSeconds = try #require(evaluation["seconds"] as? Double)
        #expect(abs(evaluationSeconds / 355.341 - 1) < 0.10, "modelled evaluations \(evaluationSeconds) s against 355.341 s measured")

        // Without the evaluation flags the estimate is the training alone, short of the run.
        let plain = try json(try Binary.run(
            ["estimate", "--profile", "h100-mlperf", "--db", "p.sqlite", "--model", "llama-2-70b", "--targets", "q_proj,k_proj,v_proj,o_proj",
             "--gpus", "8", "--sequence-length", "8192", "--no-gradient-checkpointing", "--tokens", String(3072 * 8192), "--format", "json"],
            in: folder))
        #expect(plain["evaluation"] == nil)
        #expect(abs(try #require(plain["wall_clock_hours"] as? Double) * 3600 / 1597.336 - 1) < 0.01)

        let table = try Binary.run(["calibrate", "--import", try Self.fixture("mlperf_llama2_70b_lora.log"), "--name", "again", "--db", "p.sqlite"]
                                   + Self.facts, in: folder)
        #expect(table.status == 0 && table.stdout.contains("MLPerf run") && table.stdout.contains("3072 samples in 1952.7 s"), "\(table.stdout)")
    }

    /// Malformed logs: one line naming the file (and line), exit 65, nothing stored.
    @Test(arguments: [
        ("bad-json", "line 3: the event after :::MLLOG is not JSON"),
        ("no-stop", "missing run_stop"),
    ])
    func malformedLogsStoreNothing(_ kind: String, _ message: String) throws {
        let folder = Binary.workspace()
        let lines = try String(contentsOfFile: try Self.fixture("mlperf_llama2_70b_lora.log"), encoding: .utf8).split(separator: "\n").map(String.init)
        var bad = lines
        switch kind {
        case "bad-json": bad[2] = String(bad[2].dropLast(3))
        default: bad.removeAll { $0.contains(#""key": "run_stop""#) }
        }
        let path = folder.appendingPathComponent("result_\(kind).txt").path
        try Data(bad.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        let output = try Binary.run(["calibrate", "--import", path, "--name", "bad", "--db", "p.sqlite"] + Self.facts, in: folder)
        #expect(output.status == 65)
        #expect(output.stderr.split(separator: "\n").count == 1, "\(output.stderr)")
        #expect(output.stderr.contains(path) && output.stderr.contains(message), "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("p.sqlite").path))
    }

    /// `plan estimate`'s evaluation flags: a step-table row and a JSON object; usage errors exit 64.
    @Test func estimateShowsTheEvaluationAndRefusesHalfTheFlags() throws {
        let folder = Binary.workspace()
        let job = ["estimate", "--model", "llama-3.1-8b", "--tokens", "4096000", "--sequence-length", "4096", "--mfu", "0.4"]
        let table = try Binary.run(job + ["--eval-every-samples", "100", "--eval-samples", "50"], in: folder)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("evaluation (10 x 50 samples, whole job)"), "\(table.stdout)")
        let plain = try Binary.run(job, in: folder)
        #expect(!plain.stdout.contains("evaluation ("))
        for bad in [["--eval-every-samples", "100"], ["--eval-samples", "5"], ["--eval-every-samples", "0", "--eval-samples", "5"],
                    ["--eval-every-samples", "10", "--eval-samples", "-1"]] {
            let output = try Binary.run(job + bad, in: folder)
            #expect(output.status == 64, "\(bad): \(output.stderr)")
        }
        let footprint = try Binary.run(["estimate", "--gpu-hours", "10", "--eval-every-samples", "1", "--eval-samples", "1"], in: folder)
        #expect(footprint.status == 64, "\(footprint.stderr)")
    }
}
