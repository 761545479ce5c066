import ArgumentParser
import PlanValidate

extension PlanCommand {
    /// `plan validate [--quick]`
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run small real fine-tunes and merges on OpenBLAS, predict each with the cost model, compare.",
            discussion: """
                Calibrates, then trains a combined multilingual LoRA model, one adapter per language, merges them, and \
                handles an update (the first language doubles) by retraining everything or one adapter + re-merge. \
                Prints predicted vs measured seconds per job, the error summary, the predicted and measured maintenance \
                saving and held-out losses; stores the run and writes a parity plot and a loss chart. Use a release build.
                """)

        @Flag(help: "The smaller setup (under three minutes on two cores with the right OpenBLAS core).") var quick = false
        @Option(help: "table or json.") var format: TableOrJSON = .table
        @OptionGroup var database: DatabaseOptions
        /// `tiny` runs a seconds-long setup (tests); hidden from help.
        @Option(help: ArgumentHelp("Setup: quick, standard or tiny.", visibility: .hidden)) var setup: String?
        @Option(help: ArgumentHelp("Folder for the gnuplot plots (PNG + SVG).", valueName: "dir")) var plots: String = "plots"
        @Flag(name: .customLong("no-plots"), help: "Do not draw plots.") var noPlots = false

        func validate() throws {
            if let setup, ValidationSetups.named(setup) == nil { throw ValidationError("--setup must be quick, standard or tiny") }
        }

        var chosenSetup: ValidationSetup { setup.flatMap(ValidationSetups.named) ?? (quick ? .quick : .standard) }

        func run() throws {
            try ValidateExit.guarded {
                try ValidationWorkflow(
                    setup: chosenSetup, format: format.output, databasePath: database.db, plotsFolder: noPlots ? nil : plots
                ).run()
            }
        }
    }
}
