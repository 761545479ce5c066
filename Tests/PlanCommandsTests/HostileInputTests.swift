import Foundation
import GRDB
import PlanStore
import Testing

/// The cases of issue 11, end to end through the built binary: each gives a one-line error with
/// a documented exit code (or works), never a crash, and touches nothing the command does not own.
struct HostileInputTests {
    /// A small valid scenario; `extra` is appended, `replace` edits it.
    static func scenario(_ replacements: [(String, String)] = [], extra: String = "") -> String {
        var text = """
            version: 1
            name: small
            model: llama-3.1-8b
            finetune: {epochs: 2}
            hardware: {gpu: a100-80gb, pool_gpus: 2, mfu: 0.35}
            languages:
              en: {examples: 5000, tokens_per_example: 600}
              fr: {examples: 5000, tokens_per_example: 700}
            schedule:
              horizon_days: 365
              events: [{day: 30, language: en, add_examples: 5000}]

            """
        for (old, new) in replacements { text = text.replacingOccurrences(of: old, with: new) }
        return text + extra
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        let arguments: [String]
        let status: Int32
        let message: String
        var testDescription: String { name }
    }

    static let fifty = "languages:\n" + (0..<50).map { "  l\($0): {examples: 100, tokens_per_example: 100}" }.joined(separator: "\n") + "\n"

    static let cases: [Case] = [
        Case(name: "version Int64.max", yaml: scenario([("version: 1", "version: 9223372036854775807")]),
             arguments: ["scenarios", "check", "s.yaml"], status: 65, message: "at version: must be between 0 and 1000000"),
        Case(name: "version Int64.max (simulate)", yaml: scenario([("version: 1", "version: 9223372036854775807")]),
             arguments: ["simulate", "s.yaml", "--no-plots"], status: 65, message: "at version"),
        Case(name: "mfu 1e-20 is refused below the documented minimum", yaml: scenario([("mfu: 0.35", "mfu: 1e-20")]),
             arguments: ["simulate", "s.yaml", "--no-plots", "--format", "json"], status: 65, message: "at hardware.mfu: must be greater than"),
        Case(name: "peak_tflops 1e-300 works", yaml: scenario([("mfu: 0.35", "mfu: 0.35, peak_tflops: 1e-300")]),
             arguments: ["simulate", "s.yaml", "--no-plots", "--format", "json"], status: 0, message: ""),
        Case(name: "examples × tokens × epochs near 1e24 works",
             yaml: scenario([("examples: 5000, tokens_per_example: 600", "examples: 1e12, tokens_per_example: 1e8"), ("epochs: 2", "epochs: 10000")]),
             arguments: ["simulate", "s.yaml", "--no-plots", "--format", "json"], status: 0, message: ""),
        Case(name: "lognormal with a huge sigma on integer fields",
             yaml: scenario(extra: "uncertainty:\n  finetune.rank: {lognormal: [64, 100]}\n  hardware.pool_gpus: {lognormal: [2, 300]}\n"),
             arguments: ["simulate", "s.yaml", "--no-plots", "--trials", "20", "--format", "json"], status: 0, message: ""),
        Case(name: "sweep 0:1e19:1", yaml: scenario(), arguments: ["sweep", "s.yaml", "--vary", "hardware.mfu=0:1e19:1", "--no-plots"],
             status: 65, message: "at most 10000 points"),
        Case(name: "sweep 1e300:1e300:1", yaml: scenario(), arguments: ["sweep", "s.yaml", "--vary", "hardware.mfu=1e300:1e300:1", "--no-plots"],
             status: 64, message: "hardware.mfu must be between"),
        Case(name: "sweep 0:1:1e-320", yaml: scenario(), arguments: ["sweep", "s.yaml", "--vary", "hardware.mfu=0:1:1e-320", "--no-plots"],
             status: 65, message: "at most 10000 points"),
        Case(name: "sweep points past 4 significant digits are stored", yaml: scenario(),
             arguments: ["sweep", "s.yaml", "--vary", "schedule.horizon_days=10000:10001:1", "--no-tornado", "--no-plots"], status: 0, message: ""),
        Case(name: "sweep of the same field twice", yaml: scenario(),
             arguments: ["sweep", "s.yaml", "--vary", "hardware.mfu=0.2:0.3:0.1", "--vary", "hardware.mfu=0.3:0.4:0.1", "--no-plots"],
             status: 64, message: "given twice"),
        Case(name: "periodic every 1e-9 days over 100 years",
             yaml: scenario([("horizon_days: 365", "horizon_days: 36500")], extra: "  periodic: [{languages: all, every_days: 1e-9, add_examples: 1}]\n"),
             arguments: ["simulate", "s.yaml", "--no-plots"], status: 65, message: "more than the limit of 1000000"),
        Case(name: "poisson 100000 a year on 50 languages",
             yaml: scenario([("languages:\n  en: {examples: 5000, tokens_per_example: 600}\n  fr: {examples: 5000, tokens_per_example: 700}\n", fifty),
                             ("events: [{day: 30, language: en, add_examples: 5000}]", "poisson: [{languages: all, per_year: 100000, add_examples: 1}]")]),
             arguments: ["simulate", "s.yaml", "--no-plots"], status: 65, message: "more than the limit of 1000000"),
        Case(name: "languages.count uncertainty up to 1e15 is clamped",
             yaml: scenario(extra: "uncertainty:\n  languages.count: {uniform: [1, 1e15]}\n"),
             arguments: ["simulate", "s.yaml", "--no-plots", "--trials", "1", "--format", "json"], status: 0, message: ""),
        Case(name: "trials × arrivals above the limit",
             yaml: scenario(extra: "  periodic: [{languages: all, every_days: 0.001, add_examples: 1}]\n"),
             arguments: ["simulate", "s.yaml", "--no-plots", "--trials", "1000"], status: 65, message: "trial-arrivals"),
        Case(name: "a 100 KB value is cut in the diagnostic", yaml: scenario([("mfu: 0.35", "mfu: \"" + String(repeating: "9", count: 100_000) + "\"")]),
             arguments: ["scenarios", "check", "s.yaml"], status: 65, message: "… (100000 characters)"),
    ]

