import Foundation

/// A fresh, empty folder for one test, named `prefix-<UUID>`, inside this test process's own
/// folder under the system's temporary directory (`plan-tests-<pid>-<UUID>`), which is removed
/// when the process exits: a test run leaves nothing behind.
/// - Throws: the file system's error when the folder cannot be created.
public func temporaryFolder(_ prefix: String = "plan-tests") throws -> URL {
    let folder = try TestSession.root().appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// The folder every `temporaryFolder` of this process lives in, made on first use and removed
/// at exit.
enum TestSession {
    static let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("plan-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)").path
    private static let registered: Bool = {
        atexit { try? FileManager.default.removeItem(atPath: TestSession.path) }
        return true
    }()

    static func root() throws -> URL {
        _ = registered
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return URL(fileURLWithPath: path, isDirectory: true)
    }
}
