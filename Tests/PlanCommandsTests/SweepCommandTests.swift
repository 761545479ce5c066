import PlanCore
import Foundation
import Testing

struct SweepCommandTests {
    @Test func sweepPrintsCurvesBreakEvenAndTornado() throws {
        let folder = Binary.workspace()
        try Data(try Binary.defaultScenario(in: folder).utf8).write(to: folder.appendingPathComponent("s.yaml"))
        let output = try Binary.run(["sweep", "s.yaml", "--vary", "languages.count=1:4:1", "--format", "json", "--no-plots"], in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let sweeps = try #require(document["sweeps"] as? [[String: Any]])
        #expect(sweeps.count == 1)
        let points = try #require(sweeps[0]["points"] as? [[String: Any]])
        #expect(points.map { $0["value"] as? Double } == [1, 2, 3, 4])
        #expect(sweeps[0].keys.contains("break_even"))
        let tornado = try #require(document["tornado"] as? [String: Any])
        let bars = try #require(tornado["bars"] as? [[String: Any]])
        let swings = bars.compactMap { $0["swing_cost_usd"] as? Double }
        #expect(!swings.isEmpty && swings == swings.sorted(by: >))
    }

    @Test(arguments: [
        (["sweep", "s.yaml", "--vary", "languages.count=5:1:1"], Int32(64)),
        (["sweep", "s.yaml", "--vary", "nonsense"], Int32(64)),
        (["sweep", "s.yaml", "--vary", "hardware.colour=1:2:1"], Int32(64)),
        (["sweep", "s.yaml", "--vary", "hardware.mfu=0.5:2:0.5", "--no-plots"], Int32(64)),
        (["sweep", "missing.yaml", "--vary", "languages.count=1:2:1"], Int32(66)),
    ])
    func badSweepsFailCleanly(arguments: [String], status: Int32) throws {
        let folder = Binary.workspace()
        try Data(try Binary.defaultScenario(in: folder).utf8).write(to: folder.appendingPathComponent("s.yaml"))
        let output = try Binary.run(arguments, in: folder)
        #expect(output.status == status, "\(arguments): \(output.stderr)")
        #expect(output.stderr.lowercased().contains("error"))
        #expect(output.stdout.isEmpty)
    }
}

/// Two update cadences: the shape, small enough to run in a test.
struct IndexedPathCommandTests {
    static let scenario = """
        version: 1
        name: two-cadences
        model: llama-3.2-1b
        hardware: {gpu: a100-80gb, pool_gpus: 4}
        languages:
          en: {examples: 20000, tokens_per_example: 500}
          fr: {examples: 8000, tokens_per_example: 600}
          de: {examples: 6000, tokens_per_example: 650}
        schedule:
          horizon_days: 180
          periodic:
            - {languages: [en], every_days: 7, add_examples: 500}
            - {languages: [fr, de], every_days: 28, add_examples: 800}
        strategies: [full-retrain, merge]

        """

    func workspace() throws -> URL {
        let folder = Binary.workspace()
        try Data(Self.scenario.utf8).write(to: folder.appendingPathComponent("two.yaml"))
        return folder
    }

    static func json(_ output: Binary.Output) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    }

    /// The weekly cadence swept at its own value gives `plan simulate`'s figures, to the digit.
    @Test func anIndexedSweepAtTheOwnValueReproducesSimulate() throws {
        let folder = try workspace()
        let sweep = try Binary.run(["sweep", "two.yaml", "--vary", "schedule.periodic[0].every_days=7:28:7", "--no-plots", "--no-tornado",
                                    "--format", "json"], in: folder)
        #expect(sweep.status == 0, "\(sweep.stderr)")
        let simulate = try Binary.run(["simulate", "two.yaml", "--no-plots", "--format", "json"], in: folder)
        #expect(simulate.status == 0, "\(simulate.stderr)")
        let points = try #require(((try Self.json(sweep))["sweeps"] as? [[String: Any]])?.first?["points"] as? [[String: Any]])
        let atSeven = try #require(points.first { $0["value"] as? Double == 7 }?["strategies"] as? [[String: Any]])
        let simulated = try #require((try Self.json(simulate))["strategies"] as? [[String: Any]])
        #expect(atSeven.count == 2 && simulated.count == 2)
        for (point, strategy) in zip(atSeven, simulated) {
            #expect(point["name"] as? String == strategy["name"] as? String)
            for key in ["cost_usd", "gpu_hours", "wall_clock_hours"] {
                #expect(point[key] as? Double == strategy[key] as? Double, "\(key)")
            }
        }
        // The other cadence is untouched: costs change along the sweep (the weekly rule moves).
        let costs = points.compactMap { ($0["strategies"] as? [[String: Any]])?.first?["cost_usd"] as? Double }
        #expect(Set(costs).count == 4)
    }

    @Test(arguments: [
        ("schedule.periodic.every_days=7:28:7", "schedule.periodic[0].every_days ... schedule.periodic[1].every_days"),
        ("schedule.periodic[2].every_days=7:28:7", "valid indices 0...1"),
        ("languages.ko.examples=1:2:1", "the scenario's languages: en, fr, de"),
        ("languages.examples=1:2:1", "languages.*.examples"),
    ])
    func aBareOrOutOfRangePathExits64NamingTheForms(vary: String, expected: String) throws {
        let output = try Binary.run(["sweep", "two.yaml", "--vary", vary, "--no-plots"], in: try workspace())
        #expect(output.status == 64, "\(output.stderr)")
        #expect(output.stderr.contains(expected), "\(output.stderr)")
        #expect(output.stdout.isEmpty)
    }
}

struct ReportCommandTests {
    @Test func reportAndCompareFromStoredRuns() throws {
        let folder = Binary.workspace()
        #expect(try Binary.run(["report", "--output", "r"], in: folder).status == 66)  // nothing stored yet
        #expect(try Binary.run(["simulate", "--no-plots"], in: folder).status == 0)
        let text = try Binary.defaultScenario(in: folder).replacingOccurrences(of: "pool_gpus: 2 ", with: "pool_gpus: 5 ")
        try Data(text.utf8).write(to: folder.appendingPathComponent("five.yaml"))
        #expect(try Binary.run(["simulate", "five.yaml", "--no-plots"], in: folder).status == 0)
        let compare = try Binary.run(["runs", "compare", "1", "2"], in: folder)
        #expect(compare.status == 0 && compare.stdout.contains("hardware.pool_gpus"))
        let report = try Binary.run(["report", "--latest", "--output", "report"], in: folder)
        #expect(report.status == 0, "\(report.stderr)")
        let markdown = try String(contentsOf: folder.appendingPathComponent("report/report.md"), encoding: .utf8)
        #expect(markdown.contains("Capacity plan: paper-2601.16127") && markdown.contains("| hardware.pool_gpus | 5 |"))
        #expect(try Binary.run(["report", "9", "--output", "x"], in: folder).status == 66)
    }
}
