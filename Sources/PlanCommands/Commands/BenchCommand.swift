import ArgumentParser
import Foundation
import PlanKernels
import PlanReport

extension PlanCommand {
    /// `plan bench`: kernel throughput against this machine's own limits.
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure merge and GEMM kernels against this machine's memory bandwidth and FMA peak.",
            discussion: "Use a release build (swift build -c release); OPENBLAS_CORETYPE must be set before plan starts.",
            subcommands: [MergeBench.self, GEMMBench.self, FinetuneBench.self, AnchorsBench.self])
    }

    /// `plan bench merge`.
    struct MergeBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge",
            abstract: "Time a merge on synthetic task vectors; peak_fraction = time to stream the inputs once / merge time.")

        @Option(help: "linear, ties, dare_linear, dare_ties or magnitude_prune.") var method: String = "ties"
        @Option(help: "Fraction kept by pruning methods (default 0.5 for them).") var density: Double?
        @Option(help: "Number of task vectors.") var tasks: Int = 5
        @Option(help: "Elements per task vector.") var elements: Int = 16_777_216
        @Option(name: .customLong("majority-sign"), help: "total or frequency.") var majoritySign: String = "total"
        @Option(help: "Seed for the synthetic data and DARE.") var seed: UInt64 = 1
        @Option(help: "Repetitions (the best is reported; the read reference gets two more).") var repetitions: Int = 5
        @Option(help: "Merge kernels: auto (the fastest this CPU runs), avx512, avx2 or portable.") var kernels: String = "auto"
        @Flag(help: "Skip timing the portable kernels as a peer.") var noPortablePeer = false
        @Option(help: "table or json.") var format: TableOrJSON = .table
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            do { _ = try MergeKernels.named(kernels) } catch let error as KernelError { throw ValidationError(error.description) }
            if tasks < 1 || elements < 1 { throw ValidationError("--tasks and --elements must be at least 1") }
            if repetitions < 1 { throw ValidationError("--repetitions must be at least 1") }
            if MajoritySign(rawValue: majoritySign) == nil { throw ValidationError("--majority-sign must be total or frequency") }
            do {
                // The product of the sizes, before anything (the weights included) is allocated.
                try MergeBenchmark.checkLimits(
                    tasks: tasks, elements: elements, repetitions: repetitions, comparePortable: !noPortablePeer && kernels != "portable")
                let chosen = try MergeMethod.named(method)
                _ = try MergeOptions(method: chosen, density: density ?? (chosen.needsDensity ? 0.5 : nil))
                    .validatedWeights(adapterCount: tasks)
            } catch let error as KernelError {
                throw ValidationError(error.description)
            }
        }

        func run() throws {
            try guarded {
                try MeasurementRecording.checkStore(database.db)
                let started = Date()
                let chosen = try MergeMethod.named(method)
                let result = try MergeBenchmark.run(
                    method: chosen, density: density ?? (chosen.needsDensity ? 0.5 : nil), tasks: tasks, elements: elements,
                    majoritySign: MajoritySign(rawValue: majoritySign) ?? .total, seed: seed, repetitions: repetitions,
                    kernels: try MergeKernels.named(kernels), comparePortable: !noPortablePeer)
                try MeasurementRecording.storeAndPrint(
                    benchmark: "bench merge \(result.method)", seconds: result.seconds, json: BenchOutput.json(result.output),
                    table: BenchOutput.table(result.output), format: format.output, seed: seed, started: started, database: database.db,
                    kernels: try MergeKernels.named(kernels))
                Console.warnAboutBLASCore()
            }
        }
    }

    /// `plan bench gemm`.
    struct GEMMBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gemm", abstract: "Time sgemm on n × n matrices against this machine's FMA peak, measured in the same run.")

        @Option(help: "Matrix size n.") var size: Int = 2048
        @Option(help: "Repetitions (the best is reported).") var repetitions: Int = 3
        @Option(help: "table or json.") var format: TableOrJSON = .table
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if size < 1 || size > 32768 { throw ValidationError("--size must be between 1 and 32768") }
            if repetitions < 1 { throw ValidationError("--repetitions must be at least 1") }
        }

        func run() throws {
            try guarded {
                try MeasurementRecording.checkStore(database.db)
                let started = Date()
                let result = try GEMMBenchmark.run(size: size, repetitions: repetitions)
                try MeasurementRecording.storeAndPrint(
                    benchmark: "bench gemm \(result.size)", seconds: result.seconds, json: BenchOutput.json(result.output),
                    table: BenchOutput.table(result.output), format: format.output, seed: nil, started: started, database: database.db)
                Console.warnAboutBLASCore()
            }
        }
    }
}
