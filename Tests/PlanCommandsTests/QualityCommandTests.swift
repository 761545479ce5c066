import Foundation
import PlanCore
import PlanReport
import Testing

/// `plan quality` end to end on the seconds-long `tiny` size: the JSON document and its schema,
/// the stored run (runs list / show, report), the plot, usage errors.
struct QualityCommandTests {
    @Test func qualityPrintsItsDocumentStoresTheRunAndReportsIt() throws {
        let folder = Binary.workspace()
        let output = try Binary.run(
            ["quality", "--size", "tiny", "--seeds", "2", "--setups", "study,shared-lexicon,weights-ones", "--format", "json", "--plots", "out"],
            in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        let value = try #require(JSONValue.parse(output.stdout))
        let schemaErrors = try JSONSchema.named("quality").errors(value)
        #expect(schemaErrors.isEmpty, "\(schemaErrors.prefix(5))")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let setups = try #require(document["setups"] as? [[String: Any]])
        #expect(setups.compactMap { $0["name"] as? String } == ["study", "shared-lexicon", "weights-ones"])
        for setup in setups {
            let rows = try #require(setup["rows"] as? [[String: Any]])
            let models = rows.compactMap { $0["model"] as? String }
            #expect(models.contains("combined") && models.contains("single") && models.filter { $0.hasPrefix("merge/") }.count >= 5)
            for row in rows {
                for key in ["accuracy", "accuracy_ci", "retention", "loss", "languages"] { #expect(row[key] != nil, "\(key)") }
            }
        }
        let answer = try #require(document["answer"] as? String)
        #expect(answer.hasPrefix("In the study's setup"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/quality_retention.png").path))
        let runID = try #require(document["run_id"] as? Int)
        let list = try Binary.run(["runs", "list", "--kind", "quality"], in: folder)
        #expect(list.status == 0 && list.stdout.contains("quality"))
        let shown = try Binary.run(["runs", "show", String(runID)], in: folder)
        #expect(shown.status == 0 && shown.stdout.contains("shared-lexicon"), "\(shown.stderr)")
        let exported = try Binary.run(["runs", "export", String(runID), "--format", "json"], in: folder)
        #expect(JSONValue.parse(exported.stdout)?["answer"]?.string == answer)
        let report = try Binary.run(["report", String(runID), "--output", "r"], in: folder)
        #expect(report.status == 0, "\(report.stderr)")
        let markdown = try String(contentsOf: folder.appendingPathComponent("r/report.md"), encoding: .utf8)
        #expect(markdown.contains("In the study's setup") && markdown.contains("quality_retention.png"))
        // The table leads with the same answer.
        let table = try Binary.run(["quality", "--size", "tiny", "--seeds", "1", "--setups", "study", "--no-plots"], in: folder)
        #expect(table.status == 0 && table.stdout.hasPrefix("In the study's setup"), "\(table.stderr)")
    }

    /// A scenario's `quality.from_run` reads the retention a stored quality run measured.
    @Test func aScenarioTakesItsRetentionFromAQualityRun() throws {
        let folder = Binary.workspace()
        let quality = try Binary.run(["quality", "--size", "tiny", "--seeds", "1", "--setups", "study", "--no-plots", "--format", "json"], in: folder)
        #expect(quality.status == 0, "\(quality.stderr)")
        let document = try #require(JSONValue.parse(quality.stdout))
        let runID = try #require(document["run_id"]?.number.map { Int($0) })
        let measured = try #require(MeasuredRetention.of(document: quality.stdout)?["ties"])
        func scenario(_ run: Int) throws -> String {
            let text = try Catalog.scenarioText(Catalog.defaultScenarioName) + "\nquality: {from_run: \(run)}\n"
            try text.write(to: folder.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
            return "s.yaml"
        }
        let simulate = try Binary.run(["simulate", try scenario(runID), "--no-plots", "--format", "json"], in: folder)
        #expect(simulate.status == 0, "\(simulate.stderr)")
        let merge = JSONValue.parse(simulate.stdout)?["strategies"]?.items?.first { $0["name"]?.string == "merge" }
        #expect(merge?["quality_source"]?.string == "run \(runID) (ties)")
        #expect(abs((merge?["quality_retention"]?.number ?? -1) - measured) < 1e-4)
        let simulateRun = try #require(JSONValue.parse(simulate.stdout)?["run_id"]?.number.map { Int($0) })
        for (run, words) in [(999, "no run 999"), (simulateRun, "is a simulate run")] {
            let refused = try Binary.run(["simulate", try scenario(run), "--no-plots"], in: folder)
            #expect(refused.status == 65 && refused.stderr.contains("quality.from_run") && refused.stderr.contains(words), "\(refused.stderr)")
        }
    }

    @Test func badOptionsAreUsageErrors() throws {
        let folder = Binary.workspace()
        for arguments in [["--seeds", "0"], ["--seeds", "x"], ["--setups", "nope"], ["--setups", ","], ["--size", "huge"],
                          ["--format", "csv"], ["--threads", "-1"], ["--override", "colour=1"]] {
            let output = try Binary.run(["quality", "--size", "tiny", "--no-plots"] + arguments, in: folder)
            #expect(output.status == 64, "\(arguments): \(output.stderr)")
            #expect(output.stderr.split(separator: "\n").count >= 1)
        }
    }
}
