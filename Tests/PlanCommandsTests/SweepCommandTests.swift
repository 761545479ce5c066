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