    @Test(arguments: cases) func hostileCase(_ item: Case) throws {
        let folder = Binary.workspace()
        try Data(item.yaml.utf8).write(to: folder.appendingPathComponent("s.yaml"))
        let output = try Binary.run(item.arguments, in: folder)
        #expect(output.status == item.status, "\(item.name): \(output.stderr.prefix(500))")
        #expect(item.message.isEmpty || output.stderr.contains(item.message), "\(item.name): \(output.stderr.prefix(500))")
        #expect(!output.stderr.contains("Fatal error") && !output.stderr.contains("Backtrac"), "\(item.name)")
        for line in output.stderr.split(separator: "\n") { #expect(line.count < 400, "\(item.name): a \(line.count)-character line") }
        if item.status == 65 || item.status == 64 {
            // Nothing stored, and no database created for an input that was refused.
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("plan-runs.sqlite").path), "\(item.name)")
        }
        if item.status == 0 && item.arguments.contains("json") {
            #expect(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) is [String: Any], "\(item.name)")
        }
    }

    @Test func anInvalidScenarioIsReportedBeforeABadDatabase() throws {
        let folder = Binary.workspace()
        try Data(Self.scenario([("mfu: 0.35", "mfu: 7")]).utf8).write(to: folder.appendingPathComponent("s.yaml"))
        let missing = try Binary.run(["simulate", "s.yaml", "--db", "nowhere/x.sqlite"], in: folder)
        #expect(missing.status == 65 && missing.stderr.contains("hardware.mfu"), "\(missing.stderr)")
        try Data("not sqlite at all, but precious".utf8).write(to: folder.appendingPathComponent("notes.sqlite"))
        let foreign = try Binary.run(["simulate", "s.yaml", "--db", "notes.sqlite"], in: folder)
        #expect(foreign.status == 65 && foreign.stderr.contains("hardware.mfu"), "\(foreign.stderr)")
        let valid = try Binary.run(["simulate", "--db", "notes.sqlite", "--no-plots"], in: folder)
        #expect(valid.status == 65 && valid.stderr.contains("not a plan run database"), "\(valid.stderr)")
        #expect(try String(contentsOf: folder.appendingPathComponent("notes.sqlite"), encoding: .utf8) == "not sqlite at all, but precious")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("plan-runs.sqlite").path))
    }

    @Test func hostileNamesNeverReachTheTerminalOrRunInGnuplot() throws {
        let folder = Binary.workspace()
        let name = "\"x'\\nsystem \\\"touch CANARY\\\"\\n\\e[31m<script>alert(1)</script>\""
        try Data(Self.scenario([("name: small", "name: \(name)")]).utf8).write(to: folder.appendingPathComponent("s.yaml"))
        let simulate = try Binary.run(["simulate", "s.yaml", "--plots", "plots"], in: folder)
        #expect(simulate.status == 0, "\(simulate.stderr)")
        #expect(!simulate.stdout.contains("\u{1B}") && simulate.stdout.contains("\\e[31m"))
        let report = try Binary.run(["report", "--latest", "--output", "report"], in: folder)
        #expect(report.status == 0, "\(report.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            + FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("plots").path)
            + FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("report").path)
        #expect(!names.contains { $0.contains("CANARY") }, "\(names)")
        let markdown = try String(contentsOf: folder.appendingPathComponent("report/report.md"), encoding: .utf8)
        let outsideCode = markdown.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 0 }.map(\.element).joined()
        #expect(!outsideCode.contains("<script>"))
        for script in try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("report").path) where script.hasSuffix(".gp") {
            let text = try String(contentsOf: folder.appendingPathComponent("report/\(script)"), encoding: .utf8)
            #expect(!text.split(separator: "\n").contains { $0.hasPrefix("system") }, "\(script)")
        }
    }

    @Test func reportRefusesAFolderOfTheUsersAndKeepsItsFiles() throws {
        let folder = Binary.workspace()
        #expect(try Binary.run(["simulate", "--no-plots"], in: folder).status == 0)
        let mine = folder.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try Data("my notes".utf8).write(to: mine.appendingPathComponent("report.md"))
        try Data("thesis".utf8).write(to: mine.appendingPathComponent("thesis.tex"))
        let refused = try Binary.run(["report", "--latest", "--output", "mine"], in: folder)
        #expect(refused.status == 73 && refused.stderr.contains("not a plan report"), "\(refused.stderr)")
        #expect(try String(contentsOf: mine.appendingPathComponent("report.md"), encoding: .utf8) == "my notes")
        #expect(try String(contentsOf: mine.appendingPathComponent("thesis.tex"), encoding: .utf8) == "thesis")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).allSatisfy { !$0.contains("plan-tmp") })
        // Its own earlier report is replaced.
        #expect(try Binary.run(["report", "--latest", "--output", "ours"], in: folder).status == 0)
        #expect(try Binary.run(["report", "--latest", "--output", "ours"], in: folder).status == 0)
    }

    @Test func aTamperedCellIsAOneLineError() throws {
        let folder = Binary.workspace()
        #expect(try Binary.run(["simulate", "--no-plots"], in: folder).status == 0)
        let path = folder.appendingPathComponent("plan-runs.sqlite").path
        try DatabaseQueue(path: path).write { try $0.execute(sql: "UPDATE run SET started_at = 'garbage'") }
        for arguments in [["runs", "list"], ["runs", "show", "1"], ["report", "--latest", "--output", "r"]] {
            let output = try Binary.run(arguments, in: folder)
            #expect(output.status == 65 && output.stderr.contains("table run, row 1, column started_at"), "\(arguments): \(output.stderr)")
            #expect(output.stderr.split(separator: "\n").count == 1)
        }
    }
}
