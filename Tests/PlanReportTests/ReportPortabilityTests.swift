import Foundation
import Testing
@testable import PlanCore
@testable import PlanReport
@testable import PlanSim

/// The report as one portable file: inline Markdown rendered (escaped first), plots embedded,
/// the schedule and memory in the assumptions, a sweep run's own answer first, and every
/// figure read back from the stored documents.
struct ReportPortabilityTests {
    static func scenario(_ edit: (String) -> String = { $0 }) throws -> (Scenario, String) {
        let text = edit(try Catalog.scenarioText(Catalog.defaultScenarioName))
        return (try ScenarioLoader(catalog: try Catalog.bundled()).load(text: text, file: "default"), text)
    }

    /// The default scenario without its uncertainty block, with periodic updates, Poisson
    /// arrivals (when asked) and three new languages.
    static func growing(poisson: Bool = false) throws -> (Scenario, String) {
        try scenario { text in
            let certain = text.components(separatedBy: "\nuncertainty:").first ?? text
            return certain.replacingOccurrences(of: "  release_every_days: 0", with: """
                  periodic: [{languages: [fr, de], every_days: 90, add_examples: 1000}]
                \(poisson ? "  poisson: [{languages: all, per_year: 2, add_examples: 500}]\n" : "")  additions:
                    - {day: 60, language: ko, examples: 4000, tokens_per_example: 650}
                    - {day: 120, language: es, examples: 4000, tokens_per_example: 650}
                    - {day: 200, language: it, examples: 4000, tokens_per_example: 650}
                  release_every_days: 14
                """)
        }
    }

    static func input(_ scenario: Scenario, _ yaml: String, trials: Int = 0, sweeps: [Sweep.Result] = [], tornado: Tornado.Result? = nil)
        -> ReportInput
    {
        ReportInput(
            runID: 3, kind: sweeps.isEmpty ? "simulate" : "sweep", startedAt: Date(timeIntervalSince1970: 1_800_000_000), toolVersion: "test",
            scenario: scenario, yaml: yaml, seed: 42, simulation: Simulator(scenario: scenario).run(seed: 42),
            monteCarlo: trials > 0 ? MonteCarlo(scenario: scenario, trials: trials, seed: 42).run() : nil, sweeps: sweeps, tornado: tornado,
            calibration: nil, consistencyWarning: nil)
    }

    @Test(arguments: [
        ("**bold** and `code` & more", "<strong>bold</strong> and <code>code</code> &amp; more"),
        ("Dmonte et al., *Improving Training…*, arXiv", "Dmonte et al., <em>Improving Training…</em>, arXiv"),
        ("**`merge`** wins", "<strong><code>merge</code></strong> wins"),
        // No text becomes a link (the report's own text has none): issue 28.
        ("see [the docs](https://example.org/a?b=1&c=2).", "see [the docs](https://example.org/a?b=1&amp;c=2)."),
        ("[click](javascript:alert(1))", "[click](javascript:alert(1))"),
        ("languages.*.examples and 2 * 3", "languages.*.examples and 2 * 3"),
        ("**unclosed and *open", "**unclosed and *open"),
        ("`` a`b ``", "<code>a`b</code>"),
        ("<script>alert('x')</script> `a\"b` \"q\"",
         "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; <code>a&quot;b</code> &quot;q&quot;"),
        ("`<img src=x onerror=alert(1)>`", "<code>&lt;img src=x onerror=alert(1)&gt;</code>"),
    ])
    func inlineMarkdownEscapesThenRenders(_ text: String, _ html: String) {
        #expect(InlineMarkdown.html(text) == html)
    }

