import Foundation

extension ReportDocument {
    /// A self-contained HTML page (inline CSS, no scripts); images by relative path.
    public var html: String {
        var body: [String] = ["<h1>\(escape(title))</h1>"]
        for block in blocks {
            switch block {
            case let .heading(level, text):
                let tag = "h\(min(max(level, 2), 4))"
                body.append("<\(tag)>\(escape(text))</\(tag)>")
            case let .paragraph(text):
                body.append("<p>\(inline(text))</p>")
            case let .bullets(items):
                body.append("<ul>" + items.map { "<li>\(inline($0))</li>" }.joined() + "</ul>")
            case let .table(header, rows, numeric):
                func cls(_ i: Int) -> String { numeric.indices.contains(i) && numeric[i] ? " class=\"num\"" : "" }
                var table = "<table><thead><tr>" + header.enumerated().map { "<th\(cls($0.offset))>\(inline($0.element))</th>" }.joined() + "</tr></thead><tbody>"
                for row in rows {
                    table += "<tr>" + row.enumerated().map { "<td\(cls($0.offset))>\(inline($0.element))</td>" }.joined() + "</tr>"
                }
                body.append(table + "</tbody></table>")
            case let .image(path, alt):
                body.append("<figure><img src=\"\(escape(path))\" alt=\"\(escape(alt))\"><figcaption>\(escape(alt))</figcaption></figure>")
            case let .code(text):
                body.append("<pre>\(escape(text))</pre>")
            }
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>
            body { font-family: -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 1040px; margin: 2em auto; padding: 0 1em; color: #1f2328; line-height: 1.5; }
            h1 { font-size: 1.7em; border-bottom: 1px solid #d0d7de; padding-bottom: .3em; }
            h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 1px solid #eaeef2; padding-bottom: .2em; }
            table { border-collapse: collapse; margin: 1em 0; font-size: .88em; display: block; overflow-x: auto; max-width: 100%; }
            th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
            td:first-child { white-space: nowrap; }
            th { background: #f6f8fa; }
            td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            tbody tr:nth-child(even) { background: #fafbfc; }
            figure { margin: 1.2em 0; }
            img { max-width: 100%; border: 1px solid #eaeef2; }
            figcaption { color: #57606a; font-size: .9em; }
            code { background: #f6f8fa; padding: 0 3px; border-radius: 3px; }
            pre { background: #f6f8fa; padding: 10px; overflow-x: auto; font-size: .85em; }
            </style>
            </head>
            <body>
            \(body.joined(separator: "\n"))
            </body>
            </html>

            """
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Escapes, then turns `code` and **bold** into tags (the only inline Markdown used).
    private func inline(_ text: String) -> String {
        var html = escape(text)
        for (marker, open, close) in [("`", "<code>", "</code>"), ("**", "<strong>", "</strong>")] {
            var parts = html.components(separatedBy: marker)
            guard parts.count >= 3 else { continue }
            var result = parts.removeFirst()
            var inside = false
            for part in parts {
                result += (inside ? close : open) + part
                inside.toggle()
            }
            if inside { result += close }
            html = result
        }
        return html
    }
}
