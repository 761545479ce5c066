import Foundation
import PlanStore
import Testing

struct SimulateCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func defaultScenarioPrintsStoresAndPlots() throws {
        let folder = Binary.workspace()
        let output = try Binary.run(["simulate"], in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("full-retrain") && output.stdout.contains("merge"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("plan-runs.sqlite").path))
        let store = try RunStore(path: folder.appendingPathComponent("plan-runs.sqlite").path)
        #expect(try store.count() == 1)
        let run = try store.run(1)
        #expect(run.scenarioName == "paper-2601.16127" && run.scenarioYAML?.contains("version: 1") == true)
        #expect(run.series.count == 2 * 366)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/gnuplot") {
            for name in ["cumulative_gpu_hours", "cumulative_cost_usd", "initial_vs_maintenance"] {
                for suffix in ["png", "svg"] {
                    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("plots/\(name).\(suffix)").path))
                }
            }
        }
    }

    @Test func jsonHasTheDocumentedShapeAndTheStudysBands() throws {
        let folder = Binary.workspace()
        let output = try Binary.run(["simulate", "--format", "json", "--no-plots", "--db", "x.sqlite"], in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        let document = try json(output.stdout)
        #expect(document["run_id"] as? Int == 1)
        #expect(document["scenario"] as? String == "paper-2601.16127")
        let strategies = try #require(document["strategies"] as? [[String: Any]])
        #expect(strategies.map { $0["name"] as? String } == ["full-retrain", "merge"])
        for strategy in strategies {
            for key in ["gpu_hours", "wall_clock_hours", "cost_usd", "energy_kwh", "co2_kg", "initial", "maintenance", "update_latency_hours", "savings"] {
                #expect(strategy[key] != nil, "missing \(key)")
            }
        }
        let savings = try #require(strategies[1]["savings"] as? [String: Any])
        let maintenance = try #require((savings["maintenance"] as? [String: Any])?["gpu_hours"] as? Double)
        let initialWall = try #require((savings["initial"] as? [String: Any])?["wall_clock_hours"] as? Double)
        let initialGPU = try #require((savings["initial"] as? [String: Any])?["gpu_hours"] as? Double)
        #expect(maintenance > 0.6 && maintenance < 0.75)
        #expect(initialWall > 0.3 && initialWall < 0.55)
        #expect(abs(initialGPU) < 0.1)
    }

    @Test func monteCarloAddsOrderedPercentilesAndIsSeeded() throws {
        let folder = Binary.workspace()
        let args = ["simulate", "--format", "json", "--no-plots", "--trials", "200", "--seed", "9"]
        let a = try json(try Binary.run(args, in: folder).stdout)
        let b = try json(try Binary.run(args, in: folder).stdout)
        let strategies = try #require(a["strategies"] as? [[String: Any]])
        for strategy in strategies {
            let percentiles = try #require(strategy["percentiles"] as? [String: [String: Double]])
            for key in ["gpu_hours", "cost_usd"] {
                let band = try #require(percentiles[key])
                #expect(band["p10"]! <= band["p50"]! && band["p50"]! <= band["p90"]!)
            }
        }
        // Compared as canonical JSON text: on Linux, NSDictionary.isEqual does not see two parsed booleans as equal.
        func canonical(_ document: [String: Any]) throws -> Data {
            try JSONSerialization.data(withJSONObject: try #require(document["strategies"] as? [[String: Any]])[1], options: .sortedKeys)
        }
        #expect(try canonical(a) == canonical(b))
    }

    @Test func csvAndRunsReadBack() throws {
        let folder = Binary.workspace()
        let csv = try Binary.run(["simulate", "--format", "csv", "--no-plots"], in: folder)
        #expect(csv.stdout.hasPrefix("run_id,scenario,strategy,phase"))
        #expect(csv.stdout.split(separator: "\n").count == 7)
        let list = try Binary.run(["runs", "list"], in: folder)
        #expect(list.status == 0 && list.stdout.contains("simulate"))
        let show = try Binary.run(["runs", "show", "1"], in: folder)
        #expect(show.status == 0 && show.stdout.contains("paper-2601.16127"))
        let exported = try Binary.run(["runs", "export", "1", "--format", "json"], in: folder)
        #expect(try json(exported.stdout)["run_id"] as? Int == 1)
        let exportedCSV = try Binary.run(["runs", "export", "1", "--format", "csv"], in: folder)
        #expect(exportedCSV.stdout == csv.stdout)  // one schema, one writer (CSVSchemaTests)
        #expect(try Binary.run(["runs", "show", "99"], in: folder).status == 66)
    }

    @Test func planDBEnvironmentVariableChoosesTheFile() throws {
        let folder = Binary.workspace()
        let output = try Binary.run(["simulate", "--no-plots"], in: folder, environment: ["PLAN_DB": "env.sqlite"])
        #expect(output.status == 0)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("env.sqlite").path))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("plan-runs.sqlite").path))
    }

    @Test func missingGnuplotStillPrintsAndStores() throws {
        let folder = Binary.workspace()
        let output = try Binary.run(["simulate"], in: folder, environment: ["PATH": "/nonexistent"])
        #expect(output.status == 73)
        #expect(output.stderr.contains("gnuplot not found") && output.stderr.contains("gnuplot-nox"))
        #expect(output.stdout.contains("merge vs full-retrain"))
        #expect(try RunStore(path: folder.appendingPathComponent("plan-runs.sqlite").path).count() == 1)
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("plots").path)) ?? []
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func unwritableOutputsExit73() throws {
        let folder = Binary.workspace()
        let db = try Binary.run(["simulate", "--no-plots", "--db", "/nonexistent-\(UUID().uuidString)/x.sqlite"], in: folder)
        #expect(db.status == 73 && db.stderr.contains("cannot open run database"))
        try Data("file".utf8).write(to: folder.appendingPathComponent("blocker"))
        let plots = try Binary.run(["simulate", "--plots", "blocker/plots"], in: folder)
        #expect(plots.status == 73, "\(plots.stderr)")
        #expect(plots.stdout.contains("full-retrain"))  // results still printed (and stored)
    }
}
