import Foundation
import GRDB
import Testing
import PlanCore
@testable import PlanStore
import PlanTestSupport

struct RunStoreTests {
    func temporaryPath() throws -> String {
        try temporaryFolder("plan-store").appendingPathComponent("runs.sqlite").path
    }

    func sampleRun() -> NewRun {
        NewRun(
            kind: .simulate, startedAt: Date(timeIntervalSince1970: 1_700_000_000), finishedAt: Date(timeIntervalSince1970: 1_700_000_001),
            toolVersion: "test", scenarioName: "toy", scenarioYAML: "version: 1\n", seed: 42, trials: nil,
            results: [ResultRow(strategy: "merge", phase: "total", gpuHours: 1.5, wallClockHours: 2, costUSD: 3, energyKWh: 4, co2Kg: 5, trainedTokens: 6)],
            series: [SeriesRow(strategy: "merge", day: 0, gpuHours: 1, costUSD: 2), SeriesRow(strategy: "merge", day: 1, gpuHours: 1.5, costUSD: 3)],
            measurements: [MeasurementRow(name: "gemm", predictedSeconds: 1, measuredSeconds: 1.1, details: "{}")])
    }

    @Test func roundTrip() throws {
        let store = try RunStore(path: try temporaryPath())
        let id = try store.record(sampleRun()) { "{\"run_id\": \($0)}" }
        let run = try store.run(id)
        #expect(run.kind == .simulate && run.scenarioName == "toy" && run.seed == 42)
        #expect(run.document == "{\"run_id\": \(id)}")
        #expect(run.results == sampleRun().results)
        #expect(run.series == sampleRun().series)
        #expect(run.measurements == sampleRun().measurements)
        // SHA-256 of "version: 1\n"
        #expect(run.scenarioHash == SHA256.hex("version: 1\n"))
        #expect(try store.list().map(\.id) == [id])
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func sha256KnownAnswers() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // FIPS 180-4 examples: a two-block message and one million 'a' (15,625 whole blocks + padding).
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Data(repeating: UInt8(ascii: "a"), count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func failedDocumentLeavesNoRows() throws {
        struct Boom: Error {}
        let store = try RunStore(path: try temporaryPath())
        #expect(throws: Boom.self) { try store.record(sampleRun()) { _ in throw Boom() } }
        #expect(try store.count() == 0)
    }

    @Test func newerSchemaIsRefused() throws {
        let path = try temporaryPath()
        _ = try RunStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-future')") }
        #expect(throws: StoreError.newerSchema(path: path, unknown: ["v99-future"])) { try RunStore(path: path) }
    }

    @Test func garbageFileIsNotADatabase() throws {
        let path = try temporaryPath()
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { try RunStore(path: path) }
    }

    @Test func missingFolderCannotBeOpened() {
        #expect(throws: StoreError.self) { try RunStore(path: "/nonexistent-folder-\(UUID().uuidString)/runs.sqlite") }
    }
}

struct RunStoreMigrationTests {
    @Test func databaseFromTheFirstSchemaMigratesAndKeepsItsRuns() throws {
        let folder = try temporaryFolder("plan-store")
        let path = folder.appendingPathComponent("old.sqlite").path
        // A database as the first release wrote it: only "v1-runs", one run in it.
        let queue = try DatabaseQueue(path: path)
        try RunStore.migrator.migrate(queue, upTo: "v1-runs")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO run (kind, started_at, finished_at, tool_version, document)
                VALUES ('simulate', '2026-01-01 00:00:00.000', '2026-01-01 00:00:01.000', '0.0.1', '{}')
                """)
        }
        try queue.close()
        let store = try RunStore(path: path)
        #expect(try store.count() == 1 && store.run(1).toolVersion == "0.0.1")
        #expect(try store.profiles().isEmpty)  // the v2 table exists now
        #expect(RunStore.migrationNames == ["v1-runs", "v2-profiles"])
    }
}
