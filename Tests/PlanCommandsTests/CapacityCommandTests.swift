import Foundation
import Testing

/// `plan simulate` on capacity markets and regions (docs/goodput.md): the keys appear only when
/// configured, and a bad new field is a one-line error with exit 65.
struct CapacityCommandTests {
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scenarios")

    func strategies(_ stdout: String) throws -> [[String: Any]] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        return try #require(document["strategies"] as? [[String: Any]])
    }

    @Test func twoRegionsCutCarbonAndReportTheExtraLatency() throws {
        let folder = Binary.workspace()
        let path = Self.scenarios.appendingPathComponent("two-regions.yaml").path
        let output = try Binary.run(["simulate", path, "--format", "json", "--no-plots", "--db", "x.sqlite"], in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        for strategy in try strategies(output.stdout) {
            let regions = try #require(strategy["regions"] as? [String: Any])
            #expect(regions["placement"] as? String == "cleanest")
            #expect((regions["co2_saved_kg"] as? Double ?? 0) > 0)
            #expect((regions["extra_latency_hours"] as? Double ?? 0) > 0)
            #expect(strategy["capacity"] == nil)
        }
        // The default scenario has neither key.
        let plain = try Binary.run(["simulate", "--format", "json", "--no-plots", "--db", "y.sqlite"], in: folder)
        for strategy in try strategies(plain.stdout) { #expect(strategy["regions"] == nil && strategy["capacity"] == nil) }
    }

    @Test func spotStrategiesSayWhereTheirJobsRan() throws {
        let folder = Binary.workspace()
        let base = try Binary.defaultScenario(in: folder)
        let text = base.replacingOccurrences(of: "hardware:\n", with: "hardware:\n  spot: {usd_per_gpu_hour: 0.8, preemptions_per_hour: 0.05}\n")
            .replacingOccurrences(of: "strategies: [full-retrain, merge]", with: "strategies: [full-retrain, {name: merge, capacity: spot}]")
        #expect(text != base)
        try text.write(to: folder.appendingPathComponent("spot.yaml"), atomically: true, encoding: .utf8)
        let output = try Binary.run(["simulate", "spot.yaml", "--format", "json", "--no-plots", "--db", "x.sqlite"], in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        let merge = try #require(try strategies(output.stdout).first { $0["name"] as? String == "merge" })
        let capacity = try #require(merge["capacity"] as? [String: Any])
        #expect(capacity["kind"] as? String == "spot" && (capacity["spot_jobs"] as? Int ?? 0) > 0)
        #expect((merge["effective_training_time_ratio"] as? Double ?? 1) < 1)

        try text.replacingOccurrences(of: "preemptions_per_hour: 0.05", with: "preemptions_per_hour: .nan")
            .write(to: folder.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let bad = try Binary.run(["simulate", "bad.yaml", "--no-plots", "--db", "x.sqlite"], in: folder)
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("hardware.spot.preemptions_per_hour") && bad.stderr.split(separator: "\n").count == 1, "\(bad.stderr)")
    }
}
