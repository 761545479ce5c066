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

/// Collects diagnostics while a document is read, so that all problems are reported at once.
final class DiagnosticCollector {
    private(set) var items: [Diagnostic] = []

    func error(_ path: String, _ message: String) {
        items.append(Diagnostic(path: path, message: message))
    }

    var isEmpty: Bool { items.isEmpty }
}
