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
