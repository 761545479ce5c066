import ArgumentParser
import PlanValidate

extension PlanCommand {
    /// `plan calibrate [--quick] [--name NAME]`
    struct Calibrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure this machine's rates at the validation model's shapes and store them as a machine profile.",
            discussion: """
                Times the GEMMs, elementwise kernels and optimizer of one training step of the validation transformer, \
                memory bandwidth, the merge kernel and the SVD, and records the OpenBLAS core, threads and build. \
                Use the profile in a scenario as `hardware: {profile: NAME}`. Use a release build; OPENBLAS_CORETYPE \
                must be set before plan starts.
                """)

        @Flag(help: "Calibrate for the --quick validation model.") var quick = false
        @Option(help: ArgumentHelp("Profile name.", valueName: "name")) var name: String = "local"
        @Option(help: "table or json.") var format: TableOrJSON = .table
        @OptionGroup var database: DatabaseOptions
        /// `tiny` runs a seconds-long setup (tests); hidden from help.
        @Option(help: ArgumentHelp("Setup: quick, standard or tiny.", visibility: .hidden)) var setup: String?

        func validate() throws {
            if name.isEmpty || name.count > 64 || name.contains(where: { $0.isWhitespace }) {
                throw ValidationError("--name must be 1 to 64 characters without spaces")
            }
            if let setup, ValidationSetups.named(setup) == nil { throw ValidationError("--setup must be quick, standard or tiny") }
        }

        var chosenSetup: ValidationSetup { setup.flatMap(ValidationSetups.named) ?? (quick ? .quick : .standard) }

        func run() throws {
            try ValidateExit.guarded {
                try CalibrationWorkflow(setup: chosenSetup, name: name, format: format.output, databasePath: database.db).run()
            }
        }
    }
}
