import Foundation

extension ReportDocument {
    /// GitHub-flavoured Markdown.
    public var markdown: String {
        var out = ["# \(title)", ""]
        for block in blocks {
            switch block {
            case let .heading(level, text):
                out += [String(repeating: "#", count: level) + " " + text, ""]
            case let .paragraph(text):
                out += [text, ""]
            case let .bullets(items):
                out += items.map { "- " + $0 } + [""]
            case let .table(header, rows, numeric):
                func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
                out.append("| " + header.map(cell).joined(separator: " | ") + " |")
                out.append("|" + header.indices.map { numeric.indices.contains($0) && numeric[$0] ? "---:" : "---" }.joined(separator: "|") + "|")
                for row in rows { out.append("| " + row.map(cell).joined(separator: " | ") + " |") }
                out.append("")
            case let .image(path, alt):
                out += ["![\(alt)](\(path))", ""]
            case let .code(text):
                out += ["```", text, "```", ""]
            }
        }
        return out.joined(separator: "\n")
    }
}
