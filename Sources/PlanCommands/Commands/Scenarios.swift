import ArgumentParser
import Foundation
import PlanCore
import PlanReport

extension PlanCommand {
    /// `plan scenarios list | show NAME | check FILE`
    struct Scenarios: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, show and check scenarios.",
            subcommands: [List.self, Show.self, Check.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List embedded scenarios and the model, GPU and stack catalogs.")
            @Option(help: "table or json (json: every catalog entry with its figures and source).") var format: TableOrJSON = .table
            func run() throws {
                try guarded {
                    let catalog = try Catalog.bundled()
                    let names = Catalog.scenarioNames()
                    switch format {
                    case .table: Console.out(ScenarioOutput.listTable(scenarios: names, defaultName: Catalog.defaultScenarioName, catalog: catalog))
                    case .json:
                        Console.out(ScenarioOutput.listJSON(scenarios: names, defaultName: Catalog.defaultScenarioName, catalog: catalog).rendered() + "\n")
                    }
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print an embedded scenario's YAML, or a catalog model's architecture (--model NAME, json).",
                discussion: "scripts/gpu-probe.py builds a randomly initialised model from the --model export.")
            @Argument(help: "Scenario name.") var name: String?
            @Option(help: "Catalog model to export instead of a scenario.") var model: String?
            @Option(help: "yaml (the file itself) or json (its text and what it resolves to); --model: json.") var format: YAMLOrJSON?

            func validate() throws {
                if (name == nil) == (model == nil) { throw ValidationError("give a scenario NAME or --model NAME") }
                if model != nil, format == .yaml { throw ValidationError("--model exports json only") }
            }

            func run() throws {
                try guarded {
                    if let model {
                        Console.out(try ScenarioOutput.modelJSON(try Catalog.bundled().model(model)))
                        return
                    }
                    let name = name ?? ""
                    let yaml = try Catalog.scenarioText(name)
                    switch format ?? .yaml {
                    case .yaml: Console.out(yaml)
                    case .json:
                        let scenario = try ScenarioLoader(catalog: try Catalog.bundled()).load(text: yaml, file: "\(name) (embedded)")
                        Console.out(ScenarioOutput.showJSON(
                            name: name, isDefault: name == Catalog.defaultScenarioName, yaml: yaml, scenario: scenario).rendered() + "\n")
                    }
                }
            }
        }

        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Validate a scenario file; every problem is listed (exit 65).",
                discussion: "With --format json the verdict is a document on stdout (ok, scenario, diagnostics) and the problems also go to stderr.")
            @Argument(help: "Scenario YAML file.") var file: String
            @Option(help: "table or json.") var format: TableOrJSON = .table
            @OptionGroup var database: DatabaseOptions
            func run() throws {
                try guarded {
                    let scenario: Scenario
                    do {
                        (scenario, _) = try Inputs.scenario(try Inputs.scenarioSource(file), profiles: try Inputs.profiles(database.db), database: database.db)
                    } catch let diagnostics as ScenarioDiagnostics where format == .json {
                        Console.out(ScenarioOutput.checkJSON(file: file, scenario: nil, diagnostics: diagnostics.diagnostics).rendered() + "\n")
                        throw diagnostics
                    }
                    switch format {
                    case .table: Console.out(ScenarioOutput.checkTable(file: file, scenario: scenario))
                    case .json: Console.out(ScenarioOutput.checkJSON(file: file, scenario: scenario, diagnostics: []).rendered() + "\n")
                    }
                }
            }
        }
    }
}
