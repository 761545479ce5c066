import Foundation

/// The relative links of Markdown files and whether they resolve: each target file must exist,
/// inside the repository, and a `#fragment` on a Markdown target must be the GitHub anchor of one
/// of its headings. Enough CommonMark for this repository's documents: fenced code blocks and code
/// spans hold no links, inline links and images `[text](target "title")`, `<target>`
/// destinations and reference definitions `[label]: target`; ATX headings (`#` to `######`) give
/// the anchors, plus explicit `id="…"` / `name="…"` attributes. Setext headings are not read.
enum MarkdownLinks {
    /// One link that does not resolve, with the reason.
    struct Problem: Equatable, CustomStringConvertible {
        var document: String
        var target: String
        var reason: String
        var description: String { "\(document): \(target): \(reason)" }
    }

    /// The text outside fenced code blocks, as paragraphs (blocks between blank lines).
    static func proseBlocks(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: [String] = []
        var fence: (character: Character, length: Int)?
        func flush() {
            if !current.isEmpty { blocks.append(current.joined(separator: "\n")) }
            current = []
        }
        for line in text.components(separatedBy: "\n") {
            let trimmed = line.drop { $0 == " " }
            let marker = trimmed.first.flatMap { $0 == "`" || $0 == "~" ? $0 : nil }
            let run = marker.map { character in trimmed.prefix { $0 == character }.count } ?? 0
            if let open = fence {
                if marker == open.character && run >= open.length && trimmed.dropFirst(run).allSatisfy(\.isWhitespace) { fence = nil }
                continue
            }
            if let marker, run >= 3, line.prefix(while: { $0 == " " }).count <= 3 {
                flush()
                fence = (marker, run)
                continue
            }
            if line.allSatisfy(\.isWhitespace) { flush() } else { current.append(line) }
        }
        flush()
        return blocks
    }

    /// The block with every code span replaced by one space (a span may cross a line break).
    static func withoutCodeSpans(_ block: String) -> String {
        let characters = Array(block)
        var result = ""
        var index = 0
        func run(at start: Int) -> Int {
            var end = start
            while end < characters.count && characters[end] == "`" { end += 1 }
            return end - start
        }
        while index < characters.count {
            guard characters[index] == "`" else {
                result.append(characters[index])
                index += 1
                continue
            }
            let length = run(at: index)
            var search = index + length
            var close: Int?
            while search < characters.count {
                if characters[search] == "`" {
                    let other = run(at: search)
                    if other == length { close = search; break }
                    search += other
                } else {
                    search += 1
                }
            }
            if let close {
                result.append(" ")
                index = close + length
            } else {
                result.append(String(repeating: "`", count: length))
                index += length
            }
        }
        return result
    }

    /// The link and image destinations of a Markdown text, in order.
    static func targets(_ text: String) -> [String] {
        var targets: [String] = []
        for block in proseBlocks(text) {
            let characters = Array(withoutCodeSpans(block))
            var index = 0
            while index + 1 < characters.count {
                defer { index += 1 }
                guard characters[index] == "]" && characters[index + 1] == "(" else { continue }
                var position = index + 2
                while position < characters.count && characters[position].isWhitespace { position += 1 }
                var target = ""
                if position < characters.count && characters[position] == "<" {
                    position += 1
                    while position < characters.count && characters[position] != ">" { target.append(characters[position]); position += 1 }
                } else {
                    var depth = 0
                    while position < characters.count && !characters[position].isWhitespace {
                        let character = characters[position]
                        if character == "(" { depth += 1 }
                        if character == ")" { if depth == 0 { break }; depth -= 1 }
                        target.append(character)
                        position += 1
                    }
                }
                targets.append(target)
            }
            for line in block.components(separatedBy: "\n") {
                if let match = line.firstMatch(of: /^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/) { targets.append(String(match.1)) }
            }
        }
        return targets
    }

    /// GitHub's anchor for a heading's text: the rendered text (code spans and link texts kept,
    /// markup dropped), lower-cased, every character but letters, digits, marks, `-`, `_` and
    /// spaces removed, each space turned into `-`.
    static func slug(_ heading: String) -> String {
        var text = heading.replacingOccurrences(of: "`", with: "")
        text = text.replacing(/!?\[([^\]]*)\]\([^)]*\)/) { String($0.1) }
        text = text.replacing(/<[^>]+>/, with: "")
        var slug = ""
        for character in text.lowercased() {
            if character == " " {
                slug.append("-")
            } else if character == "-" || character == "_" || character.isLetter || character.isNumber
                || character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .nonspacingMark }) {
                slug.append(character)
            }
        }
        return slug
    }

    /// Every anchor a Markdown text defines: heading slugs (a repeated slug gets `-1`, `-2`, ... as
    /// on GitHub) and explicit `id` / `name` attributes.
    static func anchors(_ text: String) -> Set<String> {
        var anchors: Set<String> = []
        var seen: [String: Int] = [:]
        for block in proseBlocks(text) {
            for line in block.components(separatedBy: "\n") {
                if let match = line.firstMatch(of: /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/) {
                    let base = slug(String(match.1 ?? "").trimmingCharacters(in: .whitespaces))
                    let count = seen[base, default: 0]
                    anchors.insert(count == 0 ? base : "\(base)-\(count)")
                    seen[base] = count + 1
                }
                for match in line.matches(of: /\b(?:id|name)="([^"]+)"/) { anchors.insert(String(match.1)) }
            }
        }
        return anchors
    }

    /// The links of `document` (a path relative to `root`) that do not resolve.
    static func problems(in document: String, root: URL) throws -> [Problem] {
        let file = root.appendingPathComponent(document)
        let text = try String(contentsOf: file, encoding: .utf8)
        let folder = file.deletingLastPathComponent()
        let rootPath = root.standardizedFileURL.path
        var problems: [Problem] = []
        for target in targets(text) {
            func problem(_ reason: String) { problems.append(Problem(document: document, target: target, reason: reason)) }
            if target.isEmpty { problem("empty link"); continue }
            if target.contains("://") || target.hasPrefix("mailto:") { continue }
            let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            let path = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let fragment = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : nil
            let resolved: URL
            if path.isEmpty {
                resolved = file
            } else if path.hasPrefix("/") {
                resolved = root.appendingPathComponent(String(path.dropFirst()))
            } else {
                resolved = folder.appendingPathComponent(path)
            }
            let resolvedPath = resolved.standardizedFileURL.path
            guard resolvedPath == rootPath || resolvedPath.hasPrefix(rootPath + "/") else { problem("outside the repository"); continue }
            guard FileManager.default.fileExists(atPath: resolvedPath) else { problem("no such file"); continue }
            guard let fragment, resolved.pathExtension.lowercased() == "md" else { continue }
            let targetText = try String(contentsOf: resolved, encoding: .utf8)
            if !anchors(targetText).contains(fragment) { problem("no heading with the anchor #\(fragment)") }
        }
        return problems
    }
}
