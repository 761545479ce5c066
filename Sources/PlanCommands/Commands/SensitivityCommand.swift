import ArgumentParser
import Foundation
import PlanCore

extension PlanCommand {
    /// `plan sensitivity SCENARIO [--trials N] [--seed S] [--format table|json|csv]`
    struct SensitivityCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sensitivity",
            abstract: "Variance-based (Sobol) sensitivity of each strategy's cost and cost gap to the scenario's uncertain inputs.",
            discussion: """
                Saltelli sampling over the uncertainty block (and the Poisson arrivals, when the schedule has them): \
                N base samples cost N × (inputs + 2) simulations. Prints first-order (S1) and total-effect (ST) indices with \
                95% bootstrap intervals, stores the run (kind sensitivity) and plots the indices.
                Example: plan sensitivity scenarios/fifty-languages.yaml --trials 4096
                """)

        @Argument(help: ArgumentHelp("Scenario YAML file with an uncertainty block.", valueName: "scenario")) var scenario: String
        @Option(help: "Base samples N (simulations: N × (inputs + 2)).") var trials: Int = 1024
        @Option(help: "Seed for the sample matrices, the Poisson arrivals and the bootstrap.") var seed: UInt64 = ScenarioDefaults.seed
        @Option(help: "Output: table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var plots: PlotOptions

        func validate() throws {
            guard (2...WorkLimits.trials).contains(trials) else { throw ValidationError("--trials must be between 2 and \(WorkLimits.trials) base samples") }
        }

        func run() throws {
            try guarded {
                try SensitivityWorkflow(scenarioPath: scenario, baseSamples: trials, seed: seed, format: format,
                                        databasePath: database.db, plotsFolder: plots.folder).run()
            }
        }
    }
}
