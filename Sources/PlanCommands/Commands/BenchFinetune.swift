import ArgumentParser
import Foundation
import PlanKernels
import PlanReport

extension PlanCommand {
    /// `plan bench finetune`: one LoRA training step of the small transformer against sgemm.
    struct FinetuneBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "finetune",
            abstract: "Time LoRA training steps; peak_fraction = step model FLOP/s / sgemm FLOP/s measured in the same run.")

        @Option(name: .customLong("d-model"), help: "Model width.") var dModel: Int = 1024
        @Option(help: "Decoder layers.") var layers: Int = 4
        @Option(help: "Tokens per sequence.") var seq: Int = 256
        @Option(help: "LoRA rank (alpha = 2 × rank, all seven projections).") var rank: Int = 16
        @Option(help: "Sequences per step.") var batch: Int = 4
        @Option(help: "Timed steps (the best is reported).") var steps: Int = 3
        @Option(help: "table or json.") var format: TableOrJSON = .table
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            for (name, value, limit) in [("--d-model", dModel, 16384), ("--layers", layers, 256), ("--seq", seq, 16384),
                                         ("--rank", rank, 4096), ("--batch", batch, 4096), ("--steps", steps, 1000)]
            where value < 1 || value > limit {
                throw ValidationError("\(name) must be between 1 and \(limit)")
            }
            if dModel >= 64, dModel % 64 != 0 { throw ValidationError("--d-model must be a multiple of 64 (64-wide heads)") }
            if dModel < 64, dModel % 2 != 0 { throw ValidationError("--d-model must be even") }
            // Each option is bounded above; their product (bytes, FLOPs) is checked here, before anything is allocated.
            do { try options.checkLimits() } catch let error as KernelError {
                throw ValidationError(error.description)
            }
        }

        var options: FineTuneBenchmark.Options {
            var options = FineTuneBenchmark.Options()
            options.dModel = dModel
            options.layers = layers
            options.sequenceLength = seq
            options.rank = rank
            options.sequences = batch
            options.steps = steps
            return options
        }

        func run() throws {
            try guarded {
                Console.warnAboutBLASCore()
                try MeasurementRecording.checkStore(database.db)
                let started = Date()
                let result = try FineTuneBenchmark.run(options)
                try MeasurementRecording.storeAndPrint(
                    benchmark: "bench finetune", seconds: result.seconds, json: BenchOutput.json(result.output),
                    table: BenchOutput.table(result.output), format: format.output, seed: nil, started: started, database: database.db)
            }
        }
    }
}
