import Foundation
import GRDB
import PlanTestSupport
import Testing
import PlanCore
@testable import PlanStore

/// A database file is untrusted (issue 28): any schema object plan's migrations did not create
/// is refused before a row is read, so a crafted trigger never runs and a recursive view never
/// hangs; only regular files are opened; commands that only read never create a file; text
/// with a NUL is stored whole.
struct UntrustedDatabaseTests {
    struct Crafted: Sendable, CustomTestStringConvertible {
        let name: String
        let sql: String
        var testDescription: String { name }
    }

    /// Each is applied to a valid plan database holding one run.
    static let crafted = [
        Crafted(name: "trigger on insert", sql: "CREATE TRIGGER evil AFTER INSERT ON run BEGIN DELETE FROM run; UPDATE run SET scenario_name = 'pwned'; END"),
        Crafted(name: "trigger on the migration table", sql: "CREATE TRIGGER evil2 AFTER INSERT ON grdb_migrations BEGIN DELETE FROM run; END"),
        Crafted(name: "run as an endless recursive view", sql: """
            PRAGMA foreign_keys = OFF; DROP TABLE series; DROP TABLE result; DROP TABLE measurement; DROP TABLE profile; DROP TABLE run;
            CREATE VIEW run AS WITH RECURSIVE c(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM c) SELECT id, 'simulate' AS kind FROM c
            """),
        Crafted(name: "extra view", sql: "CREATE VIEW loop AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c"),
        Crafted(name: "extra table", sql: "CREATE TABLE notes (x)"),
        Crafted(name: "extra index", sql: "CREATE INDEX run_by_name ON run (scenario_name)"),
        Crafted(name: "altered column", sql: "ALTER TABLE run ADD COLUMN extra TEXT DEFAULT 'x'"),
        Crafted(name: "dropped index", sql: "DROP INDEX measurement_on_run_id"),
        Crafted(name: "statistics table", sql: "ANALYZE"),
        Crafted(name: "renamed migration", sql: "UPDATE grdb_migrations SET identifier = 'v2-other' WHERE identifier = 'v2-profiles'"),
    ]

    static func store() throws -> String {
        let path = try RunStoreTests().temporaryPath()
        try RunStore(path: path).record(RunStoreTests().sampleRun()) { _ in "{}" }
        return path
    }

    /// The database file's bytes (a read-only SQLite connection may leave an empty `-wal` and a
    /// `-shm` index beside it; the database itself is what must not change).
    static func bytes(_ path: String) -> Data? {
        FileManager.default.contents(atPath: path)
    }

    @Test(arguments: crafted) func aSchemaObjectPlanDidNotCreateIsRefusedUnread(_ crafted: Crafted) throws {
        let path = try Self.store()
        try DatabaseQueue(path: path).writeWithoutTransaction { try $0.execute(sql: crafted.sql) }
        let before = Self.bytes(path)
        for access in [RunStore.Access.readWrite, .readOnly] {
            do {
                let store = try RunStore(path: path, access: access)
                Issue.record("opened a crafted database (\(access)): \(try store.list().count) runs")
            } catch let error as StoreError {
                guard case .notADatabase = error else {
                    if case .newerSchema = error, crafted.name == "renamed migration" { continue }
                    Issue.record("wrong error \(error)")
                    continue
                }
                #expect(!error.description.contains("\n"))
            }
        }
        #expect(throws: StoreError.self) { try RunStore.profilesReadOnly(path: path) }
        #expect(Self.bytes(path) == before, "the file was changed")
        // The trigger never ran: the run is still there, unrenamed.
        if crafted.name.hasPrefix("trigger") {
            let names = try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT scenario_name FROM run") }
            #expect(names == ["toy"])
        }
    }

    @Test func theMessageNamesWhatWasAdded() throws {
        let path = try Self.store()
        try DatabaseQueue(path: path).write { try $0.execute(sql: Self.crafted[0].sql) }
        #expect(throws: StoreError.self) { try RunStore(path: path) }
        do { _ = try RunStore(path: path) } catch {
            #expect("\(error)".contains("trigger evil") && "\(error)".contains("did not create"))
        }
    }

    @Test func aPlanDatabaseOfEverySchemaVersionOpens() throws {
        for count in 1...RunStore.migrationNames.count {
            let path = try RunStoreTests().temporaryPath()
            try RunStore.migrator.migrate(try DatabaseQueue(path: path), upTo: RunStore.migrationNames[count - 1])
            let readOnly = try RunStore(path: path, access: .readOnly)
            #expect(try readOnly.list().isEmpty && readOnly.profiles().isEmpty)
            #expect(try RunStore(path: path).count() == 0)
        }
    }

    enum Special: String, CaseIterable, Sendable {
        case symlinkToADatabase, fifo, device, folder, symlinkedWAL
    }

    @Test(arguments: Special.allCases) func onlyARegularFileIsOpened(_ kind: Special) throws {
        let valid = try Self.store()
        let folder = try temporaryFolder("plan-store")
        var path = folder.appendingPathComponent("runs.sqlite").path
        switch kind {
        case .symlinkToADatabase: try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: valid)
        case .fifo: #expect(mkfifo(path, 0o600) == 0)
        case .device: path = "/dev/null"
        case .folder: try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        case .symlinkedWAL:
            path = valid
            try? FileManager.default.removeItem(atPath: path + "-wal")
            try FileManager.default.createSymbolicLink(atPath: path + "-wal", withDestinationPath: folder.appendingPathComponent("elsewhere").path)
        }
        let before = Self.bytes(valid)
        for access in [RunStore.Access.readWrite, .readOnly] {
            #expect {
                try RunStore(path: path, access: access)
            } throws: { error in
                guard case .notARegularFile = error as? StoreError else { return false }
                return true
            }
        }
        #expect(throws: StoreError.self) { try RunStore.profilesReadOnly(path: path) }
        if kind == .symlinkToADatabase { #expect(Self.bytes(valid) == before) }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("elsewhere").path))
    }

    @Test func readingOnlyNeverCreatesAFile() throws {
        let path = try RunStoreTests().temporaryPath()
        #expect {
            try RunStore(path: path, access: .readOnly)
        } throws: { error in
            guard case .noDatabase = error as? StoreError else { return false }
            return true
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try RunStore.profilesReadOnly(path: path).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aReadOnlyStoreCannotWrite() throws {
        let path = try Self.store()
        let store = try RunStore(path: path, access: .readOnly)
        #expect(try store.list().count == 1)
        #expect(throws: StoreError.self) { try store.record(RunStoreTests().sampleRun()) { _ in "{}" } }
        #expect(try RunStore(path: path).count() == 1)
    }

    @Test(arguments: ["a\u{0}b", "\u{0}", "nul at end\u{0}", "\u{1B}[31m\u{7}\u{0}x"])
    func textWithANULIsStoredWhole(_ name: String) throws {
        let store = try RunStore(path: try RunStoreTests().temporaryPath())
        var run = RunStoreTests().sampleRun()
        run.scenarioName = name
        run.measurements = [MeasurementRow(name: name, predictedSeconds: nil, measuredSeconds: 1, details: "{}")]
        let id = try store.record(run) { _ in "{\"scenario\": \"\(name.replacingOccurrences(of: "\u{0}", with: "\\u0000"))\"}" }
        #expect(try store.list().first?.scenarioName == name)
        #expect(try store.run(id).scenarioName == name && store.run(id).measurements.first?.name == name)
        #expect(try RunStore(path: store.path, access: .readOnly).list().first?.scenarioName == name)
    }
}
