import Foundation
import GRDB
import Testing
import PlanCore
@testable import PlanStore

/// A tampered cell is a one-line error naming table, row and column; a foreign or corrupt file
/// is refused and left byte-for-byte unchanged.
struct TamperedDatabaseTests {
    struct Tamper: Sendable, CustomTestStringConvertible {
        let sql: String
        let table: String
        let column: String
        var testDescription: String { sql }
    }

    static let tampers = [
        Tamper(sql: "UPDATE run SET started_at = 'garbage'", table: "run", column: "started_at"),
        Tamper(sql: "UPDATE run SET kind = x'ff00'", table: "run", column: "kind"),
        Tamper(sql: "UPDATE run SET seed = 'minus one'", table: "run", column: "seed"),
        Tamper(sql: "UPDATE run SET trials = 'many'", table: "run", column: "trials"),
        Tamper(sql: "UPDATE result SET gpu_hours = 'text'", table: "result", column: "gpu_hours"),
        Tamper(sql: "UPDATE series SET day = 'monday' WHERE day = 1", table: "series", column: "day"),
        Tamper(sql: "UPDATE measurement SET measured_s = x'00ff'", table: "measurement", column: "measured_s"),
    ]

    static func store() throws -> (RunStore, Int64) {
        let path = try RunStoreTests().temporaryPath()
        let store = try RunStore(path: path)
        return (store, try store.record(RunStoreTests().sampleRun()) { _ in "{}" })
    }

    @Test(arguments: tampers) func aWrongTypedCellIsAnErrorNamingIt(_ tamper: Tamper) throws {
        let (store, id) = try Self.store()
        try DatabaseQueue(path: store.path).write { try $0.execute(sql: tamper.sql) }
        do {
            let run = try store.run(id)
            _ = try store.list()
            Issue.record("read a tampered database: \(run.kind)")
        } catch let error as StoreError {
            guard case let .badCell(table, _, column, _, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(table == tamper.table && column == tamper.column)
            #expect(error.description.contains("table \(tamper.table)") && error.description.contains("column \(tamper.column)"))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func aTamperedProfileIsAnError() throws {
        let (store, _) = try Self.store()
        try DatabaseQueue(path: store.path).write { db in
            try db.execute(sql: "INSERT INTO profile VALUES ('cpu', NULL, '2026-01-01 00:00:00.000', 'fast', 1, 1, 1, '{}')")
        }
        #expect(throws: StoreError.self) { try store.profiles() }
        #expect(throws: StoreError.self) { try RunStore.profilesReadOnly(path: store.path) }
    }

    enum Foreign: String, CaseIterable, Sendable {
        case otherTables, ownRunTable, randomBytes, badHeader
    }

    static func write(_ kind: Foreign, to path: String) throws {
        switch kind {
        case .otherTables:
            try DatabaseQueue(path: path).write { try $0.execute(sql: "CREATE TABLE notes(x); INSERT INTO notes VALUES ('mine')") }
        case .ownRunTable:
            try DatabaseQueue(path: path).write { try $0.execute(sql: "CREATE TABLE run(id INTEGER PRIMARY KEY, what TEXT)") }
        case .randomBytes:
            var generator = SystemRandomNumberGenerator()
            try Data((0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: URL(fileURLWithPath: path))
        case .badHeader:
            try Data(Array("SQLite format 3\0".utf8) + [UInt8](repeating: 0xAB, count: 8176)).write(to: URL(fileURLWithPath: path))
        }
    }

    @Test(arguments: Foreign.allCases) func aFileThatIsNotAPlanDatabaseIsRefusedUnchanged(_ kind: Foreign) throws {
        let path = try RunStoreTests().temporaryPath()
        try Self.write(kind, to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect {
            _ = try RunStore(path: path)
        } throws: { error in
            if case .notADatabase = error as? StoreError { return true }
            return false
        }
        #expect(throws: StoreError.self) { try RunStore.profilesReadOnly(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        let siblings = try FileManager.default.contentsOfDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        #expect(siblings == ["runs.sqlite"], "\(siblings)")
    }

    @Test func profilesReadOnlyCreatesNothing() throws {
        let path = try RunStoreTests().temporaryPath()
        #expect(try RunStore.profilesReadOnly(path: path).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path))
        let (store, _) = try Self.store()
        #expect(try RunStore.profilesReadOnly(path: store.path).isEmpty)
    }
}
