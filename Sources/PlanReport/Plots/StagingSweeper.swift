import Foundation

/// Removes staging folders that a killed `plan` left behind (`.NAME.plan-tmp-PID`, ...): a
/// folder is removed only when its name starts with one of the given prefixes, continues with
/// a process id, and that process no longer runs.
enum StagingSweeper {
    static func sweep(in folder: URL, prefixes: [String]) {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names {
            guard let prefix = prefixes.first(where: { name.hasPrefix($0) }) else { continue }
            let digits = name.dropFirst(prefix.count).prefix { $0.isNumber }
            guard let pid = Int32(digits), pid > 0, pid != ProcessInfo.processInfo.processIdentifier else { continue }
            if kill(pid, 0) == 0 || errno == EPERM { continue }  // still running (maybe as another user)
            try? manager.removeItem(at: folder.appendingPathComponent(name))
        }
    }
}
