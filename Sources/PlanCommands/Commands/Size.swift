import ArgumentParser
import Foundation
import PlanCore

extension PlanCommand {
    /// `plan size [SCENARIO] --target-latency-hours H`
    struct Size: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The cheapest GPUs per job and GPU pool at which each strategy keeps p90 update latency within a target.",
            discussion: """
                With gpus_per_job: auto, tries every launch count from the memory minimum through whole nodes (1, 2, 4, 8, \
                then 16, 24, ... on 8-GPU nodes; an explicit gpus_per_job is kept). For each, plans the strategy once (same \
                seed, so the same arrivals at every size) and searches pool sizes from its widest job upwards (doubling, then \
                bisection); the cheapest configuration meeting the target wins (busy GPU-hours on demand, the pool under \
                reserved pricing). Latency runs from a data arrival to the deployed model that \
                includes it; the initial build is not an update. With hardware.pricing: reserved, the pool's cost for the \
                horizon is shown too. Nothing is stored (--db is read for machine profiles only). Example: plan size --target-latency-hours 24
                """)

        @Argument(help: ArgumentHelp("Scenario YAML file (default: the embedded study scenario).", valueName: "scenario"))
        var scenario: String?

        @Option(name: .customLong("target-latency-hours"), help: ArgumentHelp("p90 update latency to meet, in hours.", valueName: "h"))
        var targetLatencyHours: Double

        @Option(help: "table or json.")
        var format: TableOrJSON = .table

        @Option(help: "Seed for Poisson arrivals (the same at every pool size).")
        var seed: UInt64 = ScenarioDefaults.seed

        @OptionGroup var database: DatabaseOptions

        @OptionGroup var plots: PlotOptions

        func validate() throws {
            guard targetLatencyHours.isFinite, targetLatencyHours > 0 else {
                throw ValidationError("--target-latency-hours must be a positive number of hours, got \(targetLatencyHours)")
            }
        }

        func run() throws {
            try guarded {
                try SizeWorkflow(scenarioPath: scenario, targetLatencyHours: targetLatencyHours, format: format.output, seed: seed,
                                 databasePath: database.db, plotsFolder: plots.folder).run()
            }
        }
    }
}
