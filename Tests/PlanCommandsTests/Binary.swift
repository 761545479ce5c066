import Foundation
import PlanTestSupport

/// Runs the built `plan` executable, as a user would.
struct Binary {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// `plan` beside the test bundle (SwiftPM builds it with the tests).
    static var url: URL {
        let candidates = [Bundle.main.bundleURL] + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
            + [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        for folder in candidates {
            let file = folder.appendingPathComponent("plan")
            if FileManager.default.isExecutableFile(atPath: file.path) { return file }
        }
        return candidates[0].appendingPathComponent("plan")
    }

    /// A fresh working folder for one test.
    static func workspace() -> URL {
        // A test whose folder cannot be made fails at its first run in it, naming the folder.
        (try? temporaryFolder("plan-cli")) ?? FileManager.default.temporaryDirectory.appendingPathComponent("plan-cli-unavailable")
    }

    static func run(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "PLAN_DB")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        // Files, not pipes: nothing can block on a full pipe, and both streams are kept.
        let outFile = folder.appendingPathComponent(".stdout-\(UUID().uuidString)")
        let errFile = folder.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outFile)
            try? FileManager.default.removeItem(at: errFile)
        }
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: outFile), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errFile), as: UTF8.self))
    }

    /// The embedded default scenario's YAML, via `plan scenarios show`.
    static func defaultScenario(in folder: URL) throws -> String {
        try run(["scenarios", "show", "paper-2601.16127"], in: folder).stdout
    }
}
