import Foundation
import Testing

struct SensitivityCommandTests {
    @Test func sensitivityStoresARunAndFeedsTheReport() throws {
        let folder = Binary.workspace()
        try Data(try Binary.defaultScenario(in: folder).utf8).write(to: folder.appendingPathComponent("s.yaml"))
        let output = try Binary.run(["sensitivity", "s.yaml", "--trials", "64", "--format", "json", "--no-plots"], in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let inputs = try #require(document["inputs"] as? [String])
        #expect(!inputs.isEmpty)
        #expect(document["evaluations"] as? Int == 64 * (inputs.count + 2))
        let outputs = try #require(document["outputs"] as? [[String: Any]])
        #expect(outputs.contains { $0["figure"] as? String == "cost_gap_usd" })
        for entry in outputs {
            let indices = try #require(entry["indices"] as? [[String: Any]])
            #expect(indices.count == inputs.count)
            #expect(indices.allSatisfy { $0["total_effect"] is Double && ($0["total_effect_ci"] as? [Double])?.count == 2 })
        }
        #expect(!(document["most_influential"] as? [String] ?? []).isEmpty)
        let runs = try Binary.run(["runs", "list"], in: folder)
        #expect(runs.stdout.contains("sensitivity"), "\(runs.stdout)")
        let report = try Binary.run(["report", "--latest", "--output", "report"], in: folder)
        #expect(report.status == 0, "\(report.stderr)")
        let markdown = try String(contentsOf: folder.appendingPathComponent("report/report.md"), encoding: .utf8)
        #expect(markdown.contains("Variance-based sensitivity (Sobol)"))
        let csv = try Binary.run(["sensitivity", "s.yaml", "--trials", "16", "--format", "csv", "--no-plots"], in: folder)
        #expect(csv.status == 0 && csv.stdout.hasPrefix("run_id,figure,strategy,input,first_order"))
    }

    @Test(arguments: [
        (["sensitivity", "s.yaml", "--trials", "1"], Int32(64)),
        (["sensitivity", "plain.yaml", "--trials", "16", "--no-plots"], Int32(64)),
        (["sensitivity", "missing.yaml"], Int32(66)),
    ])
    func badSensitivityRunsFailCleanly(arguments: [String], status: Int32) throws {
        let folder = Binary.workspace()
        let text = try Binary.defaultScenario(in: folder)
        try Data(text.utf8).write(to: folder.appendingPathComponent("s.yaml"))
        // No uncertainty block and no Poisson updates: nothing to apportion.
        let plain = text.components(separatedBy: "\nuncertainty:")[0].replacingOccurrences(of: "poisson:", with: "no_poisson:")
        try Data(plain.utf8).write(to: folder.appendingPathComponent("plain.yaml"))
        let output = try Binary.run(arguments, in: folder)
        #expect(output.status == status, "\(arguments): \(output.stderr)")
        #expect(output.stderr.lowercased().contains("error"))
        #expect(output.stdout.isEmpty)
    }

    @Test func sweepWithTrialsReportsBandsAndProbability() throws {
        let folder = Binary.workspace()
        try Data(try Binary.defaultScenario(in: folder).utf8).write(to: folder.appendingPathComponent("s.yaml"))
        let output = try Binary.run(["sweep", "s.yaml", "--vary", "languages.count=2:4:1", "--trials", "40", "--no-tornado",
                                     "--format", "json", "--no-plots"], in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let points = try #require((document["sweeps"] as? [[String: Any]])?.first?["points"] as? [[String: Any]])
        #expect(points.count == 3)
        for point in points {
            let probability = try #require(point["probability_cheaper"] as? Double)
            #expect((0...1).contains(probability))
            for row in try #require(point["strategies"] as? [[String: Any]]) {
                let p10 = try #require(row["cost_usd_p10"] as? Double), p50 = try #require(row["cost_usd_p50"] as? Double)
                let p90 = try #require(row["cost_usd_p90"] as? Double)
                #expect(p10 <= p50 && p50 <= p90)
            }
        }
        let table = try Binary.run(["sweep", "s.yaml", "--vary", "languages.count=2:3:1", "--trials", "20", "--no-tornado", "--no-plots"], in: folder)
        #expect(table.status == 0 && table.stdout.contains("cheaper)"))
    }
}
