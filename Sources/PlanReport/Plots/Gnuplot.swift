import Foundation

/// Runs gnuplot on a script sent through stdin and checks its exit status.
public enum Gnuplot {
    /// The gnuplot executable on PATH, if any.
    public static func executable() -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("gnuplot")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Runs `script` with `directory` as the working directory (outputs land there).
    public static func run(_ script: String, in directory: URL) throws {
        guard let gnuplot = executable() else { throw ReportError.gnuplotMissing }
        let process = Process()
        process.executableURL = gnuplot
        process.currentDirectoryURL = directory
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { throw ReportError.gnuplotFailed(status: -1, message: "\(error)") }
        input.fileHandleForWriting.write(Data(script.utf8))
        try? input.fileHandleForWriting.close()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: stderr, as: UTF8.self)
            let last = text.split(separator: "\n").last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) ?? "no message"
            throw ReportError.gnuplotFailed(status: process.terminationStatus, message: String(last))
        }
    }
}
