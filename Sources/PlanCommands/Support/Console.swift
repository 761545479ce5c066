import Foundation
import PlanCore
import PlanReport

/// stdout for results, stderr for diagnostics and progress. Both go through
/// `TerminalText.escape`, so that control characters from a scenario, an adapter or a database
/// (ANSI escapes, carriage returns) are printed visibly and never act on the terminal.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(TerminalText.escape(text, keepingLineBreaks: true).utf8))
    }

    /// One line on stderr: a newline inside `line` is shown as `\n`, so a message stays one line.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((TerminalText.escape(line) + "\n").utf8))
    }

    /// Renders `scripts` into `folder` (nil: no plots) and, for table output, says what was
    /// written and where the run was stored.
    static func plotAndSummarise(_ scripts: [(name: String, script: String)], folder: String?, runID: Int64, storePath: String,
                                 summary: Bool) throws {
        var lines = ""
        if let folder { lines += RunNotes.plots(folder: folder, written: try PlotWriter.write(scripts, to: URL(fileURLWithPath: folder))) }
        if summary { out("\n" + lines + RunNotes.stored(runID: runID, path: storePath)) }
    }

    /// True when stderr is a terminal (progress is shown only then).
    static var stderrIsTerminal: Bool { isatty(2) == 1 }
}

/// A one-line progress indicator on stderr, silent when stderr is not a terminal.
final class Progress: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let enabled: Bool
    private let lock = NSLock()
    private var lastPercent = -1

    init(_ label: String, total: Int) {
        self.label = label
        self.total = max(total, 1)
        self.enabled = Console.stderrIsTerminal
    }

    func update(_ done: Int) {
        guard enabled else { return }
        let percent = done * 100 / total
        lock.lock()
        defer { lock.unlock() }
        guard percent != lastPercent else { return }
        lastPercent = percent
        FileHandle.standardError.write(Data("\r\(label): \(done)/\(total) (\(percent)%)".utf8))
    }

    func finish() {
        guard enabled, lastPercent >= 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
