import Foundation

/// Reads a file named inside another input (a scenario's `hf_config`, a probe row's `.json`
/// model) no further than a limit, so that a huge file or a device such as `/dev/zero` ends.
enum BoundedFile {
    /// The file's bytes; nil when it is missing, a folder or unreadable. Throws
    /// `PlanCoreError.workLimit` when it holds more than `limit` bytes.
    static func read(_ path: String, limit: Int) throws -> Data? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let handle = FileHandle(forReadingAtPath: path)
        else { return nil }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: limit + 1) ?? Data() } catch { return nil }
        guard data.count <= limit else {
            throw PlanCoreError.workLimit("\(path): the file is larger than the limit of \(limit >> 20) MiB")
        }
        return data
    }
}
