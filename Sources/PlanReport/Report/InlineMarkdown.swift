import Foundation

/// The report's inline Markdown rendered to HTML: `code`, **bold**, *italic* and
/// [links](https://…). Text is HTML-escaped first, so nothing a scenario name carries can become
/// a tag or leave an attribute; the markup is then recognised on the escaped text.
///
/// Rules (a small subset of CommonMark): a backquote run opens a code span closed by a run of
/// the same length, and nothing inside it is interpreted; `**` and `*` need a closing marker
/// (an unmatched one stays literal); `*` opens only at the start or after a space or `(` and
/// closes only before the end, a space or punctuation, so `languages.*.examples` stays as is;
/// a link's target must be http(s), a fragment or a relative path (no `javascript:`).
public enum InlineMarkdown {
    /// HTML for one line of inline Markdown.
    public static func html(_ text: String) -> String {
        render(Array(escape(text))[...])
    }

    /// `&`, `<`, `>`, `"` and `'` as entities: safe in text and in quoted attributes.
    public static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static func render(_ chars: ArraySlice<Character>) -> String {
        var out = ""
        var i = chars.startIndex
        while i < chars.endIndex {
            let c = chars[i]
            if c == "`" {
                let run = runLength(chars, from: i, of: "`")
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
            if c == "[", let (label, target, end) = link(chars, at: i) {
                out += "<a href=\"\(target)\">" + render(label) + "</a>"
                i = end
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    static func runLength(_ chars: ArraySlice<Character>, from start: Int, of mark: Character) -> Int {
        var end = start
        while end < chars.endIndex && chars[end] == mark { end += 1 }
        return end - start
    }

    /// The start of the next backquote run of exactly `length`.
    static func closingRun(_ chars: ArraySlice<Character>, from start: Int, length: Int) -> Int? {
        var i = start
        while i < chars.endIndex {
            if chars[i] == "`" {
                let run = runLength(chars, from: i, of: "`")
                if run == length { return i }
                i += run
            } else {
                i += 1
            }
        }
        return nil
    }

    /// `*` opens emphasis when followed by a non-space and preceded by the start, a space or `(`.
    static func opens(_ chars: ArraySlice<Character>, at i: Int) -> Bool {
        guard i + 1 < chars.endIndex, !chars[i + 1].isWhitespace, chars[i + 1] != "*" else { return false }
        return i == chars.startIndex || chars[i - 1].isWhitespace || chars[i - 1] == "("
    }

    /// The next `marker` preceded by a non-space (and, for `*`, not part of `**` and followed by
    /// the end, a space or punctuation), skipping code spans.
    static func closing(_ chars: ArraySlice<Character>, from start: Int, marker: String) -> Int? {
        let mark = Array(marker)
        var i = start
        while i < chars.endIndex {
            if chars[i] == "`" {
                let run = runLength(chars, from: i, of: "`")
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

    /// `[label](target)` with a safe target: (label, target, index after the link).
    static func link(_ chars: ArraySlice<Character>, at start: Int) -> (ArraySlice<Character>, String, Int)? {
        guard let close = chars[(start + 1)...].firstIndex(of: "]"), close + 1 < chars.endIndex, chars[close + 1] == "(",
              let end = chars[(close + 2)...].firstIndex(of: ")"), close > start + 1
        else { return nil }
        let target = String(chars[(close + 2)..<end])
        guard !target.isEmpty, !target.contains(where: \.isWhitespace) else { return nil }
        let lower = target.lowercased()
        let scheme = lower.firstIndex(of: ":").map { String(lower[..<$0]) }
        guard scheme == nil || scheme == "http" || scheme == "https" else { return nil }
        return (chars[(start + 1)..<close], target, end + 1)
    }
}
