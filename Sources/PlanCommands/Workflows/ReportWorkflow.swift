import Foundation
import PlanCore
import PlanReport
import PlanSim
import PlanStore

/// `plan report`: reads a stored simulate, sweep or sensitivity run's results (its JSON document
/// as typed records, and the series rows of a simulation) and writes report.md + report.html +
/// plots from them. The scenario is loaded from the stored YAML for the assumptions; a simulate
/// run's deterministic figures are re-simulated once as a check (a note when they differ).
struct ReportWorkflow {
    var runID: Int64?
    var latest: Bool
    var output: String
    var databasePath: String?

    static let kinds: [RunKind] = [.simulate, .sweep, .sensitivity]

    func run() throws {
        let store = try Inputs.readOnlyStore(databasePath)
        let id: Int64
        if let runID {
            id = runID
        } else {
            let newest = try Self.kinds.compactMap { try store.latestID(kind: $0) }.max()
            guard let newest else { throw CommandError.missingFile("no simulate, sweep or sensitivity run in \(store.path); run plan simulate first") }
            id = newest
        }
        let stored = try store.run(id)
        if stored.kind == .quality { return try QualityReportWorkflow.write(stored, output: output) }
        guard Self.kinds.contains(stored.kind), let yaml = stored.scenarioYAML else {
            throw CommandError.usage("run \(id) is a \(stored.kind) run; plan report takes a simulate, sweep, sensitivity or quality run")
        }
        let profiles = try store.profiles().mapValues(\.gpuSpec)
        var loader = ScenarioLoader(catalog: try Catalog.bundled(), profiles: profiles)
        loader.storedModel = ArchitectureRecord.stored(in: stored.document)
        let scenario = try loader.load(text: yaml, file: "run \(id) scenario")
        let seed = stored.seed ?? ScenarioDefaults.seed
        let validation = try Self.latestValidation(store)
        var input = ReportInput(
            runID: id, kind: stored.kind.rawValue, startedAt: stored.startedAt, toolVersion: stored.toolVersion, scenario: scenario, yaml: yaml,
            seed: seed, simulation: nil, calibration: validation?.residuals, consistencyWarning: nil, quality: validation?.quality)
        do {
            try Self.read(stored, into: &input, scenario: scenario, seed: seed)
        } catch let ReportError.unreadableRun(reason) {
            throw ReportError.unreadableRun(reason: "run \(id) (stored by plan \(stored.toolVersion)): \(reason); "
                + "run plan \(stored.kind) on its scenario again (plan runs show \(id) prints it) and report the new run")
        }
        let (document, plots) = CapacityReport.make(input)
        let written = try ReportWriter.write(document, plots: plots, to: URL(fileURLWithPath: output))
        Console.out("report for run \(id): \(output)/report.md, \(output)/report.html (\(written.filter { $0.pathExtension == "png" }.count) plots, "
            + "embedded in the HTML)\n")
    }

    /// The run's stored results into `input`: typed records decoded from its document.
    static func read(_ stored: StoredRun, into input: inout ReportInput, scenario: Scenario, seed: UInt64) throws {
        switch stored.kind {
        case .simulate:
            let record = try SimulationRecord(document: stored.document).withSeries(Self.series(stored.series))
            input.simulation = record
            input.consistencyWarning = Self.consistency(record, Simulator(scenario: scenario).run(seed: seed), stored: stored)
        case .sweep:
            let run = try SweepRunRecord(document: stored.document)
            input.sweeps = run.sweeps
            input.tornado = run.tornado
        default:
            input.sensitivity = try SensitivityRecord(document: stored.document)
        }
    }

    /// The stored series rows per strategy.
    static func series(_ rows: [SeriesRow]) -> [String: [DailyPoint]] {
        Dictionary(grouping: rows, by: \.strategy).mapValues { rows in
            rows.sorted { $0.day < $1.day }.map { DailyPoint(day: $0.day, gpuHours: $0.gpuHours, costUSD: $0.costUSD) }
        }
    }

    /// A note when re-simulating the stored scenario gives other totals than the run stored
    /// (another plan version); the report shows the stored ones.
    static func consistency(_ record: SimulationRecord, _ simulation: SimulationResult, stored: StoredRun) -> String? {
        for row in record.strategies {
            guard let outcome = simulation.strategies.first(where: { $0.kind.rawValue == row.name }) else { continue }
            let now = outcome.total.costUSD
            if abs(now - row.total.costUSD) > 1e-6 * max(1, abs(row.total.costUSD)) {
                return "this report shows the figures run \(stored.id) stored (plan \(stored.toolVersion)); re-simulating its scenario with plan "
                    + "\(PlanVersion.current) gives a \(row.name) total of \(NumberFormat.dollars(now)) instead of \(NumberFormat.dollars(row.total.costUSD))."
            }
        }
        return nil
    }

    /// The newest validate run, read once: its predicted vs measured rows and its quality table
    /// (when it has one); nil without a validate run.
    static func latestValidation(_ store: RunStore) throws
        -> (residuals: (runID: Int64, rows: [(name: String, predicted: Double, measured: Double)]), quality: ValidationQuality?)? {
        guard let id = try store.latestID(kind: .validate) else { return nil }
        let run = try store.run(id)
        let rows = run.measurements.compactMap { row -> (name: String, predicted: Double, measured: Double)? in
            guard let predicted = row.predictedSeconds, row.measuredSeconds > 0 else { return nil }
            return (row.name, predicted, row.measuredSeconds)
        }
        return ((id, rows), ValidationQuality.parse(runID: id, document: run.document))
    }
}
