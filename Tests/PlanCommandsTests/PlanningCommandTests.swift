import Foundation
import Testing

/// `plan sweep` crossings, `plan size`, saturation warnings and the report's pool section, as a
/// user runs them.
struct PlanningCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func twelveLanguageSweepReportsTheSignChange() throws {
        let folder = Binary.workspace()
        let yaml = try Binary.run(["scenarios", "show", "twelve-languages"], in: folder).stdout
        try Data(yaml.utf8).write(to: folder.appendingPathComponent("twelve.yaml"))
        let args = ["sweep", "twelve.yaml", "--vary", "schedule.periodic.every_days=300:420:30", "--no-tornado", "--no-plots"]
        let output = try Binary.run(args + ["--format", "json"], in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        let sweep = try #require((try json(output.stdout)["sweeps"] as? [[String: Any]])?.first)
        #expect(sweep["cheaper_throughout"] as? Bool == false)
        let crossings = try #require(sweep["crossings"] as? [[String: Any]])
        #expect(crossings.count == 1)
        #expect(crossings.first?["from"] as? Double == 360 && crossings.first?["to"] as? Double == 390)
        #expect(crossings.first?["becomes"] as? String == "dearer")
        let at = try #require(crossings.first?["interpolated"] as? Double)
        #expect(at > 360 && at < 390)
        let table = try Binary.run(args, in: folder)
        #expect(table.stdout.contains("merge is cheaper for schedule.periodic.every_days ≤ 360, dearer from 390"))
        #expect(table.stdout.contains("crossing between 360 and 390"))
        // The report of the stored sweep leads with the sweep's answer and lists the crossing.
        let report = try Binary.run(["report", "--latest", "--output", "r"], in: folder)
        #expect(report.status == 0, "\(report.stderr)")
        let markdown = try String(contentsOf: folder.appendingPathComponent("r/report.md"), encoding: .utf8)
        #expect(markdown.contains("- crossing between 360 and 390"))
        #expect(markdown.components(separatedBy: "\n").dropFirst(2).first?.hasPrefix("**Along `schedule.periodic.every_days`**") == true)
    }

    @Test func sizeAnswersForTheDefaultScenario() throws {
        let folder = Binary.workspace()
        let output = try Binary.run(["size", "--target-latency-hours", "24", "--format", "json", "--plots", "p"], in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        let document = try json(output.stdout)
        #expect(document["target_latency_hours"] as? Double == 24 && document["gpu"] as? String == "a100-80gb")
        let strategies = try #require(document["strategies"] as? [[String: Any]])
        #expect(strategies.map { $0["name"] as? String } == ["full-retrain", "merge"])
        for strategy in strategies {
            let gpus = try #require(strategy["pool_gpus"] as? Double)
            let p90 = try #require((strategy["update_latency_hours"] as? [String: Any])?["p90"] as? Double)
            #expect(gpus >= 1 && p90 <= 24)
        }
        for suffix in [".gp", ".png", ".svg"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("p/pool_size_latency" + suffix).path))
        }
        let script = try String(contentsOf: folder.appendingPathComponent("p/pool_size_latency.gp"), encoding: .utf8)
        #expect(script.contains("noenhanced") && script.contains("set logscale y"))
        // Nothing stored: plan size is a question, not a run.
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("plan-runs.sqlite").path))
        let table = try Binary.run(["size", "--target-latency-hours", "24", "--no-plots"], in: folder)
        #expect(table.status == 0 && table.stdout.contains("smallest pool"))
    }

    @Test(arguments: [
        (["size", "--target-latency-hours", "0"], Int32(64)),
        (["size", "--target-latency-hours", "nan"], Int32(64)),
        (["size"], Int32(64)),
        (["size", "--target-latency-hours", "24", "--format", "csv"], Int32(64)),
        (["size", "missing.yaml", "--target-latency-hours", "24"], Int32(66)),
    ])
    func badSizeRequestsFailCleanly(arguments: [String], status: Int32) throws {
        let folder = Binary.workspace()
        let output = try Binary.run(arguments, in: folder)
        #expect(output.status == status, "\(arguments): \(output.stderr)")
        #expect(output.stderr.lowercased().contains("error") && output.stdout.isEmpty)
    }

    @Test func aSaturatedPoolWarnsOnStderr() throws {
        let folder = Binary.workspace()
        let text = try Binary.defaultScenario(in: folder)
            .replacingOccurrences(of: "horizon_days: 365", with: "horizon_days: 1")
            .replacingOccurrences(of: "{day: 30, language: en, add_examples: 5000}", with: "{day: 1, language: en, add_examples: 500000}")
        try Data(text.utf8).write(to: folder.appendingPathComponent("busy.yaml"))
        let output = try Binary.run(["simulate", "busy.yaml", "--format", "json", "--no-plots"], in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("warning: the pool of 2 GPUs cannot keep up with full-retrain"))
        let strategies = try #require(try json(output.stdout)["strategies"] as? [[String: Any]])
        #expect(strategies.allSatisfy { $0["saturated"] as? Bool == true })
        // The dearer strategy is never reported cheaper from a day.
        for strategy in strategies where strategy["name"] as? String == "merge" {
            if let breakEven = strategy["break_even_day"] as? Double {
                let savings = try #require(strategy["savings"] as? [String: Any])
                #expect((savings["cost_usd"] as? Double ?? -1) >= 0, "break-even on day \(breakEven) while dearer in total")
            }
        }
    }

    @Test func perStrategyGPUsAreAcceptedInTheListAndChecked() throws {
        let folder = Binary.workspace()
        let text = try Binary.defaultScenario(in: folder)
            .replacingOccurrences(of: "strategies: [full-retrain, merge]", with: "strategies:\n  - {name: full-retrain, gpus_per_job: 2}\n  - merge")
        try Data(text.utf8).write(to: folder.appendingPathComponent("wide.yaml"))
        let output = try Binary.run(["simulate", "wide.yaml", "--format", "json", "--no-plots"], in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        let strategies = try #require(try json(output.stdout)["strategies"] as? [[String: Any]])
        #expect(strategies.map { ($0["pool"] as? [String: Any])?["gpus_per_job"] as? Double } == [2, 1])
        let tooWide = text.replacingOccurrences(of: "gpus_per_job: 2}", with: "gpus_per_job: 4}")
        try Data(tooWide.utf8).write(to: folder.appendingPathComponent("too-wide.yaml"))
        let bad = try Binary.run(["simulate", "too-wide.yaml", "--no-plots"], in: folder)
        #expect(bad.status == 65 && bad.stderr.contains("at strategies[0].gpus_per_job"))
    }
}
