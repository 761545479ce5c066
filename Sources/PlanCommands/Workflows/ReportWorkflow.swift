import Foundation
import PlanCore
import PlanReport
import PlanSim
import PlanStore

/// `plan report`: rebuilds a stored simulate, sweep or sensitivity run from its scenario and seed (the
/// simulation is deterministic), checks the figures against the stored ones, and writes
/// report.md + report.html + plots.
struct ReportWorkflow {
    var runID: Int64?
    var latest: Bool
    var output: String
    var databasePath: String?

    func run() throws {
        let store = try Inputs.store(databasePath)
        let id: Int64
        if let runID {
            id = runID
        } else {
            let simulate = try store.latestID(kind: .simulate) ?? 0
            let sweep = try store.latestID(kind: .sweep) ?? 0
            let sensitivity = try store.latestID(kind: .sensitivity) ?? 0
            guard max(simulate, sweep, sensitivity) > 0 else {
                throw CommandError.missingFile("no simulate, sweep or sensitivity run in \(store.path); run plan simulate first")
            }
            id = max(simulate, sweep, sensitivity)
        }
        let stored = try store.run(id)
        guard [RunKind.simulate, .sweep, .sensitivity].contains(stored.kind), let yaml = stored.scenarioYAML else {
            throw CommandError.usage("run \(id) is a \(stored.kind) run; plan report takes a simulate, sweep or sensitivity run")
        }
        let profiles = try store.profiles().mapValues(\.gpuSpec)
        let scenario = try ScenarioLoader(catalog: try Catalog.bundled(), profiles: profiles).load(text: yaml, file: "run \(id) scenario")
        let seed = stored.seed ?? 42
        let simulation = Simulator(scenario: scenario).run(seed: seed)
        var monteCarlo: MonteCarlo.Result?
        var sensitivity: Sensitivity.Result?
        if stored.kind == .sensitivity {
            // `trials` holds the base samples; the analysis is deterministic in (scenario, samples, seed).
            let analysis = Sensitivity(scenario: scenario, baseSamples: stored.trials ?? 0, seed: seed)
            let progress = Progress("sensitivity", total: analysis.evaluations)
            sensitivity = try analysis.run { progress.update($0) }
            progress.finish()
        } else if stored.kind == .simulate, let trials = stored.trials, trials > 0 {
            let progress = Progress("monte carlo", total: trials)
            monteCarlo = MonteCarlo(scenario: scenario, trials: trials, seed: seed).run { progress.update($0) }
            progress.finish()
        }
        var sweeps: [Sweep.Result] = []
        var tornado: Tornado.Result?
        if stored.kind == .sweep {
            let (ranges, hasTornado) = Self.sweepSettings(stored.document)
            for range in ranges { sweeps.append(try Sweep(scenario: scenario, seed: seed, trials: stored.trials ?? 0).run(range)) }
            if hasTornado { tornado = try Tornado(scenario: scenario, seed: seed).run() }
        }
        let input = ReportInput(
            runID: id, kind: stored.kind.rawValue, startedAt: stored.startedAt, toolVersion: stored.toolVersion, scenario: scenario, yaml: yaml,
            seed: seed, simulation: simulation, monteCarlo: monteCarlo, sweeps: sweeps, tornado: tornado,
            calibration: try Self.latestValidation(store), consistencyWarning: Self.consistency(stored, simulation),
            sensitivity: sensitivity,
            quality: try Self.latestQuality(store))
        let (document, plots) = CapacityReport.make(input)
        let written = try ReportWriter.write(document, plots: plots, to: URL(fileURLWithPath: output))
        Console.out("report for run \(id): \(output)/report.md, \(output)/report.html (\(written.filter { $0.pathExtension == "png" }.count) plots)\n")
    }

    /// Sweep ranges and whether a tornado was drawn, from the stored document.
    static func sweepSettings(_ document: String) -> ([Sweep.Range], Bool) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any] else { return ([], false) }
        let sweeps = (object["sweeps"] as? [[String: Any]]) ?? []
        let ranges = sweeps.compactMap { sweep -> Sweep.Range? in
            guard let field = sweep["field"] as? String, let from = (sweep["from"] as? NSNumber)?.doubleValue,
                let to = (sweep["to"] as? NSNumber)?.doubleValue, let step = (sweep["step"] as? NSNumber)?.doubleValue
            else { return nil }
            return Sweep.Range(field: field, from: from, to: to, step: step)
        }
        return (ranges, object["tornado"] != nil)
    }

    /// A note when the rebuilt totals differ from the stored ones (another plan version).
    static func consistency(_ stored: StoredRun, _ simulation: SimulationResult) -> String? {
        guard stored.kind == .simulate else { return nil }
        for row in stored.results where row.phase == "total" {
            guard let outcome = simulation.strategies.first(where: { $0.kind.rawValue == row.strategy }) else { continue }
            let now = outcome.total.costUSD
            if abs(now - row.costUSD) > 1e-6 * max(1, abs(row.costUSD)) {
                return "this report was rebuilt with plan \(PlanVersion.current); the run was stored by plan \(stored.toolVersion) and "
                    + "its \(row.strategy) total was \(NumberFormat.dollars(row.costUSD)) (now \(NumberFormat.dollars(now)))."
            }
        }
        return nil
    }

    /// The quality table of the newest validate run that has one, if any.
    static func latestQuality(_ store: RunStore) throws -> ValidationQuality? {
        guard let id = try store.latestID(kind: .validate) else { return nil }
        return ValidationQuality.parse(runID: id, document: try store.run(id).document)
    }

    /// Predicted vs measured rows of the newest validate run, if any.
    static func latestValidation(_ store: RunStore) throws -> (runID: Int64, rows: [(name: String, predicted: Double, measured: Double)])? {
        guard let id = try store.latestID(kind: .validate) else { return nil }
        let rows = try store.run(id).measurements.compactMap { row -> (name: String, predicted: Double, measured: Double)? in
            guard let predicted = row.predictedSeconds, row.measuredSeconds > 0 else { return nil }
            return (row.name, predicted, row.measuredSeconds)
        }
        return (id, rows)
    }
}
