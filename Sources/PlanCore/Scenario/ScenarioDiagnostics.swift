import Foundation

/// One problem found in a scenario or catalog file, located by its field path.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    /// Dotted field path such as `languages.en.examples` or `schedule.events[0].day`;
    /// empty for the whole document.
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String {
        path.isEmpty ? message : "at \(TerminalText.excerpt(path, limit: 2 * TerminalText.excerptCharacters)): \(message)"
    }
}

/// Every problem found in one file; printed one per line as `file: error: at path: message`.
public struct ScenarioDiagnostics: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var diagnostics: [Diagnostic]

    public init(file: String, diagnostics: [Diagnostic]) {
        self.file = file
        self.diagnostics = diagnostics
    }

    /// The lines to print, one per problem.
    public var lines: [String] {
        diagnostics.map { "\(file): error: \($0)" }
    }

    public var description: String { lines.joined(separator: "\n") }
}

/// Collects diagnostics while a document is read, so that all problems are reported at once —
/// up to a point: at most `perField` per field (list indices folded, so `targets[0]` and
/// `targets[1]` are one field) and `total` in all, then one line counting the rest, so that a
/// 10 MB list of bad names prints a few lines rather than half a gigabyte.
final class DiagnosticCollector {
    /// Diagnostics listed per field (documented in scenarios/README.md, "Limits").
    static let perField = 10
    /// Diagnostics listed per document.
    static let total = 100

    private var listed: [Diagnostic] = []
    private var perPath: [String: Int] = [:]
    private var omitted = 0

    func error(_ path: String, _ message: String) {
        let field = Self.field(path)
        let seen = perPath[field, default: 0]
        perPath[field] = seen + 1
        if seen < Self.perField && listed.count < Self.total {
            listed.append(Diagnostic(path: path, message: message))
        } else {
            omitted += 1
        }
    }

    /// The listed diagnostics, then one that counts those left out.
    var items: [Diagnostic] {
        guard omitted > 0 else { return listed }
        return listed + [Diagnostic(
            path: "", message: "and \(omitted) more problem\(omitted == 1 ? "" : "s") (at most \(Self.perField) per field and \(Self.total) in all are listed)")]
    }

    var isEmpty: Bool { listed.isEmpty && omitted == 0 }

    /// `path` with every list index replaced by `[]`.
    static func field(_ path: String) -> String {
        guard path.contains("[") else { return path }
        var result = ""
        var inIndex = false
        for character in path {
            if character == "[" {
                inIndex = true
                result.append("[]")
            } else if character == "]" {
                inIndex = false
            } else if !inIndex {
                result.append(character)
            }
        }
        return result
    }
}
