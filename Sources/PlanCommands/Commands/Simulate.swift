import ArgumentParser
import Foundation
import PlanCore

extension PlanCommand {
    /// `plan simulate [SCENARIO]`
    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate every strategy of a scenario: cost table, stored run, cost-curve plots.",
            discussion: "Without SCENARIO, runs the embedded default (the study's setup, arXiv 2601.16127).")

        @Argument(help: ArgumentHelp("Scenario YAML file (version: 1).", valueName: "scenario"))
        var scenario: String?

        @Option(help: "Output: table, json or csv.")
        var format: OutputFormat = .table

        @Option(help: "Monte Carlo trials over the scenario's uncertainty block (0 = none).")
        var trials: Int = 0

        @Option(help: "Seed for Poisson arrivals and Monte Carlo draws.")
        var seed: UInt64 = ScenarioDefaults.seed

        @OptionGroup var database: DatabaseOptions

        @OptionGroup var plots: PlotOptions

        func validate() throws {
            guard (0...WorkLimits.trials).contains(trials) else { throw ValidationError("--trials must be between 0 and \(WorkLimits.trials)") }
        }

        func run() throws {
            try guarded {
                try SimulationWorkflow(scenarioPath: scenario, format: format, trials: trials, seed: seed,
                                       databasePath: database.db, plotsFolder: plots.folder).run()
            }
        }
    }
}
