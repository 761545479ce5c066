import ArgumentParser
import PlanCore
import PlanValidate

extension PlanCommand {
    /// `plan calibrate [--quick] [--name NAME]`, or `plan calibrate --import FILE... --name NAME [facts]`
    struct Calibrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a machine profile: this machine's measured kernel rates, or a GPU's step-time curve fitted to measured runs.",
            discussion: """
                Without --import: times training steps of the validation transformer at several sizes (fitting its step-time \
                curve), its projection GEMMs, memory bandwidth, the merge kernel and the SVD, and records the OpenBLAS core, \
                threads and build. \
                Use a release build; OPENBLAS_CORETYPE must be set before plan starts.

                With --import FILE...: reads measured runs (HF Trainer trainer_state.json / train_results.json / \
                all_results.json, torchtune DiskLogger logs, MLPerf Training result logs (:::MLLOG lines; run_start to run_stop \
                less the evaluations), or the CSV scripts/gpu-probe.py writes), fits the step-time \
                curve (gemm_efficiency_max, half_efficiency_tokens, step_overhead_seconds, communication_overlap; as many \
                as the runs can tell apart) by least squares, and stores it with the GPU's datasheet figures. Trainer, \
                torchtune and MLPerf files need the run's facts as flags (--model, --method, --gpu, ...; CSV rows carry their own; \
                an MLPerf log's max_sequence_length, lora_rank, gradient_accumulation_steps and global_batch_size replace theirs). \
                FLOPs are recomputed from the architecture (a log's total_flos is never used).

                Use the profile as `hardware: {profile: NAME}` in a scenario or `plan estimate --profile NAME`.
                """)

        @Flag(help: "Calibrate for the --quick validation model.") var quick = false
        @Option(help: ArgumentHelp("Profile name (default local; required with --import).", valueName: "name")) var name: String?
        @Option(help: "table or json.") var format: TableOrJSON = .table
        @OptionGroup var database: DatabaseOptions
        /// `tiny` runs a seconds-long setup (tests); hidden from help.
        @Option(help: ArgumentHelp("Setup: quick, standard or tiny.", visibility: .hidden)) var setup: String?

        @Option(name: .customLong("import"), parsing: .upToNextOption,
                help: ArgumentHelp("Measured runs to fit: Trainer JSON, torchtune log, MLPerf result log or probe CSV files.", valueName: "file"))
        var imports: [String] = []
        @OptionGroup(title: "Facts of an imported Trainer, torchtune or MLPerf run (as plan estimate)") var facts: RunFacts

        func validate() throws {
            if let name, name.isEmpty || name.count > 64 || name.contains(where: { $0.isWhitespace }) {
                throw ValidationError("--name must be 1 to 64 characters without spaces")
            }
            if let setup, ValidationSetups.named(setup) == nil { throw ValidationError("--setup must be quick, standard or tiny") }
            if imports.isEmpty {
                if facts.given { throw ValidationError("--model, --method, --gpu and the other run facts go with --import") }
            } else {
                if name == nil { throw ValidationError("--import needs --name NAME for the profile it stores") }
                if quick || setup != nil { throw ValidationError("--quick and --setup calibrate kernels; do not combine them with --import") }
                try facts.validate()
            }
        }

        var chosenSetup: ValidationSetup { setup.flatMap(ValidationSetups.named) ?? (quick ? .quick : .standard) }

        func run() throws {
            if !imports.isEmpty {
                try guarded {
                    try ImportCalibrationWorkflow(files: imports, name: name ?? "", facts: facts.spec, format: format.output,
                                                  databasePath: database.db).run()
                }
                return
            }
            try guarded {
                try CalibrationWorkflow(setup: chosenSetup, name: name ?? "local", format: format.output, databasePath: database.db).run()
            }
        }
    }

    /// The job facts of an imported run: `plan estimate`'s flags, same names and meanings.
    struct RunFacts: ParsableArguments {
        @Option(help: "Catalog model, or an architecture JSON file (plan's export or a Hugging Face config.json).") var model: String?
        @Option(help: "lora, qlora or full.") var method: String?
        @Option(help: "LoRA rank (default 16).") var rank: Int?
        @Option(help: ArgumentHelp("Adapted projections, comma-separated (default all seven).", valueName: "q_proj,k_proj,..."))
        var targets: String?
        @Option(help: "Catalog GPU the run ran on (default a100-80gb).") var gpu: String?
        @Option(help: "GPUs the run ran on (default 1).") var gpus: Int?
        @Option(name: .customLong("micro-batch"), help: "Sequences per GPU per micro-step (default 1).") var microBatch: Int?
        @Option(name: .customLong("gradient-accumulation"), help: "Micro-steps per optimizer step (default 1).") var gradientAccumulation: Int?
        @Option(name: .customLong("sequence-length"), help: "Tokens per (packed) sequence (default 4096).") var sequenceLength: Int?
        @Flag(name: .customLong("gradient-checkpointing"), inversion: .prefixedNo, help: "Whether the run recomputed activations (default no).")
        var gradientCheckpointing: Bool?
        @Option(help: "Software stack: hf, torch, litgpt, hf-zero3 or nemo-fp8 (default hf).") var stack: String?

        var given: Bool {
            model != nil || method != nil || rank != nil || targets != nil || gpu != nil || gpus != nil || microBatch != nil
                || gradientAccumulation != nil || sequenceLength != nil || gradientCheckpointing != nil || stack != nil
        }

        func validate() throws {
            if let method, Finetune.Method(rawValue: method) == nil { throw ValidationError("--method must be lora, qlora or full, got '\(method)'") }
            let (ranks, microBatches, accumulations, sequences) = (ScenarioField.finetuneRank.spec.bounds.wholeRange, ScenarioField.finetuneMicroBatchSize.spec.bounds.wholeRange, ScenarioField.finetuneGradientAccumulation.spec.bounds.wholeRange, ScenarioField.finetuneSequenceLength.spec.bounds.wholeRange)
            if let rank, !ranks.contains(rank) { throw ValidationError("--rank must be between \(ranks.lowerBound) and \(ranks.upperBound)") }
            if let gpus, !(1...MemoryModel.maximumGPUs).contains(gpus) { throw ValidationError("--gpus must be between 1 and \(MemoryModel.maximumGPUs)") }
            if let microBatch, !microBatches.contains(microBatch) { throw ValidationError("--micro-batch must be between \(microBatches.lowerBound) and \(microBatches.upperBound)") }
            if let gradientAccumulation, !accumulations.contains(gradientAccumulation) {
                throw ValidationError("--gradient-accumulation must be between \(accumulations.lowerBound) and \(accumulations.upperBound)")
            }
            if let sequenceLength, !sequences.contains(sequenceLength) { throw ValidationError("--sequence-length must be between \(sequences.lowerBound) and \(sequences.upperBound)") }
            if let targets, JobSpec.parseTargets(targets).isEmpty { throw ValidationError("--targets needs at least one projection") }
        }

        /// The facts as a job; nil without --model (CSV rows carry their own facts).
        var spec: JobSpec? {
            guard let model else { return nil }
            var spec = JobSpec(model: model)
            if let method { spec.method = Finetune.Method(rawValue: method) ?? .lora }
            if let rank { spec.rank = rank }
            if let targets { spec.targets = JobSpec.parseTargets(targets) }
            if let gpu { spec.gpu = gpu }
            if let gpus { spec.gpus = gpus }
            if let microBatch { spec.microBatch = microBatch }
            if let gradientAccumulation { spec.gradientAccumulation = gradientAccumulation }
            if let sequenceLength { spec.sequenceLength = sequenceLength }
            spec.gradientCheckpointing = gradientCheckpointing ?? false
            if let stack { spec.stack = stack }
            return spec
        }
    }
}
