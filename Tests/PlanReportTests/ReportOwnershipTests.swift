import Foundation
import Testing
@testable import PlanReport
import PlanTestSupport

/// `plan report --output DIR` writes only into a folder it owns; anything else is refused and
/// left exactly as it was.
struct ReportOwnershipTests {
    static let document = ReportDocument(title: "t", blocks: [.paragraph("p")])

    static func temporary() throws -> URL {
        try temporaryFolder("plan-own")
    }

    /// Every (name, bytes) under `folder`, recursively, for before/after comparison.
    static func snapshot(_ folder: URL) -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let name = enumerator?.nextObject() as? String {
            result[name] = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) ?? Data()
        }
        return result
    }

    enum Setup: String, CaseIterable, Sendable {
        case reportMDOnly, reportPlusNotes, markerPlusUnlisted, subfolder, plainFile, symlink
    }

    static func make(_ setup: Setup, in root: URL) throws -> URL {
        let target = root.appendingPathComponent("out")
        let manager = FileManager.default
        switch setup {
        case .plainFile:
            try Data("mine".utf8).write(to: target)
            return target
        case .symlink:
            let real = root.appendingPathComponent("real")
            try manager.createDirectory(at: real, withIntermediateDirectories: true)
            try manager.createSymbolicLink(at: target, withDestinationURL: real)
            return target
        default: break
        }
        try manager.createDirectory(at: target, withIntermediateDirectories: true)
        switch setup {
        case .reportMDOnly: try Data("# my own notes".utf8).write(to: target.appendingPathComponent("report.md"))
        case .reportPlusNotes:
            try Data("# old".utf8).write(to: target.appendingPathComponent("report.md"))
            try Data("keep me".utf8).write(to: target.appendingPathComponent("thesis.tex"))
        case .markerPlusUnlisted:
            try Data("report.md\n".utf8).write(to: target.appendingPathComponent(ReportWriter.markerName))
            try Data("# old".utf8).write(to: target.appendingPathComponent("report.md"))
            try Data("keep me".utf8).write(to: target.appendingPathComponent("data.csv"))
        case .subfolder:
            try Data("report.md\nsub\n".utf8).write(to: target.appendingPathComponent(ReportWriter.markerName))
            try manager.createDirectory(at: target.appendingPathComponent("sub"), withIntermediateDirectories: true)
            try Data("keep".utf8).write(to: target.appendingPathComponent("sub/x"))
        default: break
        }
        return target
    }

    @Test(arguments: Setup.allCases) func foldersThatAreNotAReportAreRefusedUntouched(_ setup: Setup) throws {
        let root = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = try Self.make(setup, in: root)
        let before = Self.snapshot(root)
        #expect(throws: ReportError.self) { try ReportWriter.write(Self.document, plots: [], to: target) }
        #expect(Self.snapshot(root) == before)
        // No staging folder is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).allSatisfy { !$0.contains("plan-tmp") })
    }

    @Test func aPreviousReportIsReplacedAndAnEmptyFolderUsed() throws {
        let root = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try ReportWriter.write(Self.document, plots: [], to: target)
        let marker = try String(contentsOf: target.appendingPathComponent(ReportWriter.markerName), encoding: .utf8)
        #expect(marker == "report.html\nreport.md\n")
        try ReportWriter.write(ReportDocument(title: "second"), plots: [], to: target)
        #expect(try String(contentsOf: target.appendingPathComponent("report.md"), encoding: .utf8).contains("second"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["out"])
    }

    @Test func staleStagingFoldersOfDeadProcessesAreSwept() throws {
        let root = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: root) }
        // pid 2^22 + 1 is above Linux's default pid_max range in use here; 1 (init) always runs.
        let dead = root.appendingPathComponent(".out.plan-tmp-4194305")
        let alive = root.appendingPathComponent(".out.plan-tmp-1")
        let unrelated = root.appendingPathComponent(".out.plan-tmp-notapid")
        for folder in [dead, alive, unrelated] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try ReportWriter.write(Self.document, plots: [], to: root.appendingPathComponent("out"))
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: root.path))
        #expect(names == [".out.plan-tmp-1", ".out.plan-tmp-notapid", "out"])
    }
}
