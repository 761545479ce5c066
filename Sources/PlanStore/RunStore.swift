import Foundation
import GRDB
import PlanCore

/// The SQLite file every run is recorded in (DESIGN §9).
///
/// WAL mode and a busy timeout let several `plan` processes write one file at once; every run
/// is written in one transaction, so a failed or killed run leaves no partial rows.
public final class RunStore: Sendable {
    public let path: String
    let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    /// Refuses a file whose schema is newer than this build's.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.foreignKeysEnabled = true
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.isEmpty ? "." : directory, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw StoreError.cannotOpen(path: path, reason: "folder \(directory) does not exist")
        }
        try Self.refuseForeignFile(path)
        do {
            pool = try Self.retryingContention { try DatabasePool(path: path, configuration: configuration) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
            throw StoreError.notADatabase(path: path, reason: error.message ?? "file is not a database")
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: error.message ?? "\(error.resultCode)")
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
        try migrate()
    }

    /// Checked with a read-only connection before anything can write (opening a pool switches the
    /// file to WAL, which rewrites its header): an existing, non-empty file must be a SQLite
    /// database that is plan's (it has `grdb_migrations`) or has no tables yet. A corrupt file or
    /// another program's database is refused with `notADatabase` and left byte-for-byte unchanged.
    static func refuseForeignFile(_ path: String) throws {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber, size.intValue > 0 else { return }
        let tables: [String]
        do {
            tables = try readOnly(path) { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
            throw StoreError.notADatabase(path: path, reason: "\(error.message ?? "file is not a database"); plan did not change it")
        } catch {
            return  // cannot open read-only (permissions, ...): the normal open reports it
        }
        if !tables.isEmpty && !tables.contains("grdb_migrations") {
            let names = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", ..." : "")
            throw StoreError.notADatabase(
                path: path, reason: "it is another program's SQLite database (tables: \(TerminalText.excerpt(names))); plan did not change it, pass another --db")
        }
    }

    /// Runs `body` on a read-only connection to an existing file.
    static func readOnly<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read(body)
    }

    /// The machine profiles in the plan database at `path`, read without creating, migrating or
    /// writing anything: empty when the file does not exist or holds no profiles yet.
    public static func profilesReadOnly(path: String) throws -> [String: MachineProfile] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        try refuseForeignFile(path)
        do {
            return try readOnly(path) { db in
                guard try db.tableExists("profile") else { return [:] }
                return try Self.profiles(in: db)
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
            throw StoreError.notADatabase(path: path, reason: error.message ?? "file is not a database")
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    private func migrate() throws {
        let migrator = Self.migrator
        do {
            let unknown = try pool.read { db -> [String] in
                guard try db.tableExists("grdb_migrations") else { return [] }
                let applied = try migrator.appliedIdentifiers(db)
                return applied.subtracting(migrator.migrations).sorted()
            }
            if !unknown.isEmpty { throw StoreError.newerSchema(path: path, unknown: unknown) }
            try Self.migrateRacing(migrator, pool)
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
            throw StoreError.notADatabase(path: path, reason: error.message ?? "file is not a database")
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    /// Applies pending migrations. Two processes opening a new file at once can both see a
    /// migration as pending; the loser's transaction fails ("table ... already exists") and rolls
    /// back, and by then the winner's migration is committed, so the loser simply tries again.
    static func migrateRacing(_ migrator: DatabaseMigrator, _ pool: DatabasePool) throws {
        try retryingContention { try migrator.migrate(pool) }
    }

    /// Runs `body` again (up to about 5 s) when another process holds a lock that the busy
    /// timeout does not cover (switching a new file to WAL) or won a migration race.
    static func retryingContention<T>(_ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch let error as DatabaseError
                where attempt < 100
                && (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED || (error.message ?? "").contains("already exists"))
            {
                attempt += 1
                usleep(useconds_t(10_000 + (attempt * 7919) % 40_000))
            }
        }
    }

    /// Append-only, named migrations. Never edit a shipped one: add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-runs") { db in
            try db.create(table: "run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("kind", .text).notNull()
                t.column("started_at", .datetime).notNull()
                t.column("finished_at", .datetime).notNull()
                t.column("tool_version", .text).notNull()
                t.column("scenario_name", .text)
                t.column("scenario_yaml", .text)
                t.column("scenario_hash", .text)
                t.column("seed", .text)
                t.column("trials", .integer)
                t.column("machine", .text)
                t.column("document", .text).notNull()
            }
            try db.create(table: "result") { t in
                t.column("run_id", .integer).notNull().references("run", onDelete: .cascade)
                t.column("strategy", .text).notNull()
                t.column("phase", .text).notNull()
                t.column("gpu_hours", .double).notNull()
                t.column("wall_clock_hours", .double).notNull()
                t.column("cost_usd", .double).notNull()
                t.column("energy_kwh", .double).notNull()
                t.column("co2_kg", .double).notNull()
                t.column("trained_tokens", .double).notNull()
                t.primaryKey(["run_id", "strategy", "phase"])
            }
            try db.create(table: "series") { t in
                t.column("run_id", .integer).notNull().references("run", onDelete: .cascade)
                t.column("strategy", .text).notNull()
                t.column("day", .integer).notNull()
                t.column("gpu_hours", .double).notNull()
                t.column("cost_usd", .double).notNull()
                t.primaryKey(["run_id", "strategy", "day"])
            }
            try db.create(table: "measurement") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("run_id", .integer).notNull().references("run", onDelete: .cascade).indexed()
                t.column("name", .text).notNull()
                t.column("predicted_s", .double)
                t.column("measured_s", .double).notNull()
                t.column("details", .text).notNull()
            }
        }
        migrator.registerMigration("v2-profiles") { db in
            try db.create(table: "profile") { t in
                t.primaryKey("name", .text)
                t.column("run_id", .integer).references("run", onDelete: .setNull)
                t.column("created_at", .datetime).notNull()
                t.column("peak_flops_per_second", .double).notNull()
                t.column("memory_bytes_per_second", .double).notNull()
                t.column("memory_bytes", .double).notNull()
                t.column("board_watts", .double).notNull()
                t.column("details", .text).notNull()
            }
        }
        return migrator
    }

    /// Names of the migrations this build applies, in order.
    public static var migrationNames: [String] { migrator.migrations }

    /// Writes `run` and its rows in one transaction and returns its id. `document` receives the
    /// new id and returns the JSON document to store (it usually embeds the id).
    @discardableResult
    public func record(_ run: NewRun, document: (Int64) throws -> String) throws -> Int64 {
        try wrapped { try pool.write { db in try Self.insert(run, document: document, in: db) } }
    }

    /// Inserts a run and its rows inside the caller's transaction.
    static func insert(_ run: NewRun, document: (Int64) throws -> String, in db: Database) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO run (kind, started_at, finished_at, tool_version, scenario_name, scenario_yaml,
                                 scenario_hash, seed, trials, machine, document)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')
                """,
            arguments: [run.kind.rawValue, run.startedAt, run.finishedAt, run.toolVersion, run.scenarioName, run.scenarioYAML,
                        run.scenarioYAML.map(SHA256.hex), run.seed.map(String.init), run.trials, run.machine])
        let id = db.lastInsertedRowID
        try db.execute(sql: "UPDATE run SET document = ? WHERE id = ?", arguments: [try document(id), id])
        for row in run.results {
            try db.execute(
                sql: "INSERT INTO result VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [id, row.strategy, row.phase, row.gpuHours, row.wallClockHours, row.costUSD,
                            row.energyKWh, row.co2Kg, row.trainedTokens])
        }
        let statement = try db.makeStatement(sql: "INSERT INTO series VALUES (?, ?, ?, ?, ?)")
        for row in run.series {
            try statement.execute(arguments: [id, row.strategy, row.day, row.gpuHours, row.costUSD])
        }
        for row in run.measurements {
            try db.execute(
                sql: "INSERT INTO measurement (run_id, name, predicted_s, measured_s, details) VALUES (?, ?, ?, ?, ?)",
                arguments: [id, row.name, row.predictedSeconds, row.measuredSeconds, row.details])
        }
        return id
    }
}
