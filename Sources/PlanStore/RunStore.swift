import Foundation
import GRDB
import PlanCore

/// The SQLite file every run is recorded in (DESIGN §9).
///
/// WAL mode and a busy timeout let several `plan` processes write one file at once; every run
/// is written in one transaction, so a failed or killed run leaves no partial rows.
public final class RunStore: Sendable {
    public let path: String
    public let access: Access
    let pool: any DatabaseWriter

    /// Opens the database at `path` and, for `readWrite`, creates it if needed and applies
    /// pending migrations; `readOnly` opens an existing file without writing to it (a missing one
    /// is `StoreError.noDatabase`). Before anything is read, the path must be a regular file and
    /// its schema exactly the one plan's migrations create (`refuseForeignFile`); a file whose
    /// schema is newer than this build's is refused.
    public init(path: String, access: Access = .readWrite) throws {
        self.path = path
        self.access = access
        try Self.refuseNonRegularFile(path)
        if access == .readOnly {
            guard FileManager.default.fileExists(atPath: path) else { throw StoreError.noDatabase(path: path) }
        } else {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.isEmpty ? "." : directory, isDirectory: &isDirectory),
                isDirectory.boolValue
            else {
                throw StoreError.cannotOpen(path: path, reason: "folder \(directory) does not exist")
            }
        }
        try Self.refuseForeignFile(path)
        do {
            if access == .readOnly {
                pool = try DatabaseQueue(path: path, configuration: Self.queryOnlyConfiguration(path))
            } else {
                pool = try Self.retryingContention { try DatabasePool(path: path, configuration: Self.configuration(readonly: false)) }
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
            throw StoreError.notADatabase(path: path, reason: error.message ?? "file is not a database")
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: error.message ?? "\(error.resultCode)")
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
        if access == .readWrite { try migrate() }
    }

    /// Checked with a read-only connection before anything can write (opening a pool switches the
    /// file to WAL, which rewrites its header): an existing, non-empty file must be a SQLite
    /// database whose schema is exactly what plan's applied migrations create (`checkSchema`:
    /// no trigger, view, extra table or altered column), or have no schema yet. Only
    /// `sqlite_master` and the migration table are read. A corrupt file, another program's
    /// database or a modified schema is refused with `notADatabase` and left byte-for-byte unchanged.
    static func refuseForeignFile(_ path: String) throws {
        try refuseNonRegularFile(path)
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber, size.intValue > 0 else { return }
        let sideFilesBefore = sideFiles(path).map { FileManager.default.fileExists(atPath: $0) }
        do {
            // Another process switching a new file to WAL holds a lock the busy timeout does not cover.
            try retryingContention { try readOnly(path) { db in try checkSchema(db, path: path) } }
        } catch let error as StoreError {
            removeCheckLeftovers(path, existedBefore: sideFilesBefore)
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
            removeCheckLeftovers(path, existedBefore: sideFilesBefore)
            throw StoreError.notADatabase(path: path, reason: "\(error.message ?? "file is not a database"); plan did not change it")
        } catch let error as DatabaseError {
            // Never open a file whose schema could not be checked.
            throw StoreError.cannotOpen(path: path, reason: "\(error.message ?? "\(error.resultCode)") while checking its schema")
        }
    }

    /// Runs `body` on a read-only connection to an existing file.
    static func readOnly<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        let queue = try DatabaseQueue(path: path, configuration: configuration(readonly: true))
        defer { try? queue.close() }
        return try queue.read(body)
    }

    /// The machine profiles in the plan database at `path`, read without creating, migrating or
    /// writing anything: empty when the file does not exist or holds no profiles yet.
    public static func profilesReadOnly(path: String) throws -> [String: MachineProfile] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        return try readingExisting(path) { db in
            guard try db.tableExists("profile") else { return [:] }
            return try Self.profiles(in: db)
        }
    }

    /// Runs `body` on a read-only connection to the existing plan database at `path` after its
    /// schema check, with SQLite's errors as `StoreError`s (the read-only readers' one path).
    static func readingExisting<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        try refuseForeignFile(path)
        do {
            return try readOnly(path, body)
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
    static func migrateRacing(_ migrator: DatabaseMigrator, _ pool: any DatabaseWriter) throws {
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
    /// new id and returns the JSON document to store (it usually embeds the id). `beforeCommit`
    /// runs last inside the transaction: when it throws, nothing is stored (`plan merge`
    /// publishes its output folder there, so a run is stored exactly when its output exists).
    @discardableResult
    public func record(_ run: NewRun, document: (Int64) throws -> String, beforeCommit: () throws -> Void = {}) throws -> Int64 {
        try requireWritable()
        return try wrapped {
            try pool.write { db in
                let id = try Self.insert(run, document: document, in: db)
                try beforeCommit()
                return id
            }
        }
    }

    /// Inserts a run and its rows inside the caller's transaction.
    static func insert(_ run: NewRun, document: (Int64) throws -> String, in db: Database) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO run (kind, started_at, finished_at, tool_version, scenario_name, scenario_yaml,
                                 scenario_hash, seed, trials, machine, document)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')
                """,
            arguments: [text(run.kind.rawValue), run.startedAt, run.finishedAt, text(run.toolVersion), text(run.scenarioName),
                        text(run.scenarioYAML), run.scenarioYAML.map(SHA256.hex), run.seed.map(String.init), run.trials, text(run.machine)])
        let id = db.lastInsertedRowID
        try db.execute(sql: "UPDATE run SET document = ? WHERE id = ?", arguments: [text(try document(id)), id])
        for row in run.results {
            try db.execute(
                sql: "INSERT INTO result VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [id, text(row.strategy), text(row.phase), row.gpuHours, row.wallClockHours, row.costUSD,
                            row.energyKWh, row.co2Kg, row.trainedTokens])
        }
        let statement = try db.makeStatement(sql: "INSERT INTO series VALUES (?, ?, ?, ?, ?)")
        for row in run.series {
            try statement.execute(arguments: [id, text(row.strategy), row.day, row.gpuHours, row.costUSD])
        }
        for row in run.measurements {
            try db.execute(
                sql: "INSERT INTO measurement (run_id, name, predicted_s, measured_s, details) VALUES (?, ?, ?, ?, ?)",
                arguments: [id, text(row.name), row.predictedSeconds, row.measuredSeconds, text(row.details)])
        }
        return id
    }

    /// Text as it is stored: SQLite's text binding ends at the first NUL, so text holding one
    /// (a scenario named `"a\0b"`) is stored as its UTF-8 bytes in a BLOB, which `Row.checked`
    /// reads back as the same String. Every other text is stored as TEXT.
    static func text(_ value: String?) -> DatabaseValue {
        guard let value else { return .null }
        return value.utf8.contains(0) ? Data(value.utf8).databaseValue : value.databaseValue
    }
}
