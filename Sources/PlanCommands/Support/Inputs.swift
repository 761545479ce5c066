import Foundation
import PlanCore
import PlanReport
import PlanSim
import PlanStore

/// Reading user files and opening the run database.
enum Inputs {
    /// The bytes of a user file, at most `limit` of them: missing → exit 66, a folder → exit 66,
    /// longer than `limit` → exit 65 (read no further than that, so `/dev/zero` ends too).
    static func read(_ path: String, limit: Int) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw CommandError.missingFile(path) }
        guard !isDirectory.boolValue else { throw CommandError.unreadableFile(path, "it is a folder, not a file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CommandError.unreadableFile(path, "permission denied")
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: limit + 1) ?? Data() } catch {
            throw CommandError.unreadableFile(path, "\(error.localizedDescription)")
        }
        guard data.count <= limit else {
            throw PlanCoreError.workLimit("\(path): the file is larger than the limit of \(limit >> 20) MiB")
        }
        return data
    }

    /// A Hugging Face `config.json` (or plan's own architecture export) as an architecture named
    /// after the file: missing → exit 66, unreadable as a dense decoder → exit 65.
    static func modelConfig(_ path: String) throws -> ModelArchitecture {
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try ModelArchitecture.read(try read(path, limit: WorkLimits.modelConfigBytes), file: path, name: name)
    }

    /// A scenario from a file, or the embedded default when `path` is nil. Returns the scenario
    /// and its YAML text.
    static func scenario(_ path: String?, profiles: [String: GPUSpec] = [:]) throws -> (Scenario, String) {
        try scenario(try scenarioSource(path), profiles: profiles)
    }

    /// A scenario file's bytes (or the embedded default's) and the name diagnostics use. Read
    /// first, so that a missing file is reported before anything (such as the database) is created.
    static func scenarioSource(_ path: String?) throws -> (data: Data, file: String) {
        if let path { return (try read(path, limit: WorkLimits.scenarioBytes), path) }
        let name = Catalog.defaultScenarioName
        return (Data(try Catalog.scenarioText(name).utf8), "\(name) (embedded)")
    }

    /// Validates a scenario source against the catalogs and `profiles`.
    /// `quality.from_run` reads its run from `database` (the `--db` option; nil → the default).
    static func scenario(_ source: (data: Data, file: String), profiles: [String: GPUSpec], database: String? = nil) throws -> (Scenario, String) {
        // `model: {hf_config: PATH}` is relative to the scenario file's folder.
        let base = FileManager.default.fileExists(atPath: source.file) ? URL(fileURLWithPath: source.file).deletingLastPathComponent() : nil
        let loader = ScenarioLoader(catalog: try Catalog.bundled(), profiles: profiles, baseDirectory: base)
        var scenario = try loader.load(data: source.data, file: source.file)
        try resolveMeasuredRetention(&scenario, file: source.file, database: database)
        try checkServing(scenario, file: source.file)
        return (scenario, String(decoding: source.data, as: UTF8.self))
    }

    /// Fills `quality.measured` from the stored `plan quality` run `quality.from_run` names.
    static func resolveMeasuredRetention(_ scenario: inout Scenario, file: String, database: String?) throws {
        guard let id = scenario.quality.fromRun else { return }
        let path = databasePath(database)
        func fail(_ message: String) -> ScenarioDiagnostics {
            ScenarioDiagnostics(file: file, diagnostics: [Diagnostic(path: "quality.from_run", message: message)])
        }
        let stored: (kind: RunKind, document: String)
        do {
            stored = try RunStore.documentReadOnly(path: path, id: id)
        } catch StoreError.noSuchRun {
            throw fail("no run \(id) in \(path); run plan quality first, or give quality.retention")
        }
        guard stored.kind == .quality else { throw fail("run \(id) is a \(stored.kind) run; from_run reads a plan quality run") }
        guard let measured = MeasuredRetention.of(document: stored.document) else {
            throw fail("run \(id) holds no merge retention to read")
        }
        scenario.quality.measured = measured
    }

    /// Refuses a `serving:` block whose model no serving replica can hold (every command then
    /// prices serving without failing).
    static func checkServing(_ scenario: Scenario, file: String) throws {
        do {
            _ = try ServingPlan.figures(scenario)
        } catch {
            throw ScenarioDiagnostics(file: file, diagnostics: [Diagnostic(path: "serving", message: "\(error)")])
        }
    }

    /// The run database and a scenario validated against the machine profiles stored in it. The
    /// scenario is read and validated before the database is opened for writing (profiles come
    /// from a read-only open), so a missing or invalid scenario creates nothing, and a bad `--db`
    /// cannot hide the scenario's diagnostics.
    /// `check` runs on the valid scenario before the database is opened (work limits).
    static func scenarioAndStore(_ path: String?, database: String?, check: (Scenario) throws -> Void = { _ in })
        throws -> (store: RunStore, scenario: Scenario, yaml: String)
    {
        let source = try scenarioSource(path)
        // A database that cannot be read gives no profiles here; its own error comes when it is opened.
        let profiles = (try? RunStore.profilesReadOnly(path: databasePath(database)))?.mapValues(\.gpuSpec) ?? [:]
        let (scenario, yaml) = try scenario(source, profiles: profiles, database: database)
        try check(scenario)
        let store = try store(database)
        return (store, scenario, yaml)
    }

    /// `--db`, else `PLAN_DB`, else `plan-runs.sqlite` in the working directory.
    static func databasePath(_ option: String?) -> String {
        if let option, !option.isEmpty { return option }
        if let environment = ProcessInfo.processInfo.environment["PLAN_DB"], !environment.isEmpty { return environment }
        return "plan-runs.sqlite"
    }

    /// The run database for a command that stores runs: created and migrated when needed.
    static func store(_ option: String?) throws -> RunStore {
        try RunStore(path: databasePath(option))
    }

    /// The run database for a command that only reads runs (`runs`, `report`): never created
    /// or written; a missing file exits 66.
    static func readOnlyStore(_ option: String?) throws -> RunStore {
        try RunStore(path: databasePath(option), access: .readOnly)
    }

    /// Machine profiles saved by `plan calibrate` in the database, if it exists.
    static func profiles(_ option: String?) throws -> [String: GPUSpec] {
        let path = databasePath(option)
        return try RunStore.profilesReadOnly(path: path).mapValues(\.gpuSpec)
    }
}
