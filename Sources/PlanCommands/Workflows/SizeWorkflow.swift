import Foundation
import PlanCore
import PlanReport
import PlanSim

/// `plan size`: the smallest pool per strategy for a p90 latency target; printed and plotted.
struct SizeWorkflow {
    var scenarioPath: String?
    var targetLatencyHours: Double
    var format: OutputFormat
    var seed: UInt64
    var databasePath: String?
    var plotsFolder: String?

    func run() throws {
        let source = try Inputs.scenarioSource(scenarioPath)
        let (scenario, _) = try Inputs.scenario(source, profiles: try Inputs.profiles(databasePath), database: databasePath)
        let result = PoolSizing(scenario: scenario, seed: seed, targetLatencyHours: targetLatencyHours).run()
        var written = ""
        if let folder = plotsFolder, let plot = GnuplotScript.poolSize(result) {
            written = RunNotes.plots(folder: folder, written: try PlotWriter.write([plot], to: URL(fileURLWithPath: folder)))
        }
        switch format {
        case .json: Console.out(SizeDocument.make(result).rendered() + "\n")
        case .table, .csv: Console.out(SizeTable.render(result, releaseEveryDays: scenario.schedule.releaseEveryDays) + (written.isEmpty ? "" : "\n" + written))
        }
    }
}
