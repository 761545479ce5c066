import Foundation

/// Writes a report folder atomically: report.md, report.html and the plots are produced in a
/// staging folder beside the target, which then replaces the target in one rename.
///
/// Ownership: `plan report` writes only into a folder it created, an empty folder, or one that
/// holds exactly a previous report: the files listed in its marker (`.plan-report`) and nothing
/// else. Any other folder is refused and nothing in it is touched or deleted.
public enum ReportWriter {
    /// The marker file in every report folder: one written file name per line.
    public static let markerName = ".plan-report"

    /// Writes `document` and renders `plots` into `folder`; returns the written files.
    /// - Throws: `ReportError.cannotWrite` when `folder` is not ours to replace (a file, a link,
    ///   or a folder holding anything but a previous report) or cannot be written.
    @discardableResult
    public static func write(_ document: ReportDocument, plots: [(name: String, script: String)], to folder: URL) throws -> [URL] {
        let manager = FileManager.default
        let previous = try ownedContents(folder)
        let parent = folder.deletingLastPathComponent()
        do { try manager.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw ReportError.cannotWrite(path: parent.path, reason: "cannot create the parent folder")
        }
        StagingSweeper.sweep(in: parent, prefixes: [".\(folder.lastPathComponent).plan-tmp-", ".\(folder.lastPathComponent).plan-old-"])
        let staging = parent.appendingPathComponent(".\(folder.lastPathComponent).plan-tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try? manager.removeItem(at: staging)
        do { try manager.createDirectory(at: staging, withIntermediateDirectories: false) } catch {
            throw ReportError.cannotWrite(path: parent.path, reason: "folder is not writable")
        }
        var finished = false
        defer { if !finished { try? manager.removeItem(at: staging) } }
        try PlotWriter.write(plots, to: staging)
        for image in document.images where !manager.fileExists(atPath: staging.appendingPathComponent(image).path) {
            throw ReportError.cannotWrite(path: image, reason: "the report references an image that was not rendered")
        }
        let html = document.html(images: try embedded(document.images, in: staging))
        for (name, text) in [("report.md", document.markdown), ("report.html", html)] {
            do { try Data(text.utf8).write(to: staging.appendingPathComponent(name)) } catch {
                throw ReportError.cannotWrite(path: staging.appendingPathComponent(name).path, reason: error.localizedDescription)
            }
        }
        let names = ((try? manager.contentsOfDirectory(atPath: staging.path)) ?? []).sorted()
        do { try Data((names.joined(separator: "\n") + "\n").utf8).write(to: staging.appendingPathComponent(markerName)) } catch {
            throw ReportError.cannotWrite(path: staging.appendingPathComponent(markerName).path, reason: error.localizedDescription)
        }
        // Swap: old report aside, new one in, then the old one's listed files removed.
        let old = parent.appendingPathComponent(".\(folder.lastPathComponent).plan-old-\(ProcessInfo.processInfo.processIdentifier)")
        if previous != nil {
            guard rename(folder.path, old.path) == 0 else {
                throw ReportError.cannotWrite(path: folder.path, reason: String(cString: strerror(errno)))
            }
        }
        guard rename(staging.path, folder.path) == 0 else {
            let reason = String(cString: strerror(errno))
            if previous != nil { _ = rename(old.path, folder.path) }
            throw ReportError.cannotWrite(path: folder.path, reason: reason)
        }
        finished = true
        if let previous {
            // Only what the marker listed; a file added meanwhile keeps the old folder (rmdir fails).
            for name in previous { try? manager.removeItem(at: old.appendingPathComponent(name)) }
            _ = rmdir(old.path)
        }
        return (names + [markerName]).sorted().map { folder.appendingPathComponent($0) }
    }

    /// Each image as a `data:` URI for report.html: the plot's SVG beside the PNG when gnuplot
    /// wrote one (sharp at any zoom), else the image itself. Inside an `<img>`, an SVG can run
    /// no script and its ids cannot clash with another plot's.
    static func embedded(_ images: [String], in folder: URL) throws -> [String: String] {
        var sources: [String: String] = [:]
        for image in images {
            let url = folder.appendingPathComponent(image)
            let svg = url.deletingPathExtension().appendingPathExtension("svg")
            let (file, type) = FileManager.default.fileExists(atPath: svg.path) ? (svg, "image/svg+xml")
                : (url, url.pathExtension.lowercased() == "svg" ? "image/svg+xml" : "image/png")
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw ReportError.cannotWrite(path: file.path, reason: "the rendered plot cannot be read back")
            }
            sources[image] = "data:\(type);base64," + data.base64EncodedString()
        }
        return sources
    }

    /// nil when `folder` does not exist or is empty (ours to create); the names to delete when it
    /// holds exactly a previous report; otherwise throws without touching anything.
    static func ownedContents(_ folder: URL) throws -> [String]? {
        let manager = FileManager.default
        guard let attributes = try? manager.attributesOfItem(atPath: folder.path) else { return nil }
        guard attributes[.type] as? FileAttributeType == .typeDirectory else {
            let what = attributes[.type] as? FileAttributeType == .typeSymbolicLink ? "a symbolic link" : "a file"
            throw ReportError.cannotWrite(path: folder.path, reason: "\(what) with that name exists; choose another --output")
        }
        guard let contents = try? manager.contentsOfDirectory(atPath: folder.path) else {
            throw ReportError.cannotWrite(path: folder.path, reason: "the folder cannot be listed")
        }
        if contents.isEmpty { return [] }
        let refusal = ReportError.cannotWrite(
            path: folder.path, reason: "the folder holds files that are not a plan report (nothing was changed); choose another --output")
        guard let data = manager.contents(atPath: folder.appendingPathComponent(markerName).path),
            let marker = String(data: data, encoding: .utf8)
        else { throw refusal }
        let listed = Set(marker.split(separator: "\n").map(String.init))
        let present = Set(contents).subtracting([markerName])
        // Every name present must be one the marker lists, as a plain file (no folder of the user's).
        guard present.isSubset(of: listed) else { throw refusal }
        for name in present {
            guard !name.contains("/"), (try? manager.attributesOfItem(atPath: folder.appendingPathComponent(name).path))?[.type]
                as? FileAttributeType == .typeRegular
            else { throw refusal }
        }
        return Array(present) + [markerName]
    }
}
