import ArgumentParser
import Foundation
import PlanCore
import PlanReport

extension PlanCommand {
    /// `plan bench anchors`: the job model against published fine-tuning runs, and the serving
    /// model against published serving measurements.
    struct AnchorsBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "anchors",
            abstract: "Predict every published fine-tuning run and serving measurement in the anchor sets and show the error (no timing: a model check).",
            discussion: """
                Fine-tuning runs: Sources/PlanCore/Resources/anchors.yaml (../shared/reference/realscale.md). \
                Serving measurements: Sources/PlanCore/Resources/serving-anchors.yaml (docs/serving.md); \
                the JSON gains them as `serving`.
                """)

        @Option(help: "table or json.") var format: TableOrJSON = .table

        func run() throws {
            try guarded {
                let catalog = try Catalog.bundled()
                let checks = try PublishedRun.bundled().map { try $0.check(in: catalog) }
                let serving = try ServingAnchor.bundled().map { try $0.check(in: catalog) }
                if format == .json {
                    Console.out(ServingAnchorTable.appending(serving, to: AnchorTable.json(checks)).rendered() + "\n")
                } else {
                    Console.out(AnchorTable.table(checks) + "\n" + ServingAnchorTable.table(serving))
                }
            }
        }
    }
}
