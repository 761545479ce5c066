import Foundation
import PlanCore

extension ReportDocument {
    /// GitHub-flavoured Markdown.
    public var markdown: String {
        let text = { Self.markdownText($0) }
        var out = ["# \(text(title))", ""]
        for block in blocks {
            switch block {
            case let .heading(level, heading):
                out += [String(repeating: "#", count: level) + " " + text(heading), ""]
            case let .paragraph(paragraph):
                out += [text(paragraph), ""]
            case let .bullets(items):
                out += items.map { "- " + text($0) } + [""]
            case let .table(header, rows, numeric):
                func cell(_ value: String) -> String { Self.markdownText(value, inTable: true) }
                out.append("| " + header.map(cell).joined(separator: " | ") + " |")
                out.append("|" + header.indices.map { numeric.indices.contains($0) && numeric[$0] ? "---:" : "---" }.joined(separator: "|") + "|")
                for row in rows { out.append("| " + row.map(cell).joined(separator: " | ") + " |") }
                out.append("")
            case let .image(path, alt):
                let target = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "image"
                out += ["![\(text(alt))](\(target))", ""]
            case let .code(code):
                // A fence longer than any backquote run inside, so that the text cannot close it.
                let shown = TerminalText.escape(code, keepingLineBreaks: true)
                let fence = String(repeating: "`", count: max(3, Self.longestBackquoteRun(shown) + 1))
                out += [fence, shown, fence, ""]
            }
        }
        return out.joined(separator: "\n")
    }

    /// The one way text reaches report.md outside a code block. Control characters are written
    /// visibly (`\e`, `\u{…}`: a name cannot start a new Markdown line), `&`, `<`, `>` become
    /// entities (no raw HTML, no `<…>` autolink), and outside code spans a backslash is put
    /// before `\`, `[`, `]`, `|`, the colon of `://` and the dot of `www.`, and `@` becomes the
    /// fullwidth `＠` (GFM links `a@b.c` even with the `@` escaped): no text can become a link,
    /// an image, an autolink or a table column, and no user backslash can undo an escape. Backquotes and `*` are kept: they are the report's own inline markup. In a
    /// table cell (`inTable`) a `|` inside a code span is escaped too, as GFM requires.
    /// - Complexity: O(n) in the length of `raw`.
    public static func markdownText(_ raw: String, inTable: Bool = false) -> String {
        let scalars = Array(TerminalText.escape(raw).unicodeScalars)
        let inCode = codeSpans(scalars)
        var out = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "|" where inTable || !inCode[index]: out.append(contentsOf: "\\|".unicodeScalars)
            // GFM links e-mail addresses even when the @ is escaped: a fullwidth @ is not one.
            case "@" where !inCode[index]: out.append("\u{FF20}")
            case _ where !inCode[index] && "\\[]|".unicodeScalars.contains(scalar):
                out.append("\\")
                out.append(scalar)
            case ":" where !inCode[index] && index + 2 < scalars.count && scalars[index + 1] == "/" && scalars[index + 2] == "/":
                out.append(contentsOf: "\\:".unicodeScalars)
            case "." where !inCode[index] && index >= 3 && scalars[(index - 3)..<index].allSatisfy({ $0 == "w" || $0 == "W" }):
                out.append(contentsOf: "\\.".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether each scalar lies in a code span (delimiters included), by the CommonMark rule the
    /// Markdown reader applies: a backquote run is closed by the next run of the same length.
    /// - Complexity: O(n).
    static func codeSpans(_ scalars: [Unicode.Scalar]) -> [Bool] {
        var runs: [(start: Int, length: Int)] = []
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "`" else { index += 1; continue }
            var end = index
            while end < scalars.count && scalars[end] == "`" { end += 1 }
            runs.append((index, end - index))
            index = end
        }
        var byLength: [Int: [Int]] = [:]
        for (position, run) in runs.enumerated() { byLength[run.length, default: []].append(position) }
        var pointer: [Int: Int] = [:]
        var inCode = [Bool](repeating: false, count: scalars.count)
        var position = 0
        while position < runs.count {
            let run = runs[position]
            let list = byLength[run.length] ?? []
            var k = pointer[run.length] ?? 0
            while k < list.count && list[k] <= position { k += 1 }
            pointer[run.length] = k
            guard k < list.count else { position += 1; continue }
            let close = runs[list[k]]
            for covered in run.start..<(close.start + close.length) { inCode[covered] = true }
            position = list[k] + 1
        }
        return inCode
    }

    /// `text` as one inline code span, with a backquote fence longer than any run inside (and
    /// padding spaces), so that a name holding backquotes stays one span in Markdown and HTML.
    public static func inlineCode(_ text: String) -> String {
        let fence = String(repeating: "`", count: longestBackquoteRun(text) + 1)
        let pad = text.hasPrefix("`") || text.hasSuffix("`") || fence.count > 1 ? " " : ""
        return fence + pad + text + pad + fence
    }

    static func longestBackquoteRun(_ text: String) -> Int {
        var longest = 0
        var run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }
}
