import Foundation
import PlanCore
import PlanReport
import PlanSim
import PlanStore

/// `plan sensitivity`: Sobol indices over the uncertainty block; stored (kind sensitivity) and plotted.
struct SensitivityWorkflow {
    var scenarioPath: String
    var baseSamples: Int
    var seed: UInt64
    var format: OutputFormat
    var databasePath: String?
    var plotsFolder: String?

    func run() throws {
        let started = Date()
        let baseSamples = self.baseSamples
        let seed = self.seed
        let (store, scenario, yaml) = try Inputs.scenarioAndStore(scenarioPath, database: databasePath) {
            try Sensitivity(scenario: $0, baseSamples: baseSamples, seed: seed).check()
        }
        let analysis = Sensitivity(scenario: scenario, baseSamples: baseSamples, seed: seed)
        let progress = Progress("sensitivity", total: analysis.evaluations)
        let clock = ContinuousClock()
        let start = clock.now
        let result = try analysis.run { progress.update($0) }
        let elapsed = clock.now - start
        progress.finish()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let run = NewRun(kind: .sensitivity, startedAt: started, finishedAt: Date(), toolVersion: PlanVersion.current,
                         scenarioName: scenario.name, scenarioYAML: yaml, seed: seed, trials: baseSamples)
        let document = { (id: Int64?) in SensitivityDocument.make(runID: id, scenario: scenario, seed: seed, result: result, seconds: seconds) }
        let id = try store.record(run) { document($0).rendered() }
        switch format {
        case .json: Console.out(document(id).rendered() + "\n")
        case .csv: Console.out(ResultCSV.sensitivity(document: document(id)))
        case .table: Console.out(SensitivityTable.render(runID: id, scenario: scenario, result: result))
        }
        try Console.plotAndSummarise(GnuplotScript.sensitivity(result, title: scenario.name), folder: plotsFolder,
                                     runID: id, storePath: store.path, summary: format == .table)
    }
}
