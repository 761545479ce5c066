import Foundation
import Testing

/// `plan report` as a user runs it: a self-contained HTML, read from the stored run (an
/// hf_config run's report needs no config.json), and the `--trials` warning without an
/// uncertainty block.
struct ReportFileCommandTests {
    /// The default scenario without its uncertainty block: every Monte Carlo trial is the same.
    static func certainScenario(in folder: URL) throws -> String {
        let yaml = try Binary.defaultScenario(in: folder)
        return String(try #require(yaml.components(separatedBy: "\nuncertainty:").first)) + "\n"
    }

    @Test func trialsWithoutAnUncertaintyBlockWarnOnceOnStderr() throws {
        let folder = Binary.workspace()
        try Data(try Self.certainScenario(in: folder).utf8).write(to: folder.appendingPathComponent("certain.yaml"))
        let simulate = try Binary.run(["simulate", "certain.yaml", "--trials", "5", "--no-plots", "--db", "r.sqlite"], in: folder)
        #expect(simulate.status == 0, "\(simulate.stderr)")
        let lines = simulate.stderr.split(separator: "\n").filter { $0.contains("all trials will be identical") }
        #expect(lines.count == 1 && lines[0].hasPrefix("warning: --trials 5"), "\(simulate.stderr)")
        let sweep = try Binary.run(["sweep", "certain.yaml", "--vary", "finetune.epochs=2:4:1", "--trials", "3", "--no-tornado", "--no-plots",
                                    "--db", "r.sqlite"], in: folder)
        #expect(sweep.status == 0 && sweep.stderr.contains("all trials will be identical"), "\(sweep.stderr)")
        // With the uncertainty block, or without --trials, nothing is said.
        let drawn = try Binary.run(["simulate", "--trials", "5", "--no-plots", "--db", "r.sqlite"], in: folder)
        let once = try Binary.run(["simulate", "certain.yaml", "--no-plots", "--db", "r.sqlite"], in: folder)
        #expect(!drawn.stderr.contains("identical") && !once.stderr.contains("identical"))
        // The report of the certain run gives no --trials advice.
        #expect(try Binary.run(["report", "4", "--output", "r", "--db", "r.sqlite"], in: folder).status == 0)
        let markdown = try String(contentsOf: folder.appendingPathComponent("r/report.md"), encoding: .utf8)
        #expect(!markdown.contains("--trials"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/gnuplot"), "needs gnuplot (CI installs gnuplot-nox)"))
    func theHTMLCopiedAloneCarriesEveryPlot() throws {
        let folder = Binary.workspace()
        #expect(try Binary.run(["simulate", "--trials", "20", "--no-plots"], in: folder).status == 0)
        let report = try Binary.run(["report", "--latest", "--output", "r"], in: folder)
        #expect(report.status == 0, "\(report.stderr)")
        let alone = folder.appendingPathComponent("alone")
        try FileManager.default.createDirectory(at: alone, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: folder.appendingPathComponent("r/report.html"), to: alone.appendingPathComponent("report.html"))
        let html = try String(contentsOf: alone.appendingPathComponent("report.html"), encoding: .utf8)
        let sources = html.components(separatedBy: "src=\"").dropFirst().map { String($0.prefix(30)) }
        #expect(sources.count == 5)  // cumulative cost, GPU-hours, phases and TCO, plus the Monte Carlo bands
        #expect(sources.allSatisfy { $0.hasPrefix("data:image/svg+xml;base64,") }, "\(sources)")
        #expect(!html.contains(".png\"") && !html.contains("<script"))
    }

    @Test func anHFConfigRunIsReportedAfterItsConfigMoved() throws {
        let folder = Binary.workspace()
        try FileManager.default.copyItem(at: ModelConfigCommandTests.configs.appendingPathComponent("llama-3.1-8b.json"),
                                         to: folder.appendingPathComponent("config.json"))
        let yaml = try Binary.defaultScenario(in: folder).replacingOccurrences(of: "model: llama-3.1-8b", with: "model: {hf_config: config.json}")
        try Data(yaml.utf8).write(to: folder.appendingPathComponent("hf.yaml"))
        #expect(try Binary.run(["simulate", "hf.yaml", "--no-plots"], in: folder).status == 0)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("config.json"))
        let report = try Binary.run(["report", "--latest", "--output", "r"], in: folder)
        #expect(report.status == 0, "\(report.stderr)")
        let markdown = try String(contentsOf: folder.appendingPathComponent("r/report.md"), encoding: .utf8)
        #expect(markdown.contains("| model.layers × hidden × mlp | 32 × 4096 × 14336 |"))
        #expect(!markdown.contains("**Note:**"), "the stored and re-simulated figures agree")
    }
}
