import Foundation
import Testing

/// `plan calibrate` and `plan validate` end to end on the seconds-long `tiny` setup: output shape,
/// stored runs and profile, plots. Timings are never checked.
struct ValidateCommandTests {
    @Test func calibrateStoresAProfileAScenarioCanUse() throws {
        let folder = Binary.workspace()
        let output = try Binary.run(["calibrate", "--setup", "tiny", "--name", "box", "--format", "json"], in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(document["profile"] as? String == "box")
        for key in ["run_id", "peak_flops_per_second", "memory_bytes_per_second", "blas_core", "threads", "rates", "build"] {
            #expect(document[key] != nil, "\(key)")
        }
        let runs = try Binary.run(["runs", "list", "--kind", "calibrate"], in: folder)
        #expect(runs.status == 0 && runs.stdout.contains("calibrate"))
        // The profile stands in for a GPU in a scenario.
        var yaml = try Binary.defaultScenario(in: folder)
        // A CPU profile's memory is the machine's RAM: a 1B model fits it, the 8B one may not.
        yaml = yaml.replacingOccurrences(of: "gpu: a100-80gb", with: "profile: box")
            .replacingOccurrences(of: "model: llama-3.1-8b", with: "model: llama-3.2-1b")
            .replacingOccurrences(of: "gradient_checkpointing: false", with: "gradient_checkpointing: auto")
        try yaml.write(to: folder.appendingPathComponent("profiled.yaml"), atomically: true, encoding: .utf8)
        let simulated = try Binary.run(["simulate", "profiled.yaml", "--format", "json", "--no-plots"], in: folder)
        #expect(simulated.status == 0, "\(simulated.stderr)")
    }

    @Test func validatePrintsTheDesignDocumentAndStoresMeasurements() throws {
        let folder = Binary.workspace()
        let output = try Binary.run(["validate", "--setup", "tiny", "--format", "json", "--plots", "out"], in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let jobs = try #require(document["jobs"] as? [[String: Any]])
        #expect(jobs.count >= 4)
        for job in jobs {
            for key in ["name", "predicted_s", "measured_s", "relative_error"] { #expect(job[key] != nil, "\(key)") }
        }
        // The experiment runs on one OpenBLAS thread unless --threads says otherwise.
        #expect(document["threads"] as? Int == 1)
        for key in ["median_abs_error", "max_abs_error", "savings_predicted", "savings_measured", "losses", "blas_core", "threads"] {
            #expect(document[key] != nil, "\(key)")
        }
        for file in ["validation_parity.png", "validation_parity.svg", "validation_losses.png", "validation_losses.txt"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/\(file)").path), "\(file)")
        }
        // Quality: every model's scores per language, the pretraining's cost, the plots and table.
        let quality = try #require(document["quality"] as? [[String: Any]])
        let models = quality.compactMap { $0["model"] as? String }
        for model in ["base", "combined", "single", "merge/linear", "merge/ties d=0.5", "merge/ties d=0.2", "merge/dare_ties d=0.5",
                      "merge/magnitude_prune d=0.5", "merge/knots_ties d=0.5", "merge/cat", "update/retrain-all", "update/re-merge"] {
            #expect(models.contains(model), "\(model)")
        }
        let pretraining = try #require(document["pretraining"] as? [String: Any])
        #expect(pretraining["reused"] as? Bool == false)
        for file in ["validation_quality_accuracy.png", "validation_quality_loss.svg", "validation_quality.txt"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/\(file)").path), "\(file)")
        }
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("plan-runs.sqlite.pretrained-tiny.bin").path))
        // A second run reuses the cached base.
        let again = try Binary.run(["validate", "--setup", "tiny", "--format", "json", "--no-plots"], in: folder)
        #expect(again.status == 0, "\(again.stderr)")
        let second = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect((second["pretraining"] as? [String: Any])?["reused"] as? Bool == true)
        // The report of a simulation shows the latest validation's quality with its reading and caveat.
        #expect(try Binary.run(["simulate", "--no-plots"], in: folder).status == 0)
        let report = try Binary.run(["report", "--latest", "--output", "r"], in: folder)
        #expect(report.status == 0, "\(report.stderr)")
        let markdown = try String(contentsOf: folder.appendingPathComponent("r/report.md"), encoding: .utf8)
        #expect(markdown.contains("## Quality at small scale") && markdown.contains("Mean answer-token accuracy:"))
        #expect(markdown.contains("**Caveat:** Toy scale") && markdown.contains("merge/knots_ties d=0.5"))
        let runID = try #require(document["run_id"] as? Int)
        let shown = try Binary.run(["runs", "export", String(runID), "--format", "json"], in: folder)
        #expect(shown.status == 0 && shown.stdout.contains("initial/merge"), "\(shown.stderr)")
    }

    @Test func badOptionsAreUsageErrors() throws {
        let folder = Binary.workspace()
        #expect(try Binary.run(["validate", "--format", "csv"], in: folder).status == 64)
        #expect(try Binary.run(["calibrate", "--name", ""], in: folder).status == 64)
        #expect(try Binary.run(["validate", "--setup", "huge"], in: folder).status == 64)
        #expect(try Binary.run(["validate", "--setup", "tiny", "--threads", "-1"], in: folder).status == 64)
    }
}
