import ArgumentParser
import Foundation
import PlanCore
import PlanSim

extension PlanCommand {
    /// `plan sweep SCENARIO --vary FIELD=A:B:STEP ...`
    struct SweepCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sweep",
            abstract: "Cost growth curves over a field, the break-even point, and a ±25% sensitivity tornado.",
            discussion: """
                Each --vary FIELD=A:B:STEP simulates the scenario at every value (same seed at each point) and reports where \
                merge first becomes cheaper than full-retrain. Fields: \(Scenario.variablePaths.joined(separator: ", ")).
                A list field names its entry: schedule.periodic[0].every_days (by index from 0), languages.en.examples (a language \
                by code), or every entry set to the same value with schedule.periodic[*].every_days or languages.*.examples. \
                Without an index (schedule.periodic.every_days) it works only when the list has one entry. The tornado moves a \
                [*] / * row by ±25% of each entry's own value.
                Example: plan sweep scenarios/paper-2601.16127.yaml --vary languages.count=1:50:1 --vary schedule.events[0].add_examples=1000:20000:1000
                """)

        @Argument(help: ArgumentHelp("Scenario YAML file.", valueName: "scenario")) var scenario: String
        @Option(name: .customLong("vary"), help: ArgumentHelp("FIELD=A:B:STEP (repeatable).", valueName: "field=a:b:step"))
        var vary: [String] = []
        @Flag(name: .customLong("no-tornado"), help: "Skip the one-at-a-time sensitivity analysis.") var noTornado = false
        @Option(help: "Output: table, json or csv.") var format: OutputFormat = .table
        @Option(help: "Seed for Poisson arrivals (the same at every point).") var seed: UInt64 = ScenarioDefaults.seed
        @Option(help: "Monte Carlo trials at every grid value (0 = none): p10/p50/p90 cost bands and the probability that the compared strategy is cheaper.")
        var trials: Int = 0
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var plots: PlotOptions

        func validate() throws {
            guard (0...WorkLimits.trials).contains(trials) else { throw ValidationError("--trials must be between 0 and \(WorkLimits.trials)") }
            if trials > 0 && vary.isEmpty { throw ValidationError("--trials needs at least one --vary FIELD=A:B:STEP") }
            if vary.isEmpty && noTornado { throw ValidationError("give at least one --vary FIELD=A:B:STEP, or drop --no-tornado") }
            var fields: Set<String> = []
            for text in vary {
                do {
                    let range = try Sweep.Range.parse(text)
                    guard fields.insert(range.field).inserted else {
                        throw ValidationError("--vary \(range.field) is given twice; vary each field once (one curve per field)")
                    }
                } catch PlanCoreError.workLimit {
                    continue  // reported by run() as invalid input (exit 65), with the limit
                } catch let error as ValidationError {
                    throw error
                } catch {
                    throw ValidationError("\(error)")
                }
            }
        }

        func run() throws {
            try guarded {
                try SweepWorkflow(scenarioPath: scenario, ranges: try vary.map(Sweep.Range.parse), tornado: !noTornado, format: format,
                                  seed: seed, trials: trials, databasePath: database.db, plotsFolder: plots.folder).run()
            }
        }
    }
}
