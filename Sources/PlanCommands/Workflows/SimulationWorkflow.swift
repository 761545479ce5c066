import Foundation
import PlanCore
import PlanReport
import PlanSim
import PlanStore

/// `plan simulate`: simulate, optionally Monte Carlo, store the run, print, plot.
struct SimulationWorkflow {
    var scenarioPath: String?
    var format: OutputFormat
    var trials: Int
    var seed: UInt64
    var databasePath: String?
    var plotsFolder: String?

    func run() throws {
        let started = Date()
        let (store, scenario, yaml) = try Inputs.scenarioAndStore(scenarioPath, database: databasePath) {
            try $0.checkMonteCarloWork(trials: trials)
        }
        if let warning = MonteCarloNote.identicalTrialsWarning(scenario, trials: trials) { Console.error(warning) }
        let result = Simulator(scenario: scenario).run(seed: seed)
        for warning in PoolTable.saturationWarnings(result) { Console.error("warning: " + warning) }
        var monteCarlo: MonteCarlo.Result?
        var seconds: Double?
        if trials > 0 {
            let progress = Progress("monte carlo", total: trials)
            let clock = ContinuousClock()
            let start = clock.now
            monteCarlo = MonteCarlo(scenario: scenario, trials: trials, seed: seed).run { progress.update($0) }
            let elapsed = clock.now - start
            seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            progress.finish()
        }
        let record = SimulationRecord(result: result, monteCarlo: monteCarlo)
        let run = NewRun(kind: .simulate, startedAt: started, finishedAt: Date(), toolVersion: PlanVersion.current,
                         scenarioName: scenario.name, scenarioYAML: yaml, seed: result.seed, trials: trials > 0 ? trials : nil,
                         results: record.resultRows, series: record.seriesRows)
        let document = { (id: Int64) in SimulationDocument.make(runID: id, scenario: scenario, record: record, monteCarloSeconds: seconds) }
        let id = try store.record(run) { document($0).rendered() }
        switch format {
        case .json: Console.out(document(id).rendered() + "\n")
        // The CSV reads the record back from the stored document, so it is `runs export`'s text by construction.
        case .csv: Console.out(ResultCSV.simulation(record: try SimulationRecord(document: document(id).rendered()), runID: id))
        case .table: Console.out(SimulationTable.render(runID: id, scenario: scenario, record: record, result: result))
        }
        try Console.plotAndSummarise(GnuplotScript.all(CostCurves(record: record)), folder: plotsFolder,
                                     runID: id, storePath: store.path, summary: format == .table)
    }
}
