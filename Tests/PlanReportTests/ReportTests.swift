import Foundation
import Testing
@testable import PlanCore
@testable import PlanReport
@testable import PlanSim
import PlanTestSupport

struct ReportTests {
    func input(trials: Int) throws -> ReportInput {
        let text = try Catalog.scenarioText(Catalog.defaultScenarioName)
        let scenario = try ScenarioLoader(catalog: try Catalog.bundled()).load(text: text, file: "default")
        let mc = trials > 0 ? MonteCarlo(scenario: scenario, trials: trials, seed: 42).run() : nil
        return ReportInput(
            runID: 7, kind: "simulate", startedAt: Date(timeIntervalSince1970: 1_800_000_000), toolVersion: "test", scenario: scenario,
            yaml: text, seed: 42, simulation: Simulator(scenario: scenario).run(seed: 42), monteCarlo: mc, sweeps: [], tornado: nil,
            calibration: (3, [("combined training", 10, 11), ("merge", 0.5, 0.45)]), consistencyWarning: nil)
    }

    @Test func reportMarkdownSnapshot() throws {
        let (document, _) = CapacityReport.make(try input(trials: 100))
        try SnapshotTests().check(document.markdown, "report.md")
    }

    @Test func answerComesFirstAndNamesTheWinner() throws {
        let (document, _) = CapacityReport.make(try input(trials: 0))
        guard case let .paragraph(first)? = document.blocks.first else {
            Issue.record("the report must open with its answer")
            return
        }
        #expect(first.contains("**`merge`**") && first.contains("day 30") && first.contains("--trials"))
    }

    @Test func assumptionsCarryProvenance() throws {
        let scenario = try input(trials: 0).scenario
        let rows = scenario.assumptions(yaml: "version: 1\nhardware: {mfu: 0.35}\n")
        #expect(rows.first { $0.path == "hardware.mfu" }?.origin == .scenario)
        #expect(rows.first { $0.path == "hardware.pue" }?.origin == .defaultValue)
        #expect(rows.first { $0.path == "hardware.gpu_watts" }?.origin == .catalog(scenario.hardware.gpu.source))
    }

    /// The assumptions show `gradient_checkpointing` as the file writes it: `auto` (also the
    /// default), `true` or `false`.
    @Test(arguments: [("auto", "auto"), ("true", "true"), ("false", "false"), (nil, "auto")])
    func gradientCheckpointingReadsAsWritten(written: String?, shown: String) throws {
        var text = try Catalog.scenarioText(Catalog.defaultScenarioName)
            .replacingOccurrences(of: "  gradient_checkpointing: false", with: written.map { "  gradient_checkpointing: \($0)" } ?? "")
        let scenario = try ScenarioLoader(catalog: try Catalog.bundled()).load(text: text, file: "s")
        let row = try #require(scenario.assumptions(yaml: text).first { $0.path == "finetune.gradient_checkpointing" })
        #expect(row.value == shown)
        #expect(row.origin == (written == nil ? .defaultValue : .scenario))
    }

    /// A sensitivity run's leaders open the report once; the Sobol section does not repeat them.
    @Test func theSensitivityHeadlineIsSaidOnce() throws {
        let text = try Catalog.scenarioText(Catalog.defaultScenarioName)
        let scenario = try ScenarioLoader(catalog: try Catalog.bundled()).load(text: text, file: "default")
        let sensitivity = try Sensitivity(scenario: scenario, baseSamples: 8, seed: 1, resamples: 5).run()
        let input = ReportInput(runID: 1, kind: "sensitivity", startedAt: Date(timeIntervalSince1970: 0), toolVersion: "test", scenario: scenario,
                                yaml: text, seed: 1, simulation: nil, sensitivity: SensitivityRecord(sensitivity), calibration: nil, consistencyWarning: nil)
        let markdown = CapacityReport.make(input).document.markdown
        let headline = try #require(SensitivityTable.summaries(sensitivity).first)
        let sentence = headline.prefix(1).uppercased() + headline.dropFirst()
        #expect(markdown.components(separatedBy: sentence).count == 2, "\(markdown)")
    }

    /// Differences under 0.05% read as "the same", never "0.0% fewer ... 0.0% sooner".
    @Test func negligibleDifferencesReadAsTheSame() {
        #expect(ReportLead.initialBuild(gpuHours: 0.0001, wallClock: -0.0002) == "costs the same GPU-hours and wall-clock time")
        #expect(ReportLead.initialBuild(gpuHours: -0.063, wallClock: 0.347) == "uses 6.3% more GPU-hours and finishes 34.7% sooner")
        #expect(ReportLead.initialBuild(gpuHours: 0.2, wallClock: 0) == "uses 20.0% fewer GPU-hours and takes as long")
        #expect(ReportLead.compared(0.0004, "GPU-hours", fewer: "fewer", more: "more") == "uses the same GPU-hours")
        #expect(NumberFormat.fixed(-0.0002, decimals: 3) == "0.000" && NumberFormat.fixed(-0.0006, decimals: 3) == "-0.001")
        #expect(SensitivityTable.fixed(-0.0) == "0.000")
    }

    @Test(.enabled(if: Gnuplot.executable() != nil, "needs gnuplot (CI installs gnuplot-nox)"))
    func everyImageTheHTMLReferencesExists() throws {
        let (document, plots) = CapacityReport.make(try input(trials: 50))
        let folder = try temporaryFolder("plan-report")
        try ReportWriter.write(document, plots: plots, to: folder)
        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        // Every image is embedded (the single file is the report) and also written beside it for report.md.
        let sources = html.components(separatedBy: "<img src=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(sources.count == document.images.count && sources.count >= 4)
        #expect(sources.allSatisfy { $0.hasPrefix("data:image/svg+xml;base64,") })
        for image in document.images {
            #expect(!image.hasPrefix("/") && FileManager.default.fileExists(atPath: folder.appendingPathComponent(image).path), "\(image)")
        }
        // Rewriting replaces the earlier report; an unrelated folder is refused.
        try ReportWriter.write(document, plots: plots, to: folder)
        let other = try temporaryFolder("plan-other")
        try Data("keep".utf8).write(to: other.appendingPathComponent("notes.txt"))
        #expect(throws: ReportError.self) { try ReportWriter.write(document, plots: plots, to: other) }
        #expect(FileManager.default.fileExists(atPath: other.appendingPathComponent("notes.txt").path))
    }

    @Test func htmlEscapesAndRendersInlineMarkup() {
        let document = ReportDocument(title: "a < b", blocks: [.paragraph("**bold** and `code` & more")])
        #expect(document.html.contains("<title>a &lt; b</title>"))
        #expect(document.html.contains("<p><strong>bold</strong> and <code>code</code> &amp; more</p>"))
    }
}
