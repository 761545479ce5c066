import ArgumentParser
import Foundation
import PlanCore
import PlanReport

extension PlanCommand {
    /// `plan estimate`: price one training job, or convert GPU-hours into $, kWh and CO2.
    struct Estimate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Price one training job, or convert GPU-hours into dollars, energy and CO2.",
            discussion: """
                Job:        plan estimate --model llama-3.1-8b --tokens 1e9 [--method lora|qlora|full] [--gpu a100-80gb] [--gpus N] [--mfu F]
                Footprint:  plan estimate --gpu a100-80gb --gpu-hours 1022362 [--gpu-watts 400] [--pue 1.1] [--kg-co2-per-kwh 0.385]
                The job estimate is compute only (FLOPs / (peak x MFU)); scenarios add start-up overheads.
                """)

        @Option(help: "Catalog model (see plan scenarios list for catalogs).") var model: String?
        @Option(help: "Tokens trained (e.g. 1e9).") var tokens: Double?
        @Option(help: "lora, qlora or full.") var method: String = "lora"
        @Option(help: "LoRA rank (all seven projections adapted).") var rank: Int = 16
        @Flag(name: .customLong("gradient-checkpointing"), help: "Recompute activations (one more forward).") var gradientCheckpointing = false
        @Option(help: "Catalog GPU.") var gpu: String = "a100-80gb"
        @Option(help: "GPUs the job runs on.") var gpus: Int = 1
        @Option(help: "Model FLOPs utilisation, in (0, 1].") var mfu: Double = 0.35
        @Option(name: .customLong("sequence-length"), help: "Tokens per (packed) sequence.") var sequenceLength: Int = 4096
        @Option(name: .customLong("gpu-hours"), help: "Convert these GPU-hours instead of pricing a job.") var gpuHours: Double?
        @Option(name: .customLong("gpu-watts"), help: "Power per GPU in W (default: the GPU's board power).") var gpuWatts: Double?
        @Option(help: "Data-centre power usage effectiveness (>= 1).") var pue: Double = 1.1
        @Option(name: .customLong("kg-co2-per-kwh"), help: "Grid carbon intensity.") var kgCO2PerKWh: Double = 0.475
        @Option(name: .customLong("usd-per-gpu-hour"), help: "Price per GPU-hour.") var usdPerGPUHour: Double = 2.0
        @Option(help: "table or json.") var format: OutputFormat = .table

        func validate() throws {
            if gpuHours == nil && (model == nil || tokens == nil) {
                throw ValidationError("give --model and --tokens to price a job, or --gpu-hours to convert GPU-hours")
            }
            if gpuHours != nil && (model != nil || tokens != nil) {
                throw ValidationError("--gpu-hours converts given GPU-hours; do not combine it with --model or --tokens")
            }
            if Finetune.Method(rawValue: method) == nil { throw ValidationError("--method must be lora, qlora or full, got '\(method)'") }
            if format == .csv { throw ValidationError("--format must be table or json") }
            if rank < 1 { throw ValidationError("--rank must be at least 1") }
        }

        func run() throws {
            try guarded {
                let catalog = try Catalog.bundled()
                let spec = try catalog.gpu(gpu)
                let rates = EnergyRates(gpuWatts: gpuWatts ?? spec.boardWatts, pue: pue, kgCO2PerKWh: kgCO2PerKWh, usdPerGPUHour: usdPerGPUHour)
                let estimate: JobEstimate
                if let gpuHours {
                    estimate = try JobEstimate.footprint(gpuHours: gpuHours, gpus: gpus, rates: rates)
                } else {
                    estimate = try JobEstimate.training(
                        model: try catalog.model(model ?? ""), tokens: tokens ?? 0, method: Finetune.Method(rawValue: method) ?? .lora,
                        rank: rank, gradientCheckpointing: gradientCheckpointing, sequenceLength: sequenceLength,
                        gpu: spec, gpus: gpus, mfu: mfu, rates: rates)
                }
                Console.out(format == .json ? EstimateOutput.json(estimate).rendered() + "\n" : EstimateOutput.table(estimate))
            }
        }
    }
}

/// Rendering of `plan estimate`.
enum EstimateOutput {
    static func json(_ e: JobEstimate) -> JSONValue {
        var pairs: [(String, JSONValue)] = []
        if let flops = e.flops { pairs.append(("flops", .rounded(flops))) }
        if let perToken = e.flopsPerToken { pairs.append(("flops_per_token", .rounded(perToken))) }
        pairs += [
            ("gpu_hours", .rounded(e.gpuHours)), ("wall_clock_hours", .rounded(e.wallClockHours)), ("cost_usd", .rounded(e.costUSD)),
            ("energy_kwh", .rounded(e.energyKWh)), ("co2_kg", .rounded(e.co2Kg)),
        ]
        return .object(pairs)
    }

    static func table(_ e: JobEstimate) -> String {
        var table = TextTable(columns: [("figure", .left), ("value", .right), ("unit", .left)])
        if let flops = e.flops { table.add(["training compute", String(format: "%.3e", flops), "FLOP"]) }
        if let perToken = e.flopsPerToken { table.add(["per token", String(format: "%.3e", perToken), "FLOP/token"]) }
        table.add(["GPU time", NumberFormat.quantity(e.gpuHours), "GPU-hours"])
        table.add(["wall-clock", NumberFormat.quantity(e.wallClockHours), "hours"])
        table.add(["cost", NumberFormat.dollars(e.costUSD), "USD"])
        table.add(["energy", NumberFormat.quantity(e.energyKWh), "kWh"])
        table.add(["emissions", NumberFormat.quantity(e.co2Kg), "kg CO2"])
        return table.rendered() + "\n"
    }
}
