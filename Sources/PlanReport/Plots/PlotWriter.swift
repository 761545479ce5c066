import Foundation

/// Writes plots into a folder atomically: scripts and images are produced in a temporary
/// sibling folder, and each file is renamed into place only after gnuplot succeeded.
public enum PlotWriter {
    /// Renders every (name, script) into `folder` as name.gp, name.png and name.svg.
    /// Returns the written paths.
    @discardableResult
    public static func write(_ scripts: [(name: String, script: String)], to folder: URL) throws -> [URL] {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ReportError.cannotWrite(path: folder.path, reason: "cannot create the folder")
        }
        StagingSweeper.sweep(in: folder, prefixes: [".plan-tmp-"])
        let staging = folder.appendingPathComponent(".plan-tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        do { try manager.createDirectory(at: staging, withIntermediateDirectories: false) } catch {
            throw ReportError.cannotWrite(path: folder.path, reason: "folder is not writable")
        }
        defer { try? manager.removeItem(at: staging) }
        var produced: [String] = []
        for (name, script) in scripts {
            let file = staging.appendingPathComponent(name + ".gp")
            do { try Data(script.utf8).write(to: file) } catch {
                throw ReportError.cannotWrite(path: file.path, reason: "\(error.localizedDescription)")
            }
            try Gnuplot.run(script, in: staging)
            for suffix in [".gp", ".png", ".svg"] {
                guard manager.fileExists(atPath: staging.appendingPathComponent(name + suffix).path) else {
                    throw ReportError.gnuplotFailed(status: 0, message: "gnuplot did not write \(name + suffix)")
                }
                produced.append(name + suffix)
            }
        }
        var written: [URL] = []
        for file in produced {
            let target = folder.appendingPathComponent(file)
            guard rename(staging.appendingPathComponent(file).path, target.path) == 0 else {
                throw ReportError.cannotWrite(path: target.path, reason: String(cString: strerror(errno)))
            }
            written.append(target)
        }
        return written
    }
}
