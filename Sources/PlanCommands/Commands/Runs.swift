import ArgumentParser
import Foundation
import PlanCore
import PlanReport
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
            func run() throws {
                try guarded {
                    let store = try Inputs.store(database.db)
                    var table = TextTable(columns: [("id", .right), ("kind", .left), ("started (UTC)", .left), ("scenario", .left), ("seed", .right), ("trials", .right)])
                    let formatter = ISO8601DateFormatter()
                    for run in try store.list(kind: kind, limit: max(1, limit)) {
                        table.add(["\(run.id)", run.kind, formatter.string(from: run.startedAt), run.scenarioName ?? "",
                                   run.seed.map(String.init) ?? "", run.trials.map(String.init) ?? ""])
                    }
                    Console.out(table.rendered() + "\n")
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show one run: identity and results per strategy and phase.")
            @OptionGroup var database: DatabaseOptions
            @Argument(help: "Run id.") var id: Int64
            func run() throws {
                try guarded {
                    let run = try Inputs.store(database.db).run(id)
                    Console.out(RunText.render(run))
                }
            }
        }

        struct Compare: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Compare two runs: the inputs that differ, and how the results moved.")
            @OptionGroup var database: DatabaseOptions
            @Argument(help: "First run id.") var first: Int64
            @Argument(help: "Second run id.") var second: Int64
            func run() throws {
                try guarded {
                    let store = try Inputs.store(database.db)
                    let catalog = try Catalog.bundled()
                    let profiles = try store.profiles().mapValues(\.gpuSpec)
                    func side(_ id: Int64) throws -> RunComparison.Side {
                        let run = try store.run(id)
                        var assumptions: [Assumption] = []
                        if let yaml = run.scenarioYAML,
                            let scenario = try? ScenarioLoader(catalog: catalog, profiles: profiles).load(text: yaml, file: "run \(id)")
                        {
                            assumptions = scenario.assumptions(yaml: yaml)
                        }
                        return RunComparison.Side(
                            id: id, kind: run.kind, scenarioName: run.scenarioName ?? "-", assumptions: assumptions,
                            results: run.results.map { ($0.strategy, $0.phase, $0.gpuHours, $0.costUSD, $0.co2Kg, $0.wallClockHours) })
                    }
                    Console.out(RunComparison.render(try side(first), try side(second)))
                }
            }
        }

        struct Export: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Export one run as JSON (its full document) or CSV (results per strategy and phase).")
            @OptionGroup var database: DatabaseOptions
            @Argument(help: "Run id.") var id: Int64
            @Option(help: "json or csv.") var format: OutputFormat = .json
            func validate() throws {
                if format == .table { throw ValidationError("--format must be json or csv") }
            }
            func run() throws {
                try guarded {
                    let run = try Inputs.store(database.db).run(id)
                    Console.out(format == .json ? run.document + "\n" : RunText.csv(run))
                }
            }
        }
    }
}

/// Text renderings of a stored run.
enum RunText {
    static func render(_ run: StoredRun) -> String {
        let formatter = ISO8601DateFormatter()
        var lines = [
            "run \(run.id): \(run.kind)",
            "  started   \(formatter.string(from: run.startedAt)), finished \(formatter.string(from: run.finishedAt))",
            "  plan      \(run.toolVersion)",
        ]
        if let name = run.scenarioName { lines.append("  scenario  \(name) (sha256 \(run.scenarioHash?.prefix(12) ?? "-"))") }
        if let seed = run.seed { lines.append("  seed      \(seed)" + (run.trials.map { ", \($0) Monte Carlo trials" } ?? "")) }
        if !run.results.isEmpty {
            var table = TextTable(columns: [("strategy", .left), ("phase", .left), ("GPU-hours", .right), ("wall-clock h", .right),
                                            ("cost", .right), ("energy kWh", .right), ("CO2 kg", .right)])
            for row in run.results {
                table.add([row.strategy, row.phase, NumberFormat.quantity(row.gpuHours), NumberFormat.quantity(row.wallClockHours),
                           NumberFormat.dollars(row.costUSD), NumberFormat.quantity(row.energyKWh), NumberFormat.quantity(row.co2Kg)])
            }
            lines += ["", table.rendered()]
        }
        if !run.measurements.isEmpty {
            var table = TextTable(columns: [("measurement", .left), ("predicted s", .right), ("measured s", .right)])
            for row in run.measurements {
                table.add([row.name, row.predictedSeconds.map { String(format: "%.4g", $0) } ?? "", String(format: "%.4g", row.measuredSeconds)])
            }
            lines += ["", table.rendered()]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func csv(_ run: StoredRun) -> String {
        var lines = ["run_id,kind,strategy,phase,gpu_hours,wall_clock_hours,cost_usd,energy_kwh,co2_kg,trained_tokens"]
        for row in run.results {
            let numbers = [row.gpuHours, row.wallClockHours, row.costUSD, row.energyKWh, row.co2Kg, row.trainedTokens].map { JSONValue.number($0).rendered() }
            lines.append((["\(run.id)", run.kind, SimulationCSV.field(row.strategy), row.phase] + numbers).joined(separator: ","))
        }
        if !run.measurements.isEmpty {
            lines.append("")
            lines.append("run_id,measurement,predicted_s,measured_s")
            for row in run.measurements {
                lines.append("\(run.id),\(SimulationCSV.field(row.name)),\(row.predictedSeconds.map { JSONValue.number($0).rendered() } ?? ""),\(JSONValue.number(row.measuredSeconds).rendered())")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
