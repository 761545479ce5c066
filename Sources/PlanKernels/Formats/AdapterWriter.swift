import Foundation

/// Writes a PEFT adapter folder atomically: everything goes into a temporary sibling folder that
/// is renamed into place at the end, and removed on any failure, so a failed write leaves nothing.
public enum AdapterWriter {
    /// Writes `adapter` as `folder/adapter_model.safetensors` + `folder/adapter_config.json`.
    ///
    /// `folder` must not exist, or be an empty directory; its parent must exist.
    /// - Throws: `KernelError.cannotCreateOutput` when the folder cannot be created or written.
    public static func write(_ adapter: LoRAAdapter, to folder: URL) throws {
        let manager = FileManager.default
        let destination = folder.standardizedFileURL
        let parent = destination.deletingLastPathComponent()
        func failure(_ reason: String) -> KernelError { .cannotCreateOutput(path: destination.path, reason: reason) }
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: parent.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw failure("the parent folder \(parent.path) does not exist; create it first")
        }
        var replaceEmptyFolder = false
        if manager.fileExists(atPath: destination.path, isDirectory: &isDirectory) {
            let contents = (try? manager.contentsOfDirectory(atPath: destination.path)) ?? ["?"]
            guard isDirectory.boolValue, contents.isEmpty else {
                throw failure("it already exists; choose a new output folder or remove the old one")
            }
            replaceEmptyFolder = true
        }
        sweepStaleStaging(in: parent, prefix: ".\(destination.lastPathComponent).partial-")
        let temporary = parent.appendingPathComponent(
            ".\(destination.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        do {
            try manager.createDirectory(at: temporary, withIntermediateDirectories: false)
        } catch {
            throw failure("cannot create a folder next to it (\(error.localizedDescription)); check permissions")
        }
        do {
            try Data(try SafetensorsFile.encode(adapter.tensors()))
                .write(to: temporary.appendingPathComponent(LoRAAdapter.weightsFileName))
            try JSONValue.object(adapter.config.document).serialized()
                .write(to: temporary.appendingPathComponent(LoRAAdapter.configFileName))
            if replaceEmptyFolder { try manager.removeItem(at: destination) }
            try manager.moveItem(at: temporary, to: destination)
        } catch {
            try? manager.removeItem(at: temporary)
            if let error = error as? KernelError { throw error }
            throw failure("\(error.localizedDescription); check free space and permissions")
        }
    }

    /// Removes `PREFIX<pid>-…` folders left by a killed merge: only when that process no longer runs.
    static func sweepStaleStaging(in parent: URL, prefix: String) {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: parent.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            let digits = name.dropFirst(prefix.count).prefix { $0.isNumber }
            guard let pid = Int32(digits), pid > 0, pid != ProcessInfo.processInfo.processIdentifier else { continue }
            if kill(pid, 0) == 0 || errno == EPERM { continue }
            try? manager.removeItem(at: parent.appendingPathComponent(name))
        }
    }
}