    @Test func aHostileNameStaysTextInTheHTML() throws {
        let name = "x<script>alert(1)</script>`y`\"z\" *w* [a](javascript:b)"
        let (scenario, yaml) = try Self.scenario { $0.replacingOccurrences(of: "name: paper-2601.16127", with: "name: '\(name.replacingOccurrences(of: "'", with: "''"))'") }
        #expect(scenario.name == name)
        let html = CapacityReport.make(Self.input(scenario, yaml)).document.html
        #expect(!html.lowercased().contains("<script") && !html.contains("href=\"javascript"))
        #expect(html.contains("<code>x&lt;script&gt;alert(1)&lt;/script&gt;`y`&quot;z&quot; *w* [a](javascript:b)</code>"))
        #expect(html.contains("<h1>Capacity plan: x&lt;script&gt;"))
    }

    @Test func tablesWrapInsteadOfScrolling() throws {
        let (scenario, yaml) = try Self.scenario()
        let html = CapacityReport.make(Self.input(scenario, yaml)).document.html
        #expect(!html.contains("overflow-x: auto; max-width: 100%") && !html.contains("display: block; overflow-x"))
        #expect(html.contains("<em>Improving Training Efficiency"))
        #expect(html.contains("data-label=\"this scenario\""))
    }

    @Test(.enabled(if: Gnuplot.executable() != nil, "needs gnuplot (CI installs gnuplot-nox)"))
    func theWrittenHTMLEmbedsEveryPlot() throws {
        let (scenario, yaml) = try Self.scenario()
        let (document, plots) = CapacityReport.make(Self.input(scenario, yaml, trials: 20))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plan-portable-\(UUID().uuidString)")
        try ReportWriter.write(document, plots: plots, to: folder)
        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        let sources = html.components(separatedBy: "<img src=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(sources.count == document.images.count && sources.count == 5)
        for source in sources {
            #expect(source.hasPrefix("data:image/svg+xml;base64,"))
            let svg = String(decoding: Data(base64Encoded: String(source.dropFirst("data:image/svg+xml;base64,".count))) ?? Data(), as: UTF8.self)
            #expect(svg.contains("<svg"))
        }
        #expect(!html.contains("src=\"cumulative") && !html.contains(".png\""))
        // The PNG and SVG files stay beside it for report.md.
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("initial_vs_maintenance.png").path))
    }

    @Test func assumptionsListTheScheduleAndTheMemoryModel() throws {
        let (scenario, yaml) = try Self.growing(poisson: true)
        let rows = ReportAssumptions.rows(scenario, yaml: yaml)
        func value(_ input: String) -> String? { rows.first { $0.first == input }?[1] }
        #expect(value("schedule.events") == "day 30: en +5,000")
        #expect(value("schedule.periodic") == "fr, de +1,000 every 90 days")
        #expect(value("schedule.poisson")?.hasPrefix("all languages +500 at 2 per year") == true)
        #expect(value("schedule.additions")?.hasPrefix("day 60: ko (4,000 examples × 650 tokens); day 120: es") == true)
        #expect(value("schedule.release_every_days") == "14 (updates batched into 14-day release windows)")
        #expect(value("training job GPUs") == "1 (smallest that fits: 1)")
        #expect(value("gradient checkpointing in the job") == "off")
        #expect(value("peak memory per GPU by term")?.hasPrefix("weights 15.0 + gathered 0.0 + trainable state") == true)
        #expect(value("training job peak memory per GPU") != nil)
        let (plain, plainYAML) = try Self.scenario()
        #expect(ReportAssumptions.rows(plain, yaml: plainYAML).first { $0.first == "schedule.release_every_days" }?[1]
            == "0 (no windows: each update deploys when ready)")
    }

    @Test func theHeaderCountsTheLanguagesAddedWithinTheHorizon() throws {
        let (scenario, _) = try Self.growing()
        // ko, es and it join during the horizon.
        #expect(CapacityReport.languageCount(scenario) == "5 → 8 languages over the horizon")
        #expect(CapacityReport.languageCount(try Self.scenario().0) == "5 languages")
    }

    @Test func monteCarloAdviceOnlyWhenTrialsCanDiffer() throws {
        let (drawn, drawnYAML) = try Self.scenario()
        let (certain, certainYAML) = try Self.growing()
        let (arrivals, _) = try Self.growing(poisson: true)
        #expect(CapacityReport.make(Self.input(drawn, drawnYAML)).document.markdown.contains("rerun `plan simulate --trials 2000`"))
        #expect(!CapacityReport.make(Self.input(certain, certainYAML)).document.markdown.contains("--trials"))
        let identical = CapacityReport.make(Self.input(certain, certainYAML, trials: 10)).document.markdown
        #expect(identical.contains("every trial is identical") && !identical.contains("cheaper in 100.0% of them"))
        #expect(MonteCarloNote.identicalTrialsWarning(certain, trials: 10)?.contains("all trials will be identical") == true)
        #expect(MonteCarloNote.identicalTrialsWarning(certain, trials: 0) == nil)
        #expect(MonteCarloNote.identicalTrialsWarning(drawn, trials: 10) == nil)
        #expect(MonteCarloNote.identicalTrialsWarning(arrivals, trials: 10) == nil, "Poisson arrivals are redrawn per trial")
    }

    @Test func aSweepRunLeadsWithTheSweepsAnswer() throws {
        let (scenario, yaml) = try Self.scenario()
        let sweep = try Sweep(scenario: scenario, seed: 42).run(.init(field: "schedule.horizon_days", from: 10, to: 60, step: 5))
        let tornado = try Tornado(scenario: scenario, seed: 42).run()
        var input = Self.input(scenario, yaml, sweeps: [sweep], tornado: tornado)
        input.simulation = nil  // as a stored sweep run: its own results only
        let blocks = CapacityReport.make(input).document.blocks
        guard case let .paragraph(first)? = blocks.first, case let .paragraph(second)? = blocks.dropFirst().first else {
            Issue.record("the report must open with the sweep's answer")
            return
        }
        #expect(first.hasPrefix("**Along `schedule.horizon_days`** (10 to 60), merge is dearer for schedule.horizon_days ≤ 25, cheaper from 30"))
        #expect(first.contains("**Break-even at `schedule.horizon_days` = 30** (≈ 25.4 by linear interpolation)"))
        #expect(second.hasPrefix("The `merge` − `full-retrain` cost gap") && second.contains("`\(tornado.bars[0].field)`"))
        #expect(!blocks.contains { if case .heading(_, "Pool") = $0 { return true } else { return false } })
    }

