import ArgumentParser
import Foundation
import PlanCore
import PlanReport

extension PlanCommand {
    /// `plan estimate`: price one training job, or convert GPU-hours into $, kWh and CO2.
    struct Estimate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Price one training job (memory, step time, MFU), or convert GPU-hours into dollars, energy and CO2.",
            discussion: """
                Job:        plan estimate --model llama-3.1-8b | --model-config config.json --tokens 1e9 [--method lora|qlora|full] [--gpu a100-80gb] [--gpus N] [--tensor-parallel T]
                            [--micro-batch B] [--gradient-accumulation A] [--stack hf|torch|litgpt|hf-zero3|nemo-fp8] [--mfu F]
                            [--profile NAME [--db PATH]]   (a profile from plan calibrate --import instead of --gpu)
                            [--eval-every-samples N --eval-samples M]   (periodic evaluation inside the job, forward passes only)
                Footprint:  plan estimate --gpu a100-80gb --gpu-hours 1022362 [--gpu-watts 400] [--pue 1.1] [--kg-co2-per-kwh 0.385]
                The job estimate is compute only (steps x step time from the step-time model, or FLOPs / (peak x MFU) with --mfu);
                scenarios add start-up overheads. A job that does not fit its GPUs is still estimated, with a note on stderr.
                """)

        @Option(help: "Catalog model (plan scenarios list shows the catalogs).") var model: String?
        @Option(name: .customLong("model-config"),
                help: ArgumentHelp("A Hugging Face config.json of a dense decoder (Llama, Mistral, Qwen2, Gemma2, ...), or plan's own architecture JSON (plan scenarios show --model M --format json, the probe's file), instead of --model.", valueName: "path"))
        var modelConfig: String?
        @Option(help: "Tokens trained (e.g. 1e9).") var tokens: Double?
        @Option(help: "lora, qlora or full.") var method: String = ScenarioDefaults.finetune.method.rawValue
        @Option(help: "LoRA rank.") var rank: Int = ScenarioDefaults.finetune.rank
        @Option(help: ArgumentHelp("Adapted projections, comma-separated (default all seven).", valueName: "q_proj,k_proj,..."))
        var targets: String = "all"
        @Flag(name: .customLong("gradient-checkpointing"), inversion: .prefixedNo,
              help: "Recompute activations (one more forward, less memory); default: only when the job does not fit without it.")
        var gradientCheckpointing: Bool?
        @Option(help: "Catalog GPU (default \(ScenarioDefaults.gpu)).") var gpu: String?
        @Option(help: "Machine profile stored by plan calibrate (its device and fitted step curve) instead of --gpu.") var profile: String?
        @Option(help: "GPUs the job runs on.") var gpus: Int = ScenarioDefaults.gpusPerJob
        @Option(name: .customLong("micro-batch"), help: "Sequences per GPU per micro-step.") var microBatch: Int = ScenarioDefaults.finetune.microBatchSize
        @Option(name: .customLong("gradient-accumulation"), help: "Micro-steps per optimizer step.") var gradientAccumulation: Int = ScenarioDefaults.finetune.gradientAccumulation
        @Option(help: "Sharding of multi-GPU jobs: none or fsdp (default fsdp when --gpus / --tensor-parallel > 1).") var sharding: String?
        @Option(name: .customLong("tensor-parallel"),
                help: "GPUs that split each layer (Megatron tensor parallelism); divides --gpus and the attention heads.")
        var tensorParallel: Int = 1
        @Flag(name: .customLong("tp-comm-overlap"), inversion: .prefixedNo,
              help: "Overlap tensor-parallel collectives with GEMMs as the stack can (NeMo's ub_tp_comm_overlap; default on); --no-tp-comm-overlap exposes them all.")
        var tpCommOverlap = true
        @Option(help: "Full fine-tuning precision recipe: mixed (fp32 master + moments) or bf16.") var precision: String = ScenarioDefaults.finetune.precision.rawValue
        @Option(help: "Software stack: hf, torch, litgpt, hf-zero3 or nemo-fp8 (Resources/stacks.yaml; default hf, or the profile's).") var stack: String?
        @Option(help: "Explicit model FLOPs utilisation in (0, 1]; bypasses the step-time model.") var mfu: Double?
        @Option(name: .customLong("sequence-length"), help: "Tokens per (packed) sequence.") var sequenceLength: Int = ScenarioDefaults.finetune.sequenceLength
        @Option(name: .customLong("network-gb-per-s"), help: "Per-GPU network bandwidth between nodes, GB/s (jobs past 8 GPUs).")
        var networkGBPerS: Double = ScenarioDefaults.networkGBPerSecond
        @Option(name: .customLong("link-gb-per-s"),
                help: "Per-GPU collective bandwidth inside one node, GB/s (default: the GPU's link_gb_per_s in the catalog; e.g. 30 for a node whose GPUs cannot reach each other over NVLink).")
        var linkGBPerS: Double?
        @Option(name: .customLong("gpu-failures-per-hour"),
                help: "Unexpected interruptions per GPU-hour for the goodput figures (default: the Llama 3 report's, 1.97e-5).")
        var gpuFailuresPerHour: Double = ReliabilitySettings.llama3FailuresPerGPUHour
        @Option(name: .customLong("checkpoint-interval-minutes"), help: "Minutes between checkpoints (default: the Young/Daly optimum).")
        var checkpointIntervalMinutes: Double?
        @Option(name: .customLong("storage-gb-per-s"), help: "Checkpoint write bandwidth per node, GB/s.")
        var storageGBPerS: Double = ReliabilitySettings().storageGBPerSecondPerNode
        @Option(name: .customLong("restart-minutes"), help: "Restart after a failure, minutes (default: the scenario default job start-up, 10).")
        var restartMinutes: Double?
        @Option(name: .customLong("eval-every-samples"),
                help: "Evaluate inside the job after every N trained samples (sequences: --tokens / --sequence-length); needs --eval-samples.")
        var evalEverySamples: Int?
        @Option(name: .customLong("eval-samples"), help: "Samples (sequences of --sequence-length tokens) each evaluation runs, forward only.")
        var evalSamples: Int?
        @Option(name: .customLong("gpu-hours"), help: "Convert these GPU-hours instead of pricing a job.") var gpuHours: Double?
        @Option(name: .customLong("gpu-watts"), help: "Power per GPU in W (default: the GPU's board power).") var gpuWatts: Double?
        @Option(help: "Data-centre power usage effectiveness (>= 1).") var pue: Double = ScenarioDefaults.pue
        @Option(name: .customLong("kg-co2-per-kwh"), help: "Grid carbon intensity.") var kgCO2PerKWh: Double = ScenarioDefaults.kgCO2PerKWh
        @Option(name: .customLong("usd-per-gpu-hour"), help: "Price per GPU-hour.") var usdPerGPUHour: Double = ScenarioDefaults.usdPerGPUHour
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if model != nil && modelConfig != nil { throw ValidationError("give --model or --model-config, not both") }
            if gpuHours == nil && ((model == nil && modelConfig == nil) || tokens == nil) {
                throw ValidationError("give --model (or --model-config) and --tokens to price a job, or --gpu-hours to convert GPU-hours")
            }
            if gpuHours != nil && (model != nil || modelConfig != nil || tokens != nil) {
                throw ValidationError("--gpu-hours converts given GPU-hours; do not combine it with --model, --model-config or --tokens")
            }
            if (evalEverySamples == nil) != (evalSamples == nil) {
                throw ValidationError("--eval-every-samples and --eval-samples go together (how often, and how many samples each evaluation runs)")
            }
            if gpuHours != nil && evalEverySamples != nil { throw ValidationError("--eval-every-samples prices a job; do not combine it with --gpu-hours") }
            if let evalEverySamples, evalEverySamples < 1 { throw ValidationError("--eval-every-samples must be at least 1, got \(evalEverySamples)") }
            if let evalSamples, evalSamples < 1 { throw ValidationError("--eval-samples must be at least 1, got \(evalSamples)") }
            if Finetune.Method(rawValue: method) == nil { throw ValidationError("--method must be lora, qlora or full, got '\(method)'") }
            if let sharding, Sharding(rawValue: sharding) == nil { throw ValidationError("--sharding must be none or fsdp, got '\(sharding)'") }
            if PrecisionRecipe(rawValue: precision) == nil { throw ValidationError("--precision must be mixed or bf16, got '\(precision)'") }
            try Self.check(rank, "--rank", .finetuneRank)
            if !(1...MemoryModel.maximumGPUs).contains(gpus) { throw ValidationError("--gpus must be between 1 and \(MemoryModel.maximumGPUs)") }
            try Self.check(microBatch, "--micro-batch", .finetuneMicroBatchSize)
            try Self.check(gradientAccumulation, "--gradient-accumulation", .finetuneGradientAccumulation)
            try Self.check(sequenceLength, "--sequence-length", .finetuneSequenceLength)
            if JobSpec.parseTargets(targets).isEmpty { throw ValidationError("--targets needs at least one projection") }
            if gpu != nil && profile != nil { throw ValidationError("give --gpu or --profile, not both") }
        }

        /// A flag with the meaning of a scenario field takes that field's range.
        static func check(_ value: Int, _ flag: String, _ field: ScenarioField) throws {
            let range = field.spec.bounds.wholeRange
            if !range.contains(value) { throw ValidationError("\(flag) must be between \(range.lowerBound) and \(range.upperBound)") }
        }

        /// The job the flags describe.
        var spec: JobSpec {
            var spec = JobSpec(model: model ?? "")
            spec.method = Finetune.Method(rawValue: method) ?? ScenarioDefaults.finetune.method
            spec.rank = rank
            spec.targets = JobSpec.parseTargets(targets)
            spec.gpu = gpu ?? ScenarioDefaults.gpu
            spec.gpus = gpus
            spec.microBatch = microBatch
            spec.gradientAccumulation = gradientAccumulation
            spec.sequenceLength = sequenceLength
            spec.gradientCheckpointing = gradientCheckpointing
            spec.stack = stack ?? SoftwareStack.defaultName
            spec.sharding = sharding.flatMap(Sharding.init(rawValue:))
            spec.tensorParallel = tensorParallel
            spec.tensorParallelCommOverlap = tpCommOverlap
            spec.precision = PrecisionRecipe(rawValue: precision) ?? ScenarioDefaults.finetune.precision
            return spec
        }

        /// The catalog GPU, or the stored profile named by --profile.
        func device(_ catalog: Catalog) throws -> GPUSpec {
            guard let profile else { return try catalog.gpu(gpu ?? ScenarioDefaults.gpu) }
            let profiles = try Inputs.profiles(database.db)
            guard let found = profiles[profile] else {
                let known = profiles.keys.sorted()
                throw CommandError.usage("unknown machine profile '\(profile)' in \(Inputs.databasePath(database.db)); "
                    + (known.isEmpty ? "store one with plan calibrate --import" : "known profiles: \(known.joined(separator: ", "))"))
            }
            return found
        }

        /// The flags' job on `device`: without --stack, a fitted profile's own stack.
        func spec(for device: GPUSpec) -> JobSpec {
            var spec = self.spec
            if stack == nil, let fitted = device.stackName { spec.stack = fitted }
            return spec
        }

        /// The periodic evaluation the flags ask for, or nil.
        var evaluation: EvaluationSchedule? {
            guard let evalEverySamples, let evalSamples else { return nil }
            return EvaluationSchedule(everySamples: Double(evalEverySamples), samples: Double(evalSamples))
        }

        /// The goodput inputs (`hardware.reliability`'s fields, checked by `JobEstimate.training`).
        var reliability: ReliabilitySettings {
            var settings = ReliabilitySettings()
            settings.gpuFailuresPerHour = gpuFailuresPerHour
            settings.checkpointIntervalMinutes = checkpointIntervalMinutes
            settings.storageGBPerSecondPerNode = storageGBPerS
            settings.restartMinutes = restartMinutes
            return settings
        }

        func run() throws {
            try guarded {
                let catalog = try Catalog.bundled()
                var device = try self.device(catalog)
                if let linkGBPerS {
                    try ScenarioField.hardwareLinkGBPerS.spec.bounds.check(linkGBPerS, path: "--link-gb-per-s")
                    device.linkBytesPerSecond = linkGBPerS * 1e9
                }
                let rates = EnergyRates(gpuWatts: gpuWatts ?? device.boardWatts, pue: pue, kgCO2PerKWh: kgCO2PerKWh, usdPerGPUHour: usdPerGPUHour)
                let estimate: JobEstimate
                if let gpuHours {
                    estimate = try JobEstimate.footprint(gpuHours: gpuHours, gpus: gpus, rates: rates)
                } else {
                    estimate = try JobEstimate.training(
                        try spec(for: device).resolve(in: catalog, architecture: try modelConfig.map(Inputs.modelConfig), device: device), tokens: tokens ?? 0, mfu: mfu,
                        networkBytesPerSecond: networkGBPerS * 1e9, rates: rates, reliability: reliability, evaluation: evaluation)
                }
                if let note = EstimateReport.fitNote(estimate) { Console.error(note) }
                switch format {
                case .json: Console.out(EstimateReport.json(estimate).rendered() + "\n")
                case .csv: Console.out(EstimateReport.csv(estimate))
                case .table: Console.out(EstimateReport.table(estimate))
                }
            }
        }
    }
}
