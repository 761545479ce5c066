import Foundation
import GRDB
import PlanCore

extension RunStore {
    /// The most recent runs first, optionally of one kind.
    public func list(kind: RunKind? = nil, limit: Int = 50) throws -> [RunSummary] {
        try wrapped {
            try pool.read { db in
                var sql = "SELECT id, kind, started_at, scenario_name, seed, trials FROM run"
                var arguments: StatementArguments = []
                if let kind {
                    sql += " WHERE kind = ?"
                    arguments += [kind.rawValue]
                }
                sql += " ORDER BY id DESC LIMIT ?"
                arguments += [limit]
                return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                    let id: Int64 = try row.checked("id", table: "run", row: nil)
                    let seed: String? = try row.checkedOptional("seed", table: "run", row: id)
                    return RunSummary(
                        id: id, kind: RunKind(rawValue: try row.checked("kind", table: "run", row: id)),
                        startedAt: try row.checked("started_at", table: "run", row: id),
                        scenarioName: try row.checkedOptional("scenario_name", table: "run", row: id),
                        seed: try Self.seed(seed, row: id), trials: try row.checkedOptional("trials", table: "run", row: id))
                }
            }
        }
    }

    /// A stored seed (decimal text, since UInt64 does not fit SQLite's signed integers).
    static func seed(_ text: String?, row id: Int64) throws -> UInt64? {
        guard let text else { return nil }
        guard let seed = UInt64(text) else {
            throw StoreError.badCell(table: "run", row: id, column: "seed", found: "the text '\(TerminalText.excerpt(text, limit: 40))'",
                                     expected: "UInt64")
        }
        return seed
    }

    /// The id of the newest run (of `kind`, if given).
    public func latestID(kind: RunKind? = nil) throws -> Int64? {
        try list(kind: kind, limit: 1).first?.id
    }

    /// A run with all its rows.
    public func run(_ id: Int64) throws -> StoredRun {
        try wrapped {
            try pool.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]) else {
                    throw StoreError.noSuchRun(id)
                }
                let results = try Row.fetchAll(db, sql: "SELECT rowid AS row_number, * FROM result WHERE run_id = ? ORDER BY rowid", arguments: [id]).map {
                    row -> ResultRow in
                    let n: Int64? = try? row.checked("row_number", table: "result", row: nil)
                    func cell<T: DatabaseValueConvertible>(_ column: String) throws -> T { try row.checked(column, table: "result", row: n) }
                    return ResultRow(strategy: try cell("strategy"), phase: try cell("phase"), gpuHours: try cell("gpu_hours"),
                                     wallClockHours: try cell("wall_clock_hours"), costUSD: try cell("cost_usd"),
                                     energyKWh: try cell("energy_kwh"), co2Kg: try cell("co2_kg"), trainedTokens: try cell("trained_tokens"))
                }
                let series = try Row.fetchAll(db, sql: "SELECT rowid AS row_number, * FROM series WHERE run_id = ? ORDER BY rowid", arguments: [id]).map {
                    row -> SeriesRow in
                    let n: Int64? = try? row.checked("row_number", table: "series", row: nil)
                    func cell<T: DatabaseValueConvertible>(_ column: String) throws -> T { try row.checked(column, table: "series", row: n) }
                    return SeriesRow(strategy: try cell("strategy"), day: try cell("day"), gpuHours: try cell("gpu_hours"), costUSD: try cell("cost_usd"))
                }
                let measurements = try Row.fetchAll(db, sql: "SELECT * FROM measurement WHERE run_id = ? ORDER BY id", arguments: [id]).map {
                    row -> MeasurementRow in
                    let n: Int64? = try? row.checked("id", table: "measurement", row: nil)
                    return MeasurementRow(
                        name: try row.checked("name", table: "measurement", row: n),
                        predictedSeconds: try row.checkedOptional("predicted_s", table: "measurement", row: n),
                        measuredSeconds: try row.checked("measured_s", table: "measurement", row: n),
                        details: try row.checked("details", table: "measurement", row: n))
                }
                func cell<T: DatabaseValueConvertible>(_ column: String) throws -> T { try row.checked(column, table: "run", row: id) }
                func optional<T: DatabaseValueConvertible>(_ column: String) throws -> T? { try row.checkedOptional(column, table: "run", row: id) }
                return StoredRun(
                    id: id, kind: RunKind(rawValue: try cell("kind")), startedAt: try cell("started_at"), finishedAt: try cell("finished_at"),
                    toolVersion: try cell("tool_version"), scenarioName: try optional("scenario_name"), scenarioYAML: try optional("scenario_yaml"),
                    scenarioHash: try optional("scenario_hash"), seed: try Self.seed(try optional("seed"), row: id), trials: try optional("trials"),
                    machine: try optional("machine"), document: try cell("document"), results: results, series: series,
                    measurements: measurements)
            }
        }
    }

    /// Number of runs stored.
    public func count() throws -> Int {
        try wrapped { try pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM run") ?? 0 } }
    }

    /// `PRAGMA integrity_check` result ("ok" when healthy).
    public func integrityCheck() throws -> String {
        try wrapped { try pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") ?? "" } }
    }

    func wrapped<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as StoreError { throw error } catch let error as DatabaseError {
            throw StoreError.failed(error.message ?? "\(error.resultCode)")
        }
    }
}

extension RunStore {
    /// The kind and document of run `id` in the database at `path`, read without creating,
    /// migrating or writing anything (a scenario's `quality.from_run`).
    /// - Throws: `StoreError.noSuchRun` when the file or the run does not exist.
    public static func documentReadOnly(path: String, id: Int64) throws -> (kind: RunKind, document: String) {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.noSuchRun(id) }
        return try readingExisting(path) { db in
            guard try db.tableExists("run"),
                let row = try Row.fetchOne(db, sql: "SELECT kind, document FROM run WHERE id = ?", arguments: [id])
            else { throw StoreError.noSuchRun(id) }
            let kind: String = try row.checked("kind", table: "run", row: id)
            let document: String = try row.checked("document", table: "run", row: id)
            return (RunKind(rawValue: kind), document)
        }
    }
}
