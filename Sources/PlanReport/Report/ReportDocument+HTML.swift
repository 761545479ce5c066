import Foundation

extension ReportDocument {
    /// The HTML page with images by relative path (as report.md references them).
    public var html: String { html(images: [:]) }

    /// A self-contained HTML page (inline CSS, no scripts). `images` maps an image's relative
    /// path to what its `src` becomes, normally a `data:` URI of the rendered plot, so that the
    /// single file shows every plot; an image not in the map keeps its relative path.
    public func html(images: [String: String]) -> String {
        var body: [String] = ["<h1>\(InlineMarkdown.escape(title))</h1>"]
        for block in blocks {
            switch block {
            case let .heading(level, text):
                let tag = "h\(min(max(level, 2), 4))"
                body.append("<\(tag)>\(InlineMarkdown.escape(text))</\(tag)>")
            case let .paragraph(text):
                body.append("<p>\(InlineMarkdown.html(text))</p>")
            case let .bullets(items):
                body.append("<ul>" + items.map { "<li>\(InlineMarkdown.html($0))</li>" }.joined() + "</ul>")
            case let .table(header, rows, numeric):
                body.append(Self.table(header: header, rows: rows, numeric: numeric))
            case let .image(path, alt):
                let source = images[path] ?? InlineMarkdown.escape(path)
                body.append("<figure><img src=\"\(source)\" alt=\"\(InlineMarkdown.escape(alt))\"><figcaption>\(InlineMarkdown.escape(alt))</figcaption></figure>")
            case let .code(text):
                body.append("<pre>\(InlineMarkdown.escape(text, keepingLineBreaks: true))</pre>")
            }
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(InlineMarkdown.escape(title))</title>
            <style>
            \(Self.style)
            </style>
            </head>
            <body>
            \(body.joined(separator: "\n"))
            </body>
            </html>

            """
    }

    /// A table that fits the page: cells wrap (numbers up to 16 characters stay on one line),
    /// no horizontal scrolling; on narrow screens each row stacks into labelled lines.
    static func table(header: [String], rows: [[String]], numeric: [Bool]) -> String {
        func classes(_ column: Int, _ text: String) -> String {
            var names: [String] = []
            if numeric.indices.contains(column) && numeric[column] { names.append("num") }
            if text.count <= 16 { names.append("nw") }
            return names.isEmpty ? "" : " class=\"\(names.joined(separator: " "))\""
        }
        let plainHeader = header.map { InlineMarkdown.escape($0.replacingOccurrences(of: "`", with: "").replacingOccurrences(of: "*", with: "")) }
        var table = "<table><thead><tr>"
            + header.enumerated().map { "<th\(numeric.indices.contains($0.offset) && numeric[$0.offset] ? " class=\"num\"" : "")>\(InlineMarkdown.html($0.element))</th>" }.joined()
            + "</tr></thead><tbody>"
        for row in rows {
            table += "<tr>" + row.enumerated().map { column, cell in
                let label = column < plainHeader.count ? " data-label=\"\(plainHeader[column])\"" : ""
                return "<td\(classes(column, cell))\(label)>\(InlineMarkdown.html(cell))</td>"
            }.joined() + "</tr>"
        }
        return table + "</tbody></table>"
    }

    static let style = """
        body { font-family: -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #1f2328; line-height: 1.5; }
        h1 { font-size: 1.7em; border-bottom: 1px solid #d0d7de; padding-bottom: .3em; }
        h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 1px solid #eaeef2; padding-bottom: .2em; }
        table { border-collapse: collapse; margin: 1em 0; font-size: .85em; width: 100%; table-layout: auto; }
        th, td { border: 1px solid #d0d7de; padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: break-word; word-break: normal; }
        th { background: #f6f8fa; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        td.nw { white-space: nowrap; }
        tbody tr:nth-child(even) { background: #fafbfc; }
        figure { margin: 1.2em 0; }
        img { max-width: 100%; height: auto; border: 1px solid #eaeef2; }
        figcaption { color: #57606a; font-size: .9em; }
        code { background: #f6f8fa; padding: 0 3px; border-radius: 3px; font-size: .95em; }
        pre { background: #f6f8fa; padding: 10px; font-size: .85em; white-space: pre-wrap; overflow-wrap: anywhere; }
        @media (max-width: 720px) {
          table, thead, tbody, tr, th, td { display: block; }
          thead { display: none; }
          tr { border: 1px solid #d0d7de; margin-bottom: .6em; }
          td { border: none; text-align: left; white-space: normal; }
          td.nw { white-space: normal; }
          td::before { content: attr(data-label) ": "; font-weight: 600; }
        }
        """
}
