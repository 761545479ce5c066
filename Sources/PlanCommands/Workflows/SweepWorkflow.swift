import Foundation
import PlanCore
import PlanReport
import PlanSim
import PlanStore

/// `plan sweep`: cost growth curves over one or more fields, break-even, tornado; stored and plotted.
struct SweepWorkflow {
    var scenarioPath: String
    var ranges: [Sweep.Range]
    var tornado: Bool
    var format: OutputFormat
    var seed: UInt64
    var trials: Int = 0
    var databasePath: String?
    var plotsFolder: String?

    func run() throws {
        let started = Date()
        let ranges = self.ranges
        let trials = self.trials
        let (store, scenario, yaml) = try Inputs.scenarioAndStore(scenarioPath, database: databasePath) { scenario in
            // Unknown fields, bad values and work limits fail before any work (and before the database is opened).
            for range in ranges { try Sweep(scenario: scenario, seed: 0, trials: trials).check(range) }
        }
        if let warning = MonteCarloNote.identicalTrialsWarning(scenario, trials: trials) { Console.error(warning) }
        let sweeper = Sweep(scenario: scenario, seed: seed, trials: trials)
        var results: [Sweep.Result] = []
        for range in ranges {
            let progress = Progress("sweep \(range.field)", total: range.values.count)
            let result = try sweeper.run(range) { progress.update($0) }
            progress.finish()
            if let warning = SweepTable.saturationWarning(result) { Console.error("warning: " + warning) }
            results.append(result)
        }
        let sensitivity = tornado ? try Tornado(scenario: scenario, seed: seed).run() : nil

        var rows: [ResultRow] = []
        for result in results {
            for point in result.points {
                for entry in point.strategies {
                    let t = entry.total
                    rows.append(ResultRow(strategy: entry.kind.rawValue, phase: "\(result.range.field)=\(Self.exact(point.value))",
                                          gpuHours: t.gpuHours, wallClockHours: t.wallClockHours, costUSD: t.costUSD,
                                          energyKWh: t.energyKWh, co2Kg: t.co2Kg, trainedTokens: t.trainedTokens))
                }
            }
        }
        let run = NewRun(kind: .sweep, startedAt: started, finishedAt: Date(), toolVersion: PlanVersion.current,
                         scenarioName: scenario.name, scenarioYAML: yaml, seed: seed, trials: trials > 0 ? trials : nil, results: rows)
        let document = { (id: Int64?) in SweepDocument.make(runID: id, scenario: scenario, sweeps: results, tornado: sensitivity) }
        let id = try store.record(run) { document($0).rendered() }
        switch format {
        case .json: Console.out(document(id).rendered() + "\n")
        case .csv: Console.out(ResultCSV.sweep(document: document(id)))
        case .table: Console.out(SweepTable.render(runID: id, scenario: scenario, sweeps: results, tornado: sensitivity))
        }
        var scripts = results.map { GnuplotScript.sweep($0, title: scenario.name) }
        if let sensitivity { scripts.append(GnuplotScript.tornado(sensitivity, title: scenario.name)) }
        try Console.plotAndSummarise(scripts, folder: plotsFolder, runID: id, storePath: store.path, summary: format == .table)
    }

    /// A point's value as stored: exact (shortest round-trip text), so that two points never
    /// share a phase however close they are (NumberFormat.plain rounds to 4 digits).
    static func exact(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
