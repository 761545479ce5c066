import Foundation
import PlanCore
import PlanKernels
import PlanReport
import PlanStore

/// Storage of runs that measured one thing: `plan merge` and the `plan bench` commands.
enum MeasurementRecording {
    /// The machine a measurement ran on: OpenBLAS core, threads and build, merge kernels.
    static func machine(blas: BLASInfo = .current(), kernels: MergeKernels = .fastest) -> JSONValue {
        MeasurementDocument.machine(blasCore: blas.coreName, threads: blas.threads, blasConfig: blas.config, mergeKernels: kernels.rawValue)
    }

    /// Records a run of `kind` with one measurement (`name`, `seconds`, `details`) in one
    /// transaction; the stored document is `document(id)`. Returns the run id. `store` is the
    /// database already opened (else `database` is opened now); `beforeCommit` runs inside the
    /// transaction, which it can still abort.
    static func store(
        kind: RunKind, name: String, seconds: Double, details: JSONValue, seed: UInt64?, started: Date,
        database: String?, store: RunStore? = nil, machine: JSONValue = machine(), beforeCommit: () throws -> Void = {},
        document: (Int64) -> JSONValue
    ) throws -> Int64 {
        let run = NewRun(
            kind: kind, startedAt: started, finishedAt: Date(), toolVersion: PlanVersion.current, seed: seed,
            machine: machine.rendered(pretty: false),
            measurements: [
                MeasurementRow(name: name, predictedSeconds: nil, measuredSeconds: seconds, details: details.rendered(pretty: false))
            ])
        return try (store ?? Inputs.store(database)).record(run, document: { document($0).rendered() }, beforeCommit: beforeCommit)
    }

    /// Opens (creating or migrating) the database before a long measurement, so an unwritable
    /// path fails in a second, not after the benchmark.
    static func checkStore(_ database: String?) throws {
        _ = try Inputs.store(database)
    }

    /// Stores a benchmark as a run of kind `bench` and prints it: the JSON document with its
    /// `run_id` first, or the table and the run id.
    static func storeAndPrint(
        benchmark name: String, seconds: Double, json: JSONValue, table: String, format: OutputFormat, seed: UInt64?,
        started: Date, database: String?, kernels: MergeKernels = .fastest
    ) throws {
        let id = try store(
            kind: .bench, name: name, seconds: seconds, details: json, seed: seed, started: started, database: database,
            machine: machine(kernels: kernels)
        ) { MeasurementDocument.withRunID(json, $0) }
        Console.out(format == .json ? MeasurementDocument.withRunID(json, id).rendered() + "\n"
            : table + RunNotes.storedAs(runID: id, path: Inputs.databasePath(database)))
    }
}
