import Foundation

/// A fresh, empty folder under the system's temporary directory, named `prefix-<UUID>`, for one
/// test. Tests leave it behind (the system cleans the temporary directory); a test that must
/// leave nothing removes it itself.
/// - Throws: the file system's error when the folder cannot be created.
public func temporaryFolder(_ prefix: String = "plan-tests") throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}
