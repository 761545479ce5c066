import Foundation

extension ReportDocument {
    /// GitHub-flavoured Markdown.
    public var markdown: String {
        let text = Self.markdownText
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
                func cell(_ value: String) -> String { text(value).replacingOccurrences(of: "|", with: "\\|") }
                out.append("| " + header.map(cell).joined(separator: " | ") + " |")
                out.append("|" + header.indices.map { numeric.indices.contains($0) && numeric[$0] ? "---:" : "---" }.joined(separator: "|") + "|")
                for row in rows { out.append("| " + row.map(cell).joined(separator: " | ") + " |") }
                out.append("")
            case let .image(path, alt):
                let target = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "image"
                out += ["![\(text(alt).replacingOccurrences(of: "]", with: "\\]"))](\(target))", ""]
            case let .code(code):
                // A fence longer than any backquote run inside, so that the text cannot close it.
                let fence = String(repeating: "`", count: max(3, Self.longestBackquoteRun(code) + 1))
                out += [fence, code, fence, ""]
            }
        }
        return out.joined(separator: "\n")
    }

    /// The one way text reaches report.md outside a code block: control and line-separator
    /// characters become spaces (a name cannot start a new Markdown line), and `&`, `<`, `>`
    /// become entities, so that no raw HTML (`<script>`) survives. Backquotes and `**` are kept:
    /// they are the report's own inline markup, which the HTML renderer escapes first as well.
    public static func markdownText(_ raw: String) -> String {
        var out = ""
        for scalar in raw.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case _ where [.control, .lineSeparator, .paragraphSeparator].contains(scalar.properties.generalCategory): out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
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
