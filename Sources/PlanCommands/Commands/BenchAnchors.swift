import ArgumentParser
import Foundation
import PlanCore
import PlanReport

extension PlanCommand {
    /// `plan bench anchors`: the job model against published fine-tuning runs.
    struct AnchorsBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "anchors",
            abstract: "Predict every published fine-tuning run in the anchor set and show the error (no timing: a model check).",
            discussion: "Runs and sources: Sources/PlanCore/Resources/anchors.yaml (../shared/reference/realscale.md).")

        @Option(help: "table or json.") var format: TableOrJSON = .table

        func run() throws {
            try guarded {
                let catalog = try Catalog.bundled()
                let checks = try PublishedRun.bundled().map { try $0.check(in: catalog) }
                Console.out(format == .json ? AnchorTable.json(checks).rendered() + "\n" : AnchorTable.table(checks))
            }
        }
    }
}