    /// The report renders from records; a stored document read back gives the same report as
    /// the live results it was written from.
    @Test func storedDocumentsReadBackAsTheLiveResults() throws {
        let (scenario, yaml) = try Self.scenario()
        let result = Simulator(scenario: scenario).run(seed: 42)
        let monteCarlo = MonteCarlo(scenario: scenario, trials: 30, seed: 42).run()
        let live = Self.input(scenario, yaml, trials: 30)
        let document = SimulationDocument.make(runID: 3, scenario: scenario, result: result, monteCarlo: monteCarlo).rendered()
        let series = Dictionary(uniqueKeysWithValues: result.strategies.map { outcome in
            (outcome.kind.rawValue, outcome.series.map { DailyPoint(day: $0.day, gpuHours: $0.gpuHours, costUSD: $0.costUSD) })
        })
        var stored = live
        stored.simulation = try SimulationRecord(document: document).withSeries(series)
        #expect(CapacityReport.make(stored).document == CapacityReport.make(live).document)
        #expect(CapacityReport.make(stored).plots.map(\.script) == CapacityReport.make(live).plots.map(\.script))

        let sweep = try Sweep(scenario: scenario, seed: 42, trials: 4).run(.init(field: "finetune.epochs", from: 2, to: 6, step: 2))
        let tornado = try Tornado(scenario: scenario, seed: 42).run()
        let sweepRun = try SweepRunRecord(document: SweepDocument.make(runID: 4, scenario: scenario, sweeps: [sweep], tornado: tornado).rendered())
        #expect(GnuplotScript.sweep(sweepRun.sweeps[0], title: "t").script == GnuplotScript.sweep(sweep, title: "t").script)
        #expect(GnuplotScript.tornado(try #require(sweepRun.tornado), title: "t").script == GnuplotScript.tornado(tornado, title: "t").script)
        #expect(sweepRun.sweeps[0].summary == SweepTable.summary(sweep))

        let sobol = try Sensitivity(scenario: scenario, baseSamples: 8, seed: 1, resamples: 5).run()
        let sensitivity = try SensitivityRecord(document: SensitivityDocument.make(runID: 5, scenario: scenario, seed: 1, result: sobol, seconds: nil).rendered())
        #expect(sensitivity.mostInfluential == SensitivityTable.summaries(sobol))
        #expect(GnuplotScript.sensitivity(sensitivity, title: "t").map(\.script) == GnuplotScript.sensitivity(sobol, title: "t").map(\.script))
        #expect(ArchitectureRecord.stored(in: document)?.layers == scenario.model.layers)
    }

    /// The whole decision (serving, TCO, quality, recommendation) survives the stored document.
    @Test func theDecisionReadsBackAsTheLiveResult() throws {
        let (scenario, yaml) = try Self.scenario {
            $0.replacingOccurrences(of: "strategies: [full-retrain, merge]", with: "strategies: [full-retrain, merge, merge-incremental, adapters]")
                + "\nserving: {max_ms_per_output_token: 80, traffic: {'*': {requests_per_day: 200000}}}\nquality: {floor: 0.95}\n"
        }
        let result = Simulator(scenario: scenario).run(seed: 42)
        #expect(result.decision?.strategies.allSatisfy { $0.serving != nil } == true)
        let live = Self.input(scenario, yaml)
        let document = SimulationDocument.make(runID: 3, scenario: scenario, result: result).rendered()
        let series = Dictionary(uniqueKeysWithValues: result.strategies.map { outcome in
            (outcome.kind.rawValue, outcome.series.map { DailyPoint(day: $0.day, gpuHours: $0.gpuHours, costUSD: $0.costUSD) })
        })
        var stored = live
        let record = try SimulationRecord(document: document).withSeries(series)
        stored.simulation = record
        #expect(record.recommended == result.decision?.recommended?.rawValue && record.recommended != "merge")
        let storedFleet = try #require(record.strategy("adapters")?.choice?.serving)
        let liveFleet = try #require(result.decision?.strategy(.adapters)?.serving)
        #expect(storedFleet.gpus == liveFleet.gpus && storedFleet.batch == liveFleet.batch && storedFleet.adapters == liveFleet.adapters)
        #expect(abs(storedFleet.usdPerMillionTokens - liveFleet.usdPerMillionTokens) < 1e-4 * liveFleet.usdPerMillionTokens)
        #expect(CapacityReport.make(stored).document == CapacityReport.make(live).document)
        #expect(CapacityReport.make(stored).plots.map(\.script) == CapacityReport.make(live).plots.map(\.script))
    }

    @Test func aDocumentWithoutTheResultsIsRefusedWithItsPath() {
        #expect(throws: ReportError.unreadableRun(reason: "missing strategies")) { try SimulationRecord(document: #"{"scenario": "s", "horizon_days": 1, "baseline": "b", "arrivals": 0, "updates": 0}"#) }
        #expect(throws: ReportError.unreadableRun(reason: "not a JSON document")) { try SweepRunRecord(document: "not json") }
    }
}
