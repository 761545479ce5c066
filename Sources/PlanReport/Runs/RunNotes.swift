import Foundation

/// The lines a command prints after its table: where the run was stored, which plots were written.
public enum RunNotes {
    /// "stored: run 3 in plan-runs.sqlite"
    public static func stored(runID: Int64, path: String) -> String { "stored: run \(runID) in \(path)\n" }

    /// "stored as run 3 in plan-runs.sqlite" (after a benchmark's table).
    public static func storedAs(runID: Int64, path: String) -> String { "stored as run \(runID) in \(path)\n" }

    /// "stored: run 3 and profile 'box' in plan-runs.sqlite" (calibration).
    public static func stored(runID: Int64, profile: String, path: String) -> String {
        "stored: run \(runID) and profile '\(profile)' in \(path)\n"
    }

    /// "plots: plots/ (a.png, b.png, and .svg)" for the files a plot writer wrote.
    public static func plots(folder: String, written: [URL]) -> String {
        let images = written.filter { $0.pathExtension == "png" }.map(\.lastPathComponent).joined(separator: ", ")
        return "plots: \(folder)/ (\(images), and .svg)\n"
    }
}
