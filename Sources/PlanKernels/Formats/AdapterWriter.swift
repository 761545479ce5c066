import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a PEFT adapter folder atomically and exclusively: everything goes into a temporary
/// sibling folder (`stage`), which one `rename(2)` publishes. The rename replaces only a missing
/// or empty folder, so of several merges publishing to one folder exactly one succeeds and the
/// others fail without touching its files; a failed write leaves nothing behind.
public enum AdapterWriter {
    /// Writes `adapter` as `folder/adapter_model.safetensors` + `folder/adapter_config.json`.
    ///
    /// `folder` must not exist, or be an empty directory; its parent must exist.
    /// - Throws: `KernelError.cannotCreateOutput` when the folder cannot be created or written,
    ///   or another writer published it first.
    public static func write(_ adapter: LoRAAdapter, to folder: URL) throws {
        let staged = try stage(adapter, for: folder)
        do { try staged.publish() } catch {
            staged.discard()
            throw error
        }
    }

    /// The output folder, checked before any work: its parent exists, and it does not exist or
    /// is an empty directory; its name is not `.` or `..`. Returns it standardised.
    /// - Throws: `KernelError.cannotCreateOutput` otherwise.
    public static func checkDestination(_ folder: URL) throws -> URL {
        let manager = FileManager.default
        let destination = folder.standardizedFileURL
        func failure(_ reason: String) -> KernelError { .cannotCreateOutput(path: folder.path, reason: reason) }
        // `URL.path` resolves `out/..` to the current folder: look at the name as given.
        let named = folder.relativePath.split(separator: "/").last.map(String.init) ?? ""
        guard ![".", ".."].contains(named) else {
            throw failure("name the output folder itself, not . or ..")
        }
        let parent = destination.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: parent.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw failure("the parent folder \(parent.path) does not exist; create it first")
        }
        var status = stat()
        if lstat(destination.path, &status) == 0 {
            let contents = (try? manager.contentsOfDirectory(atPath: destination.path)) ?? ["?"]
            guard status.st_mode & S_IFMT == S_IFDIR, contents.isEmpty else {
                throw failure("it already exists; choose a new output folder or remove the old one")
            }
        }
        return destination
    }

    /// Writes `adapter` into a temporary folder beside `folder` (`.NAME.partial-PID-UUID`), after
    /// `checkDestination`. Nothing is visible at `folder` until `publish`.
    public static func stage(_ adapter: LoRAAdapter, for folder: URL) throws -> StagedAdapter {
        let manager = FileManager.default
        let destination = try checkDestination(folder)
        let parent = destination.deletingLastPathComponent()
        func failure(_ reason: String) -> KernelError { .cannotCreateOutput(path: destination.path, reason: reason) }
        sweepStaleStaging(in: parent, prefix: ".\(destination.lastPathComponent).partial-")
        let temporary = parent.appendingPathComponent(
            ".\(destination.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        do {
            try manager.createDirectory(at: temporary, withIntermediateDirectories: false)
        } catch {
            throw failure("cannot create a folder next to it (\(error.localizedDescription)); check permissions")
        }
        let staged = StagedAdapter(destination: destination, temporary: temporary)
        do {
            try Data(try SafetensorsFile.encode(adapter.tensors()))
                .write(to: temporary.appendingPathComponent(LoRAAdapter.weightsFileName))
            try JSONValue.object(adapter.config.document).serialized()
                .write(to: temporary.appendingPathComponent(LoRAAdapter.configFileName))
        } catch {
            staged.discard()
            if let error = error as? KernelError { throw error }
            throw failure("\(error.localizedDescription); check free space and permissions")
        }
        return staged
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

/// A merged adapter written to a temporary folder beside its destination, not yet visible there.
public struct StagedAdapter: Sendable {
    /// Where `publish` puts it.
    public let destination: URL
    let temporary: URL

    /// Renames the staged folder to the destination with one `rename(2)`: atomic, and exclusive,
    /// since it replaces only a missing or empty folder. A destination that another process
    /// filled in the meantime is left as it is.
    /// - Throws: `KernelError.cannotCreateOutput` when the destination is taken or cannot be written.
    public func publish() throws {
        guard rename(temporary.path, destination.path) == 0 else {
            let code = errno
            let reason = switch code {
            case ENOTEMPTY, EEXIST, ENOTDIR, EISDIR: "it already exists (another process wrote it first); choose a new output folder"
            default: String(cString: strerror(code)) + "; check free space and permissions"
            }
            throw KernelError.cannotCreateOutput(path: destination.path, reason: reason)
        }
    }

    /// Removes the staged folder (nothing, once published).
    public func discard() {
        try? FileManager.default.removeItem(at: temporary)
    }

    /// Takes a published folder back (when what had to follow the publication failed): it is
    /// renamed to its staging name, then removed. Another writer cannot have replaced it, since
    /// `publish` never replaces a folder with files in it.
    public func unpublish() {
        guard rename(destination.path, temporary.path) == 0 else { return }
        discard()
    }
}
