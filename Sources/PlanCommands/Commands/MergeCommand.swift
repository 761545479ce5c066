import ArgumentParser
import Foundation
import PlanKernels
import PlanReport
import PlanStore

extension PlanCommand {
    /// `plan merge`: merge PEFT LoRA adapters exactly as PEFT's add_weighted_adapter does.
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge PEFT LoRA adapters (TIES, DARE, KnOTS, ...) into a new PEFT adapter folder.",
            discussion: """
                Methods: \(MergeMethod.all.map(\.name).joined(separator: ", ")).
                Semantics follow PEFT add_weighted_adapter 0.21; the output has r = lora_alpha = new rank.
                The output folder is written atomically and must not exist (or be empty); nothing is written when the
                merged weights would not be finite. Adapters of different base models or target modules get a warning
                (--strict refuses them).
                Example: plan merge --method ties --density 0.5 adapters/en adapters/fr --output merged
                """)

        @Option(help: "Merge method (see above).") var method: String
        @Option(help: "Fraction of entries kept by pruning methods, e.g. 0.5.") var density: Double?
        @Option(help: ArgumentHelp("One weight per adapter, comma-separated (default: 1 each).", valueName: "w1,w2,..."))
        var weights: String?
        @Option(name: .customLong("majority-sign"), help: "TIES sign election: total or frequency.")
        var majoritySign: String = "total"
        @Option(name: .customLong("svd-rank"), help: "Rank of *svd methods (default: the largest input rank).")
        var svdRank: Int?
        @Option(help: "Seed for DARE's random masks.") var seed: UInt64 = 0
        @Argument(help: ArgumentHelp("PEFT adapter folders.", valueName: "adapter")) var adapters: [String] = []
        @Option(help: ArgumentHelp("Folder to write the merged adapter to.", valueName: "dir")) var output: String
        @Flag(help: "Refuse (exit 65) adapters of different base models or target modules instead of warning.")
        var strict = false
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            do {
                _ = try options().validatedWeights(adapterCount: adapters.count)
            } catch let error as KernelError {
                throw ValidationError(error.description)
            }
        }

        /// The library options these arguments stand for.
        func options() throws -> MergeOptions {
            guard let sign = MajoritySign(rawValue: majoritySign) else {
                throw KernelError.invalidArgument("--majority-sign must be total or frequency, got '\(majoritySign)'")
            }
            return MergeOptions(
                method: try MergeMethod.named(method), weights: try weights.map(Self.parseWeights), density: density,
                majoritySign: sign, svdRank: svdRank, seed: seed)
        }

        static func parseWeights(_ text: String) throws -> [Double] {
            try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
                guard let value = Double(part.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                    throw KernelError.invalidArgument("--weights must be comma-separated numbers, got '\(text)'")
                }
                return value
            }
        }

        func run() throws {
            try KernelExit.guarded {
                let started = Date()
                let options = try options()
                let loaded = try adapters.map { try LoRAAdapter.load(URL(fileURLWithPath: $0)) }
                let mismatches = AdapterMerger.mismatches(loaded, names: adapters)
                if strict, let first = mismatches.first {
                    throw KernelError.invalidData(path: adapters[0], reason: "\(first) (--strict)")
                }
                for mismatch in mismatches { Console.error("plan: warning: \(mismatch); merging anyway (--strict refuses)") }
                let outcome = try AdapterMerger.merge(loaded, options: options)
                try AdapterWriter.write(outcome.adapter, to: URL(fileURLWithPath: output))
                let runID = try MergeRun.store(
                    outcome, options: options, adapters: adapters, output: output, started: started, database: database.db)
                Console.out(MergeRun.summary(outcome, options: options, adapterCount: adapters.count, output: output, runID: runID))
                KernelExit.warnAboutBLASCore()
            }
        }
    }
}

/// Storage and printing of a `plan merge` run.
enum MergeRun {
    static func details(_ outcome: MergeOutcome, options: MergeOptions, adapters: [String], output: String) -> JSONValue {
        .object([
            ("method", .string(options.method.name)),
            ("adapters", .array(adapters.map { .string($0) })),
            ("output", .string(output)),
            ("density", options.density.map { .number($0) } ?? .null),
            ("weights", options.weights.map { .array($0.map { .number($0) }) } ?? .null),
            ("majority_sign", .string(options.majoritySign.rawValue)),
            ("seed", .number(Double(options.seed))),
            ("rank", .number(Double(outcome.rank))),
            ("modules", .number(Double(outcome.adapter.modules.count))),
            ("input_elements", .number(Double(outcome.inputElements))),
            ("output_elements", .number(Double(outcome.outputElements))),
            ("seconds", .rounded(outcome.seconds)),
            ("blas_core", .string(outcome.blas.coreName)),
            ("threads", .number(Double(outcome.blas.threads))),
            ("merge_kernels", .string(outcome.kernels.rawValue)),
        ])
    }

    /// Records the merge as a run with one measurement; returns its id.
    static func store(
        _ outcome: MergeOutcome, options: MergeOptions, adapters: [String], output: String, started: Date, database: String?
    ) throws -> Int64 {
        let details = details(outcome, options: options, adapters: adapters, output: output)
        return try MeasurementRecording.store(
            kind: "merge", name: "merge \(options.method.name)", seconds: outcome.seconds, details: details, seed: options.seed,
            started: started, database: database, machine: MeasurementRecording.machine(blas: outcome.blas, kernels: outcome.kernels)
        ) { id in JSONValue.object([("run_id", .number(Double(id))), ("merge", details)]) }
    }

    static func summary(_ outcome: MergeOutcome, options: MergeOptions, adapterCount: Int, output: String, runID: Int64) -> String {
        "merged \(adapterCount) adapters with \(options.method.name) in \(String(format: "%.3f", outcome.seconds)) s: "
            + "\(outcome.adapter.modules.count) modules, rank \(outcome.rank), \(outcome.inputElements) → \(outcome.outputElements) elements; "
            + "wrote \(output) (run \(runID), openblas \(outcome.blas.coreName), \(outcome.blas.threads) threads, "
            + "\(outcome.kernels) merge kernels)\n"
    }
}
