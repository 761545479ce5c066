import ArgumentParser
import Foundation
import PlanCore

extension PlanCommand {
    /// `plan scenarios list | show NAME | check FILE`
    struct Scenarios: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, show and check scenarios.",
            subcommands: [List.self, Show.self, Check.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List embedded scenarios and the model and GPU catalogs.")
            func run() throws {
                try guarded {
                    let catalog = try Catalog.bundled()
                    var lines = ["embedded scenarios (plan scenarios show NAME):"]
                    lines += Catalog.scenarioNames().map { "  \($0)\($0 == Catalog.defaultScenarioName ? "  (default)" : "")" }
                    lines.append("models: " + catalog.models.keys.sorted().joined(separator: ", "))
                    lines.append("gpus: " + catalog.gpus.keys.sorted().joined(separator: ", "))
                    Console.out(lines.joined(separator: "\n") + "\n")
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print an embedded scenario's YAML, or a catalog model's architecture (--model NAME --format json).",
                discussion: "scripts/gpu-probe.py builds a randomly initialised model from the --model export.")
            @Argument(help: "Scenario name.") var name: String?
            @Option(help: "Catalog model to export instead of a scenario.") var model: String?
            @Option(help: "yaml (scenarios) or json (--model).") var format: String?

            func validate() throws {
                if (name == nil) == (model == nil) { throw ValidationError("give a scenario NAME or --model NAME") }
                if model != nil, let format, format != "json" { throw ValidationError("--model exports json only") }
                if name != nil, let format, format != "yaml" { throw ValidationError("scenarios print as yaml only") }
            }

            func run() throws {
                try guarded {
                    if let model {
                        let architecture = try Catalog.bundled().model(model)
                        let data = try JSONSerialization.data(withJSONObject: architecture.jsonObject, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                        Console.out(String(decoding: data, as: UTF8.self) + "\n")
                    } else {
                        Console.out(try Catalog.scenarioText(name ?? ""))
                    }
                }
            }
        }

        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Validate a scenario file; every problem is listed (exit 65).")
            @Argument(help: "Scenario YAML file.") var file: String
            @OptionGroup var database: DatabaseOptions
            func run() throws {
                try guarded {
                    let (scenario, _) = try Inputs.scenario(file, profiles: try Inputs.profiles(database.db))
                    Console.out("\(file): ok: \(scenario.name), \(scenario.model.name), \(scenario.languages.count) languages, "
                        + "strategies \(scenario.strategies.map(\.rawValue).joined(separator: ", "))\n")
                }
            }
        }
    }
}
