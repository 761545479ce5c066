import Foundation
import Testing

/// Text snapshots compared with files under a test target's snapshot folder.
///
/// `PLAN_RECORD_SNAPSHOTS=1 swift test --filter Suite` writes every checked text to its file and
/// fails ("recorded, re-run"), as swift-snapshot-testing does, so a recording run never passes
/// silently; review the diff and re-run without it.
public enum Snapshot {
    /// Whether this run records snapshots instead of comparing them.
    public static var isRecording: Bool { ProcessInfo.processInfo.environment["PLAN_RECORD_SNAPSHOTS"] == "1" }

    /// The folder `name` beside the source file `filePath` (pass `#filePath`).
    public static func folder(_ name: String = "Snapshots", besides filePath: String) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Compares `text` with the file `name` in `folder` (records it instead when recording).
    /// A missing or different file is a test issue at `sourceLocation`.
    public static func check(_ text: String, _ name: String, in folder: URL, sourceLocation: SourceLocation) {
        let file = folder.appendingPathComponent(name)
        if isRecording {
            do {
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: file)
                Issue.record("recorded snapshot \(name); review the diff and re-run without PLAN_RECORD_SNAPSHOTS", sourceLocation: sourceLocation)
            } catch {
                Issue.record("cannot record snapshot \(name): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let recorded = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("missing snapshot \(name); record with PLAN_RECORD_SNAPSHOTS=1", sourceLocation: sourceLocation)
            return
        }
        if recorded != text {
            Issue.record(
                "snapshot \(name) differs; if the change is intended, re-record with PLAN_RECORD_SNAPSHOTS=1\n\(firstDifference(recorded, text))",
                sourceLocation: sourceLocation)
        }
    }

    /// The first line where `recorded` and `actual` differ, both versions, for the failure message.
    static func firstDifference(_ recorded: String, _ actual: String) -> String {
        let old = recorded.components(separatedBy: "\n"), new = actual.components(separatedBy: "\n")
        for index in 0..<max(old.count, new.count) {
            let a = index < old.count ? old[index] : "<end>", b = index < new.count ? new[index] : "<end>"
            if a != b { return "line \(index + 1):\n  recorded: \(a)\n  actual:   \(b)" }
        }
        return "(same lines)"
    }
}
