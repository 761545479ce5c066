import Foundation

/// Writes a report folder atomically: report.md, report.html and the plots are produced in a
/// staging folder beside the target, which then replaces the target in one rename.
public enum ReportWriter {
    /// Writes `document` and renders `plots` into `folder`. An existing `folder` is replaced
    /// only if it is empty or an earlier report (it holds report.md); anything else is refused.
    @discardableResult
    public static func write(_ document: ReportDocument, plots: [(name: String, script: String)], to folder: URL) throws -> [URL] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ReportError.cannotWrite(path: folder.path, reason: "a file with that name exists") }
            let contents = (try? manager.contentsOfDirectory(atPath: folder.path)) ?? []
            guard contents.isEmpty || contents.contains("report.md") else {
                throw ReportError.cannotWrite(path: folder.path, reason: "folder exists and is not a plan report; choose another --output")
            }
        }
        let parent = folder.deletingLastPathComponent()
        do { try manager.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw ReportError.cannotWrite(path: parent.path, reason: "cannot create the parent folder")
        }
        let staging = parent.appendingPathComponent(".\(folder.lastPathComponent).plan-tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try? manager.removeItem(at: staging)
        do { try manager.createDirectory(at: staging, withIntermediateDirectories: false) } catch {
            throw ReportError.cannotWrite(path: parent.path, reason: "folder is not writable")
        }
        var finished = false
        defer { if !finished { try? manager.removeItem(at: staging) } }
        try PlotWriter.write(plots, to: staging)
        for (name, text) in [("report.md", document.markdown), ("report.html", document.html)] {
            do { try Data(text.utf8).write(to: staging.appendingPathComponent(name)) } catch {
                throw ReportError.cannotWrite(path: staging.appendingPathComponent(name).path, reason: error.localizedDescription)
            }
        }
        for image in document.images where !manager.fileExists(atPath: staging.appendingPathComponent(image).path) {
            throw ReportError.cannotWrite(path: image, reason: "the report references an image that was not rendered")
        }
        // Swap: old report aside, new one in, old one removed.
        let old = parent.appendingPathComponent(".\(folder.lastPathComponent).plan-old-\(ProcessInfo.processInfo.processIdentifier)")
        if manager.fileExists(atPath: folder.path) {
            guard rename(folder.path, old.path) == 0 else {
                throw ReportError.cannotWrite(path: folder.path, reason: String(cString: strerror(errno)))
            }
        }
        guard rename(staging.path, folder.path) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = rename(old.path, folder.path)
            throw ReportError.cannotWrite(path: folder.path, reason: reason)
        }
        finished = true
        try? manager.removeItem(at: old)
        let names = (try? manager.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().map { folder.appendingPathComponent($0) }
    }
}
