import Foundation
import PlanCore

/// The report's inline Markdown rendered to HTML: `code`, **bold** and *italic*. Text is made
/// visible (control characters as `\e`, `\u{…}`) and HTML-escaped first, so nothing a scenario
/// name carries can become a tag or leave an attribute; the markup is then recognised on the
/// escaped text. No text becomes a link: the report's own text has none, so a link could only
/// come from a scenario or a database.
///
/// Rules (a small subset of CommonMark): a backquote run opens a code span closed by the next
/// run of the same length, and nothing inside it is interpreted; `**` and `*` need a closing
/// marker (an unmatched one stays literal); `*` opens only at the start or after a space or `(`
/// and closes only before the end, a space or punctuation, so `languages.*.examples` stays as is.
///
/// Every marker's partner is found in one pass over the text before rendering (`Marks`), so a
/// long line of unmatched markers renders in linear time.
public enum InlineMarkdown {
    /// Emphasis nested deeper than this renders literally (the report nests two levels).
    static let maximumDepth = 8

    /// HTML for one line of inline Markdown.
    /// - Complexity: O(n) in the length of `text`.
    public static func html(_ text: String) -> String {
        let chars = Array(escape(text))
        let marks = Marks(chars)
        var out = ""
        render(chars, marks, from: 0, to: chars.count, depth: 0, into: &out)
        return out
    }

    /// Control characters written visibly (`TerminalText.escape`; with `keepingLineBreaks`, `\n`
    /// and `\t` pass), then `&`, `<`, `>`, `"` and `'` as entities: safe in text and in quoted
    /// attributes.
    public static func escape(_ text: String, keepingLineBreaks: Bool = false) -> String {
        var out = ""
        for character in TerminalText.escape(text, keepingLineBreaks: keepingLineBreaks) {
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

    static func render(_ chars: [Character], _ marks: Marks, from start: Int, to end: Int, depth: Int, into out: inout String) {
        var i = start
        while i < end {
            let c = chars[i]
            if c == "`" {
                let run = marks.runLength[i]
                if let close = marks.codeClose[i], close + run <= end {
                    out += "<code>" + String(chars[(i + run)..<close]).trimmingCharacters(in: .whitespaces) + "</code>"
                    i = close + run
                } else {
                    out += String(repeating: "`", count: max(run, 1))
                    i += max(run, 1)
                }
                continue
            }
            if c == "*", depth < maximumDepth, i + 1 < end, chars[i + 1] == "*" {
                if let close = marks.strongClose(after: i, end: end) {
                    out += "<strong>"
                    render(chars, marks, from: i + 2, to: close, depth: depth + 1, into: &out)
                    out += "</strong>"
                    i = close + 2
                    continue
                }
                out += "**"
                i += 2
                continue
            }
            if c == "*", depth < maximumDepth, opens(chars, at: i, start: start, end: end), let close = marks.emphasisClose(after: i, end: end) {
                out += "<em>"
                render(chars, marks, from: i + 1, to: close, depth: depth + 1, into: &out)
                out += "</em>"
                i = close + 1
                continue
            }
            out.append(c)
            i += 1
        }
    }

    /// `*` opens emphasis when followed by a non-space and preceded by the start, a space or `(`.
    static func opens(_ chars: [Character], at i: Int, start: Int, end: Int) -> Bool {
        guard i + 1 < end, !chars[i + 1].isWhitespace, chars[i + 1] != "*" else { return false }
        return i == start || chars[i - 1].isWhitespace || chars[i - 1] == "("
    }

    /// Where each marker of a line closes, computed once in O(n).
    struct Marks {
        let chars: [Character]
        /// The length of the backquote run starting at each index (0 elsewhere).
        var runLength: [Int]
        /// A backquote run's index → the start of the next run of the same length (its code span's end).
        var codeClose: [Int: Int] = [:]
        /// Whether an index lies in a code span, delimiters included.
        var inCode: [Bool]
        /// The first index ≥ i where `**` can close strong emphasis (chars.count when none).
        var nextStrong: [Int]
        /// The first index ≥ i where `*` can close emphasis with more text after it (chars.count when none).
        var nextEmphasis: [Int]

        init(_ chars: [Character]) {
            self.chars = chars
            let n = chars.count
            runLength = [Int](repeating: 0, count: n)
            var runs: [Int] = []
            var byLength: [Int: [Int]] = [:]
            var i = 0
            while i < n {
                guard chars[i] == "`" else { i += 1; continue }
                var end = i
                while end < n && chars[end] == "`" { end += 1 }
                runLength[i] = end - i
                runs.append(i)
                byLength[end - i, default: []].append(i)
                i = end
            }
            // A run opens a span closed by the next run of the same length; the runs in between
            // are inside it. Each length's list is walked by a pointer that only moves forward.
            inCode = [Bool](repeating: false, count: n)
            var pointer: [Int: Int] = [:]
            var consumedUntil = 0
            for open in runs where open >= consumedUntil {
                let length = runLength[open]
                let list = byLength[length] ?? []
                var k = pointer[length] ?? 0
                while k < list.count && list[k] <= open { k += 1 }
                pointer[length] = k
                guard k < list.count else { continue }
                let close = list[k]
                codeClose[open] = close
                for index in open..<(close + length) { inCode[index] = true }
                consumedUntil = close + length
            }
            nextStrong = [Int](repeating: n, count: n + 2)
            nextEmphasis = [Int](repeating: n, count: n + 2)
            var q = n - 1
            while q >= 0 {
                nextStrong[q] = nextStrong[q + 1]
                nextEmphasis[q] = nextEmphasis[q + 1]
                if chars[q] == "*", !inCode[q], q >= 1, !chars[q - 1].isWhitespace {
                    if q + 1 < n, chars[q + 1] == "*" { nextStrong[q] = q }
                    if q + 1 < n, chars[q - 1] != "*", chars[q + 1] != "*", chars[q + 1].isWhitespace || chars[q + 1].isPunctuation {
                        nextEmphasis[q] = q
                    }
                }
                q -= 1
            }
        }

        /// The closing `**` of strong emphasis opened at `i`, within `..<end`: the next `**` after
        /// a non-space, with at least one character between.
        func strongClose(after i: Int, end: Int) -> Int? {
            guard i + 3 < nextStrong.count else { return nil }
            let q = nextStrong[i + 3]
            return q + 2 <= end ? q : nil
        }

        /// The closing `*` of emphasis opened at `i`, within `..<end`: the next single `*` after a
        /// non-space and before a space, punctuation or the end of the text being rendered.
        func emphasisClose(after i: Int, end: Int) -> Int? {
            guard i + 2 < nextEmphasis.count else { return nil }
            let q = nextEmphasis[i + 2]
            if q < end - 1 { return q }
            // The last character of the range: nothing follows it there, whatever follows in the line.
            let last = end - 1
            if last >= i + 2, chars[last] == "*", !inCode[last], !chars[last - 1].isWhitespace, chars[last - 1] != "*" { return last }
            return nil
        }
    }
}
