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
        @Option(help: "table (a summary line and the inputs) or json (the document the run stores).") var format: TableOrJSON = .table
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
            try guarded {
                let started = Date()
                let options = try options()
                // Inputs, output folder and database are all checked before anything is written.
                let destination = try AdapterWriter.checkDestination(URL(fileURLWithPath: output))
                let loaded = try adapters.map { try LoRAAdapter.load(URL(fileURLWithPath: $0)) }
                let mismatches = AdapterMerger.mismatches(loaded, names: adapters)
                if strict, let first = mismatches.first {
                    throw KernelError.invalidData(path: adapters[0], reason: "\(first) (--strict)")
                }
                // Checked now, opened (created if missing) only once the merge succeeded.
                try RunStore.preflight(path: Inputs.databasePath(database.db))
                for mismatch in mismatches { Console.error("plan: warning: \(mismatch); merging anyway (--strict refuses)") }
                let outcome = try AdapterMerger.merge(loaded, options: options)
                let store = try Inputs.store(database.db)
                let staged = try AdapterWriter.stage(outcome.adapter, for: destination)
                defer { staged.discard() }
                let record = try MergeRun.record(outcome, options: options, adapters: loaded, paths: adapters, output: output)
                // Published inside the run's transaction: the run is stored exactly when the folder is.
                var published = false
                let runID: Int64
                do {
                    runID = try MergeRun.store(record, outcome: outcome, seed: options.seed, started: started, store: store) {
                        try staged.publish()
                        published = true
                    }
                } catch {
                    if published { staged.unpublish() }
                    throw error
                }
                Console.out(format == .json ? record.document(runID: runID).rendered() + "\n" : record.table(runID: runID))
                Console.warnAboutBLASCore()
            }
        }
    }
}

/// Storage of a `plan merge` run (its document is `MergeDocument`, in PlanReport).
enum MergeRun {
    /// The merge's inputs (with the sha256 of both files of each adapter folder), settings and outcome.
    static func record(
        _ outcome: MergeOutcome, options: MergeOptions, adapters: [LoRAAdapter], paths: [String], output: String
    ) throws -> MergeDocument {
        let weights = try options.validatedWeights(adapterCount: paths.count)
        let inputs = try zip(paths, adapters).enumerated().map { index, pair in
            let folder = URL(fileURLWithPath: pair.0)
            return MergeDocument.Input(
                path: pair.0, weight: weights[index],
                weightsSHA256: try digest(folder.appendingPathComponent(LoRAAdapter.weightsFileName)),
                configSHA256: try digest(folder.appendingPathComponent(LoRAAdapter.configFileName)),
                rank: pair.1.config.rank, alpha: pair.1.config.alpha)
        }
        return MergeDocument(
            method: options.method.name, inputs: inputs, output: output, density: options.density, weights: options.weights,
            majoritySign: options.majoritySign.rawValue, svdRank: options.svdRank, seed: options.seed, rank: outcome.rank,
            modules: outcome.adapter.modules.count, inputElements: outcome.inputElements, outputElements: outcome.outputElements,
            seconds: outcome.seconds, blasCore: outcome.blas.coreName, threads: outcome.blas.threads, mergeKernels: outcome.kernels.rawValue)
    }

    /// sha256 of a file that was just read (memory-mapped: no second copy of a large adapter).
    static func digest(_ file: URL) throws -> String {
        do { return SHA256.hex(try Data(contentsOf: file, options: .alwaysMapped)) } catch {
            throw CommandError.unreadableFile(file.path, error.localizedDescription)
        }
    }

    /// Records the merge as a run with one measurement; returns its id. `publish` runs inside the
    /// transaction: when it throws, no run is stored.
    static func store(
        _ record: MergeDocument, outcome: MergeOutcome, seed: UInt64, started: Date, store: RunStore, publish: () throws -> Void
    ) throws -> Int64 {
        try MeasurementRecording.store(
            kind: .merge, name: "merge \(record.method)", seconds: outcome.seconds, details: record.details, seed: seed,
            started: started, database: store.path, store: store,
            machine: MeasurementRecording.machine(blas: outcome.blas, kernels: outcome.kernels), beforeCommit: publish
        ) { record.document(runID: $0) }
    }
}
