import Foundation
import GRDB

/// A one-line summary of a stored run, for `plan runs list`.
public struct RunSummary: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var startedAt: Date
    public var scenarioName: String?
    public var seed: UInt64?
    public var trials: Int?
}

extension RunStore {
    /// The most recent runs first, optionally of one kind.
    public func list(kind: String? = nil, limit: Int = 50) throws -> [RunSummary] {
        try wrapped {
            try pool.read { db in
                var sql = "SELECT id, kind, started_at, scenario_name, seed, trials FROM run"
                var arguments: StatementArguments = []
                if let kind {
                    sql += " WHERE kind = ?"
                    arguments += [kind]
                }
                sql += " ORDER BY id DESC LIMIT ?"
                arguments += [limit]
                return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                    RunSummary(id: row["id"], kind: row["kind"], startedAt: row["started_at"], scenarioName: row["scenario_name"],
                               seed: (row["seed"] as String?).flatMap { UInt64($0) }, trials: row["trials"])
                }
            }
        }
    }

    /// The id of the newest run (of `kind`, if given).
    public func latestID(kind: String? = nil) throws -> Int64? {
        try list(kind: kind, limit: 1).first?.id
    }

    /// A run with all its rows.
    public func run(_ id: Int64) throws -> StoredRun {
        try wrapped {
            try pool.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]) else {
                    throw StoreError.noSuchRun(id)
                }
                let results = try Row.fetchAll(db, sql: "SELECT * FROM result WHERE run_id = ? ORDER BY rowid", arguments: [id]).map {
                    ResultRow(strategy: $0["strategy"], phase: $0["phase"], gpuHours: $0["gpu_hours"], wallClockHours: $0["wall_clock_hours"],
                              costUSD: $0["cost_usd"], energyKWh: $0["energy_kwh"], co2Kg: $0["co2_kg"], trainedTokens: $0["trained_tokens"])
                }
                let series = try Row.fetchAll(db, sql: "SELECT * FROM series WHERE run_id = ? ORDER BY rowid", arguments: [id]).map {
                    SeriesRow(strategy: $0["strategy"], day: $0["day"], gpuHours: $0["gpu_hours"], costUSD: $0["cost_usd"])
                }
                let measurements = try Row.fetchAll(db, sql: "SELECT * FROM measurement WHERE run_id = ? ORDER BY id", arguments: [id]).map {
                    MeasurementRow(name: $0["name"], predictedSeconds: $0["predicted_s"], measuredSeconds: $0["measured_s"], details: $0["details"])
                }
                return StoredRun(
                    id: id, kind: row["kind"], startedAt: row["started_at"], finishedAt: row["finished_at"], toolVersion: row["tool_version"],
                    scenarioName: row["scenario_name"], scenarioYAML: row["scenario_yaml"], scenarioHash: row["scenario_hash"],
                    seed: (row["seed"] as String?).flatMap { UInt64($0) }, trials: row["trials"], machine: row["machine"],
                    document: row["document"], results: results, series: series, measurements: measurements)
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
