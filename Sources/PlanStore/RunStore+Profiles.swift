import Foundation
import GRDB
import PlanCore

/// A calibrated machine profile: measured rates that stand in for a catalog GPU
/// (`hardware: {profile: NAME}` in a scenario).
public struct MachineProfile: Sendable, Equatable {
    public var name: String
    /// The calibrate run that measured it.
    public var runID: Int64?
    public var createdAt: Date
    /// Sustained dense FLOP/s (e.g. sgemm at the validation model's shapes).
    public var peakFlopsPerSecond: Double
    /// Measured memory bandwidth.
    public var memoryBytesPerSecond: Double
    public var memoryBytes: Double
    /// Power drawn while busy (for energy figures).
    public var boardWatts: Double
    /// JSON: BLAS core, threads, build configuration, per-kernel rates.
    public var details: String

    public init(name: String, runID: Int64?, createdAt: Date, peakFlopsPerSecond: Double, memoryBytesPerSecond: Double,
                memoryBytes: Double, boardWatts: Double, details: String) {
        self.name = name
        self.runID = runID
        self.createdAt = createdAt
        self.peakFlopsPerSecond = peakFlopsPerSecond
        self.memoryBytesPerSecond = memoryBytesPerSecond
        self.memoryBytes = memoryBytes
        self.boardWatts = boardWatts
        self.details = details
    }

    /// The profile as an accelerator the cost model can use. An imported profile's `details`
    /// (`plan calibrate --import`) add the base GPU's FP8 peak, link and node size, the fitted
    /// step curve and its stack (`MachineProfile+Imported.swift`).
    public var gpuSpec: GPUSpec {
        var spec = GPUSpec(name: name, peakFlopsPerSecond: peakFlopsPerSecond, memoryBytes: memoryBytes,
                           memoryBytesPerSecond: memoryBytesPerSecond, boardWatts: boardWatts,
                           source: "machine profile \(name)" + (runID.map { " (calibrate run \($0))" } ?? ""))
        applyImportedDetails(to: &spec)
        return spec
    }
}

extension RunStore {
    /// Records a calibrate run and saves (or replaces) its profile in one transaction.
    /// Returns the run id.
    @discardableResult
    public func recordCalibration(_ run: NewRun, profile: MachineProfile, document: (Int64) throws -> String) throws -> Int64 {
        try requireWritable()
        return try wrapped {
            try pool.write { db -> Int64 in
                let id = try Self.insert(run, document: document, in: db)
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO profile (name, run_id, created_at, peak_flops_per_second, memory_bytes_per_second,
                                                        memory_bytes, board_watts, details)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [Self.text(profile.name), id, profile.createdAt, profile.peakFlopsPerSecond, profile.memoryBytesPerSecond,
                                profile.memoryBytes, profile.boardWatts, Self.text(profile.details)])
                return id
            }
        }
    }

    /// Every saved profile, by name.
    public func profiles() throws -> [String: MachineProfile] {
        try wrapped { try pool.read { db in try Self.profiles(in: db) } }
    }

    static func profiles(in db: Database) throws -> [String: MachineProfile] {
        var result: [String: MachineProfile] = [:]
        // A file from before the profile migration, opened read-only, has no profiles.
        guard try db.tableExists("profile") else { return result }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM profile") {
            let name: String = try row.checked("name", table: "profile", row: nil)
            func cell<T: DatabaseValueConvertible>(_ column: String) throws -> T { try row.checked(column, table: "profile '\(name)'", row: nil) }
            let profile = MachineProfile(
                name: name, runID: try row.checkedOptional("run_id", table: "profile '\(name)'", row: nil), createdAt: try cell("created_at"),
                peakFlopsPerSecond: try cell("peak_flops_per_second"), memoryBytesPerSecond: try cell("memory_bytes_per_second"),
                memoryBytes: try cell("memory_bytes"), boardWatts: try cell("board_watts"), details: try cell("details"))
            result[profile.name] = profile
        }
        return result
    }
}
