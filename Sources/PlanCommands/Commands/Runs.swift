import ArgumentParser
import Foundation
import PlanCore
import PlanReport
import PlanSim
import PlanStore

extension PlanCommand {
    /// `plan runs list | show ID | export ID --format json|csv`
    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read stored runs back.",
            subcommands: [List.self, Show.self, Compare.self, Export.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List stored runs, newest first.")
            @OptionGroup var database: DatabaseOptions
            @Option(help: "Only runs of this kind (simulate, merge, ...).") var kind: String?
            @Option(help: "At most this many runs.") var limit: Int = 50
            @Option(help: "table, json or csv.") var format: OutputFormat = .table
            func run() throws {
                try guarded {
                    let runs = try Inputs.readOnlyStore(database.db).list(kind: kind.map(RunKind.init(rawValue:)), limit: max(1, limit))
                    switch format {
                    case .table: Console.out(RunOutput.listTable(runs))
                    case .json: Console.out(RunOutput.listJSON(runs).rendered() + "\n")
                    case .csv: Console.out(RunOutput.listCSV(runs))
                    }
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show one run: identity, results, Monte Carlo percentiles, sweep points, inputs and measurements.",
                discussion: "json: everything stored (scenario YAML, machine, results, series, measurements, the run's document); csv: as runs export.")
            @OptionGroup var database: DatabaseOptions
            @Argument(help: "Run id.") var id: Int64
            @Option(help: "table, json or csv.") var format: OutputFormat = .table
            func run() throws {
                try guarded {
                    let run = try Inputs.readOnlyStore(database.db).run(id)
                    switch format {
                    case .table: Console.out(RunOutput.showTable(run))
                    case .json: Console.out(RunOutput.showJSON(run).rendered() + "\n")
                    case .csv: Console.out(ResultCSV.run(run))
                    }
                }
            }
        }

        struct Compare: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Compare two runs: the inputs that differ, and how the results moved.")
            @OptionGroup var database: DatabaseOptions
            @Argument(help: "First run id.") var first: Int64
            @Argument(help: "Second run id.") var second: Int64
            @Option(help: "table, json or csv (csv: one row per strategy, phase and figure).") var format: OutputFormat = .table
            func run() throws {
                try guarded {
                    let store = try Inputs.readOnlyStore(database.db)
                    let catalog = try Catalog.bundled()
                    let profiles = try store.profiles().mapValues(\.gpuSpec)
                    func side(_ id: Int64) throws -> RunComparison.Side {
                        let run = try store.run(id)
                        var assumptions: [Assumption] = []
                        var strategies: [(strategy: String, figures: [(name: String, value: Double)])] = []
                        if let yaml = run.scenarioYAML,
                            let scenario = try? ScenarioLoader(catalog: catalog, profiles: profiles).load(text: yaml, file: "run \(id)")
                        {
                            assumptions = scenario.assumptions(yaml: yaml)
                            if run.kind == .simulate, let record = try? SimulationRecord(document: run.document) {
                                strategies = zip(record.strategies, PoolTable.pools(record, scenario: scenario)).map { strategy, pool in
                                    (strategy.name, RunComparison.strategyFigures(strategy, pool: pool.pool))
                                }
                            }
                        }
                        return RunComparison.Side(
                            id: id, kind: run.kind, scenarioName: run.scenarioName ?? "-", assumptions: assumptions,
                            results: run.results,
                            strategies: strategies)
                    }
                    let (a, b) = (try side(first), try side(second))
                    switch format {
                    case .table: Console.out(RunComparison.render(a, b))
                    case .json: Console.out(RunComparison.json(a, b).rendered() + "\n")
                    case .csv: Console.out(RunComparison.csv(a, b))
                    }
                }
            }
        }

        struct Export: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Export one run: json (the document its command printed), csv (results per strategy and phase, or its measurements) or table (as runs show).")
            @OptionGroup var database: DatabaseOptions
            @Argument(help: "Run id.") var id: Int64
            @Option(help: "json, csv or table.") var format: OutputFormat = .json
            func run() throws {
                try guarded {
                    let run = try Inputs.readOnlyStore(database.db).run(id)
                    switch format {
                    case .json: Console.out(run.document + "\n")
                    case .csv: Console.out(ResultCSV.run(run))
                    case .table: Console.out(RunOutput.showTable(run))
                    }
                }
            }
        }
    }
}
