import ArgumentParser
import PlanValidate

extension PlanCommand {
    /// `plan quality [--quick] [--seeds N] [--setups LIST]`
    struct Quality: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure how much of the combined model's accuracy merged per-language adapters keep, and what breaks merging.",
            discussion: """
                Trains, on OpenBLAS, a small transformer's base (with the task in part of its pretraining), a combined \
                multilingual LoRA model and one adapter per language, merges them with every method, and handles an update \
                (the first language grows). Setups: study (a base that performs the task, own vocabularies, one LoRA A \
                initialisation, small updates, merge weights 1 for TIES/DARE-TIES/KnOTS and 1/L for linear/cat/magnitude_prune); \
                ablations each changing one ingredient: task-naive-base (task share 0), different-init, shared-lexicon, \
                large-updates, weights-ones, weights-1-over-L; and task-share-25 for the base-competence curve (0, 25%, 50%). \
                Reports per setup and model the mean answer accuracy over the seeds with its 95% interval, loss, retention \
                (accuracy / combined accuracy) and accuracy per language, the adapters' mean pairwise cosine and cross-language \
                accuracy. Stores the run (kind quality) and plots retention per method and setup. Use a release build: \
                --quick takes a few minutes on two cores with one BLAS thread.
                """)

        @Flag(help: "The smaller setup (a few minutes on two cores).") var quick = false
        @Option(help: ArgumentHelp("Seeds per setup (each: fresh fine-tuning data, LoRA initialisation and order).", valueName: "n"))
        var seeds: Int = 3
        @Option(help: ArgumentHelp("Base seed of the run (the same seed reproduces the run).", valueName: "n")) var seed: UInt64 = 42
        @Option(help: ArgumentHelp(
            "Comma-separated setups to run (default: all): study, task-naive-base, different-init, shared-lexicon, large-updates, "
                + "weights-ones, weights-1-over-L, task-share-25.", valueName: "list")) var setups: String?
        @Option(help: "table or json.") var format: TableOrJSON = .table
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var plots: PlotOptions
        @Option(help: ArgumentHelp("OpenBLAS threads (0: OpenBLAS's own default). Default 1.", valueName: "n"))
        var threads: Int = ValidationDefaults.blasThreads
        /// `tiny` runs a seconds-long setup (tests); hidden from help.
        @Option(help: ArgumentHelp("Size: quick, standard or tiny.", visibility: .hidden)) var size: String?
        /// Size overrides for exploring the setup (KEY=NUMBER); hidden from help.
        @Option(help: ArgumentHelp("Size override KEY=NUMBER.", visibility: .hidden)) var override: [String] = []

        func validate() throws {
            if let size, QualityScale.named(size) == nil { throw ValidationError("--size must be quick, standard or tiny") }
            if seeds < 1 || seeds > QualityExperiment.maximumSeeds {
                throw ValidationError("--seeds must be between 1 and \(QualityExperiment.maximumSeeds), got \(seeds)")
            }
            if threads < 0 || threads > 1024 { throw ValidationError("--threads must be between 0 and 1024") }
            if let setups, setups.split(separator: ",").isEmpty { throw ValidationError("--setups needs at least one setup name") }
        }

        func run() throws {
            try guarded {
                let scale = try (size.flatMap(QualityScale.named) ?? (quick ? .quick : .standard)).overriding(override)
                let chosen = try QualityExperiment.setups(setups.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
                try QualityWorkflow(
                    scale: scale, setups: chosen, seeds: seeds, seed: seed, format: format.output, databasePath: database.db,
                    plotsFolder: plots.folder, blasThreads: threads
                ).run()
            }
        }
    }
}
