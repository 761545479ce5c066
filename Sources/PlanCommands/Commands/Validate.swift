import ArgumentParser
import PlanValidate

/// Defaults of `plan validate`.
enum ValidationDefaults {
    /// One BLAS thread: the measurement that repeats on a shared 2-vCPU VM (README, Validation).
    static let blasThreads = 1
}

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
        @OptionGroup var plots: PlotOptions
        @Option(help: ArgumentHelp(
            "OpenBLAS threads for the calibration, the jobs and the merges (0: OpenBLAS's own default, one per core). "
                + "Default 1: a multi-threaded GEMM waits at every barrier for its slowest thread, so on a shared or "
                + "virtual machine its step time jumps whenever one core is busy or descheduled.",
            valueName: "n")) var threads: Int = ValidationDefaults.blasThreads

        func validate() throws {
            if let setup, ValidationSetups.named(setup) == nil { throw ValidationError("--setup must be quick, standard or tiny") }
            if threads < 0 || threads > 1024 { throw ValidationError("--threads must be between 0 and 1024") }
        }

        var chosenSetup: ValidationSetup { setup.flatMap(ValidationSetups.named) ?? (quick ? .quick : .standard) }

        func run() throws {
            try guarded {
                try ValidationWorkflow(
                    setup: chosenSetup, format: format.output, databasePath: database.db, plotsFolder: plots.folder,
                    blasThreads: threads
                ).run()
            }
        }
    }
}
