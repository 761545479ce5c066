import Foundation
import Testing
@testable import PlanCore
@testable import PlanReport
@testable import PlanSim
import PlanTestSupport

/// Hostile text in every free-text field of a scenario (name, description, inline model name,
/// language codes) must reach gnuplot, Markdown and HTML only as inert text.
struct InjectionTests {
    /// Each tries to end a string and run a command; CANARY is created in gnuplot's working
    /// directory if any of them runs.
    static let hostile = [
        "x'\nsystem \"touch CANARY1\"\n#",
        "x\"\n!touch CANARY2\n",
        "a\\\nsystem 'touch CANARY3'",
        "`touch CANARY4`",
        "EOD\nsystem 'touch CANARY5'\n$d << EOD",
        "q'; system 'touch CANARY6'; print '",
        "\u{1B}[31mred\u{1B}[0m\r\u{2028}set output 'CANARY7'\u{2029}",
        "<script>alert(1)</script> & <img src=x onerror=alert(2)>",
    ]

    static func json(_ text: String) -> String {
        // JSON is YAML; line and paragraph separators are escaped too (YAML would fold them).
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"x\"".utf8), as: UTF8.self)
            .replacingOccurrences(of: "\u{2028}", with: "\\u2028").replacingOccurrences(of: "\u{2029}", with: "\\u2029")
    }

    /// A valid scenario whose free-text fields all carry `text` (codes made distinct).
    static func scenario(_ text: String) throws -> (Scenario, String) {
        let yaml = """
            version: 1
            name: \(json(text))
            description: \(json(text))
            model: {name: \(json(text)), layers: 4, hidden: 256, mlp: 1024, heads: 4, kv_heads: 4, vocab: 1000}
            hardware: {gpu: a100-80gb, pool_gpus: 2}
            languages:
              \(json(text + "1")): {examples: 1000, tokens_per_example: 100}
              \(json(text + "2")): {examples: 2000, tokens_per_example: 120}
            schedule:
              horizon_days: 60
              events: [{day: 10, language: \(json(text + "1")), add_examples: 500}]
            strategies: [full-retrain, merge]
            uncertainty:
              hardware.mfu: {uniform: [0.25, 0.45]}

            """
        return (try ScenarioLoader(catalog: try Catalog.bundled()).load(text: yaml, file: "hostile.yaml"), yaml)
    }

    /// Every gnuplot script the simulate, sweep and report paths draw for `scenario`.
    static func scripts(_ scenario: Scenario, yaml: String) throws -> [(name: String, script: String)] {
        let result = Simulator(scenario: scenario).run(seed: 1)
        let code = try #require(scenario.languages.first?.code)
        let sweep = try Sweep(scenario: scenario, seed: 1).run(.init(field: "languages.\(code).examples", from: 500, to: 1500, step: 500))
        let tornado = try Tornado(scenario: scenario, seed: 1).run()
        let monteCarlo = MonteCarlo(scenario: scenario, trials: 8, seed: 1).run()
        let banded = try Sweep(scenario: scenario, seed: 1, trials: 4).run(.init(field: "languages.\(code).examples", from: 500, to: 1000, step: 500))
        let sensitivity = try Sensitivity(scenario: scenario, baseSamples: 8, seed: 1, resamples: 5).run()
        let input = ReportInput(
            runID: 1, kind: "sweep", startedAt: Date(timeIntervalSince1970: 0), toolVersion: "test", scenario: scenario, yaml: yaml,
            seed: 1, simulation: result, monteCarlo: monteCarlo, sweeps: [sweep], tornado: tornado,
            calibration: (2, [(scenario.name, 1, 2)]), consistencyWarning: nil, sensitivity: sensitivity)
        var scripts = GnuplotScript.all(CostCurves(result: result))
        scripts += [GnuplotScript.sweep(sweep, title: scenario.name), GnuplotScript.tornado(tornado, title: scenario.name)]
        scripts += [GnuplotScript.sweep(banded, title: scenario.name)] + GnuplotScript.sensitivity(sensitivity, title: scenario.name)
        scripts += CapacityReport.make(input).plots
        scripts += ValidationPlots.all(
            points: [.init(name: scenario.name, predictedSeconds: 1, measuredSeconds: 2)],
            losses: [.init(language: code, losses: [1, 2])], models: [scenario.name, scenario.model.name], setup: scenario.name)
        return scripts
    }

    /// Problems with `script` as gnuplot reads it: every statement must be set / unset / plot /
    /// replot (or an inline data block); outside string literals no `;`, `!` or backquote may
    /// appear; data lines are numbers and double-quoted labels (a strategy's name, a bar's
    /// formatted value).
    static func violations(_ script: String) -> [String] {
        var problems: [String] = []
        var lines = script.components(separatedBy: "\n")[...]
        var statement = ""
        while let line = lines.popFirst() {
            if statement.isEmpty, line.hasPrefix("$"), line.hasSuffix(" << EOD") {
                let name = line.dropFirst().dropLast(7)
                if !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { problems.append("bad block name: \(line)") }
                while let data = lines.popFirst(), data != "EOD" {
                    var rest = Substring(data)
                    while let open = rest.firstIndex(of: "\"") {
                        let after = rest[rest.index(after: open)...]
                        guard let close = after.firstIndex(of: "\"") else { problems.append("unterminated label: \(data)"); break }
                        rest = rest[..<open] + " " + after[after.index(after: close)...]
                    }
                    if !rest.allSatisfy({ "0123456789.-+eENa ".contains($0) }) { problems.append("data line: \(data)") }
                }
                continue
            }
            if line.hasSuffix("\\") {
                statement += line.dropLast() + " "
                continue
            }
            statement += line
            defer { statement = "" }
            if statement.isEmpty || statement.hasPrefix("# generated by plan") && !statement.contains("\n") { continue }
            let word = statement.split(separator: " ").first.map(String.init) ?? ""
            if !["set", "unset", "plot", "replot"].contains(word) { problems.append("command: \(statement)") }
            // Outside quotes: no command separator, shell escape or backquote substitution.
            var quote: Character?
            var previous: Character = " "
            for character in statement {
                if let open = quote {
                    if character == open && !(open == "\"" && previous == "\\") { quote = nil }
                } else if character == "'" || character == "\"" {
                    quote = character
                } else if ";!`".contains(character) {
                    problems.append("'\(character)' outside a string: \(statement)")
                }
                previous = character
            }
            if quote != nil { problems.append("unterminated string: \(statement)") }
        }
        return problems
    }

    @Test(arguments: hostile) func gnuplotScriptsHoldOnlyPlottingCommands(_ text: String) throws {
        let (scenario, yaml) = try Self.scenario(text)
        for (name, script) in try Self.scripts(scenario, yaml: yaml) {
            #expect(Self.violations(script).isEmpty, "\(name): \(Self.violations(script))")
            for scalar in script.unicodeScalars where scalar.properties.generalCategory == .control {
                #expect(scalar == "\n", "\(name): control character U+\(String(scalar.value, radix: 16))")
            }
        }
    }

    @Test func theValidatorCatchesAnUnescapedTitle() {
        let naive = "set title '" + "x'\nsystem \"touch CANARY\"\n#" + "'\nplot x\n"
        #expect(!Self.violations(naive).isEmpty)
    }

    @Test(.enabled(if: Gnuplot.executable() != nil, "needs gnuplot on PATH"))
    func gnuplotRunsTheScriptsWithoutRunningAnyCommand() throws {
        let folder = try temporaryFolder("plan-inject")
        defer { try? FileManager.default.removeItem(at: folder) }
        for text in Self.hostile {
            let (scenario, _) = try Self.scenario(text)
            let script = GnuplotScript.cumulative(CostCurves(result: Simulator(scenario: scenario).run(seed: 1)), metric: .gpuHours)
            try Gnuplot.run(script, in: folder)
        }
        let made = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(made.allSatisfy { !$0.hasPrefix("CANARY") }, "\(made)")
        #expect(made.contains("cumulative_gpu_hours.png"))
    }

    @Test(arguments: hostile) func reportMarkdownAndHTMLCarryNoRawMarkup(_ text: String) throws {
        let (scenario, yaml) = try Self.scenario(text)
        let input = ReportInput(
            runID: 1, kind: "simulate", startedAt: Date(timeIntervalSince1970: 0), toolVersion: "test", scenario: scenario,
            yaml: yaml, seed: 1, simulation: Simulator(scenario: scenario).run(seed: 1), monteCarlo: nil, sweeps: [], tornado: nil,
            calibration: nil, consistencyWarning: nil)
        let document = CapacityReport.make(input).document
        let markdown = document.markdown
        // The scenario's YAML is shown in a fenced block; outside it no tag may appear.
        let fence = markdown.components(separatedBy: "\n").filter { $0.hasPrefix("```") }
        #expect(fence.count % 2 == 0)
        var inCode = false
        for line in markdown.components(separatedBy: "\n") {
            if line.hasPrefix("```") { inCode.toggle(); continue }
            if inCode { continue }
            #expect(!line.lowercased().contains("<script") && !line.lowercased().contains("<img"), "\(line)")
            #expect(!line.hasPrefix("system") && !line.hasPrefix("EOD"), "\(line)")
            #expect(!line.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(line)")
        }
        #expect(!document.html.lowercased().contains("<script"))
        #expect(!document.html.lowercased().contains("<img src=x"))
    }

    @Test(arguments: [
        ("\u{1B}[31mred\u{1B}[0m", "\\e[31mred\\e[0m"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("bell\u{7}\u{9B}2J", "bell\\u{7}\\u{9B}2J"),
        ("rtl\u{202E}txt", "rtl\\u{202E}txt"),
        ("naïve café 日本語 👩‍💻", "naïve café 日本語 👩‍💻"),
    ])
    func terminalTextShowsControlCharacters(_ raw: String, _ shown: String) {
        #expect(TerminalText.escape(raw) == shown)
    }

    @Test func excerptsCutLongValues() {
        let long = String(repeating: "x", count: 100_000)
        let cut = TerminalText.excerpt(long)
        #expect(cut.count < 120 && cut.hasPrefix(String(repeating: "x", count: 80)) && cut.contains("…") && cut.contains("100000"))
        #expect(TerminalText.excerpt("short") == "short")
        #expect(TerminalText.escape("keep\nlines\tand tabs", keepingLineBreaks: true) == "keep\nlines\tand tabs")
    }

    @Test func markdownTextEscapesTagsAndLineBreaks() {
        // Line breaks show as \n (escaped for Markdown), so a name cannot start a heading.
        #expect(ReportDocument.markdownText("<script>\n# x & y") == "&lt;script&gt;\\\\n# x &amp; y")
        #expect(ReportDocument(title: "t", blocks: [.code("a\n```\n<b>")]).markdown.contains("````\na\n```\n<b>\n````"))
    }
}

/// Rounding for display never turns an extreme but finite figure into NaN.
struct ExtremeNumberTests {
    @Test(arguments: [1e-300, 5e-324, 1e300, 1.7976931348623157e308, -1e-310])
    func roundedStaysFinite(_ value: Double) {
        guard case let .number(rounded) = JSONValue.rounded(value) else {
            Issue.record("not a number")
            return
        }
        #expect(rounded.isFinite && abs(rounded - value) <= abs(value) * 1e-9)
        #expect(NumberFormat.quantity(value) != "n/a")
    }
}
