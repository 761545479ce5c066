import Foundation
import PlanCore
import PlanKernels
import PlanRandom

/// `plan calibrate`: measures this machine's rates for the validation model — the step-time
/// curve fitted to timed training steps, the projection GEMMs at the model's shapes, memory
/// bandwidth (STREAM-like), the merge kernel at the model's adapter shapes and the SVD — with
/// the OpenBLAS core, thread count and build configuration they were measured under.
///
/// The result is plain values; the command layer turns it into a stored machine profile.
public struct Calibration: Sendable, Equatable {
    /// The rates the merge predictions and the CPU device use.
    public var rates: KernelRates
    /// sgemm n × n × n in the same run, FLOP/s, and its n.
    public var sgemmFlopsPerSecond: Double
    public var sgemmSize: Int
    /// Estimated FMA peak, FLOP/s, and how it was estimated.
    public var fmaPeakFlopsPerSecond: Double
    public var fmaPeakMethod: String
    public var blas: BLASInfo
    /// "release" or "debug".
    public var buildConfiguration: String
    /// The OpenBLAS core warning, when generic kernels run on a CPU with faster ones.
    public var coreWarning: String?
    /// Installed memory, bytes.
    public var memoryBytes: Double
    /// Nominal package power used for energy figures, W (not measured).
    public var boardWatts: Double
    /// The setup the rates belong to.
    public var setupName: String
    /// Wall time of the calibration, seconds.
    public var seconds: Double
    /// The step-time model's curve for this CPU, fitted to real training steps
    /// (`StepCalibration`), and the points it was fitted to.
    public var stepCurve: StepCurve
    public var stepPoints: [StepCalibration.Point]

    /// The software stack of the validation transformer (`cpu` in `Resources/stacks.yaml`).
    public static func stack() throws -> SoftwareStack {
        do { return try Catalog.bundled().stack("cpu") } catch { throw ValidateError.invalidArgument("\(error)") }
    }

    /// This CPU as a device of the step-time model (FMA peak, stream bandwidth, RAM, fitted curve).
    public var device: GPUSpec {
        StepCalibration.device(name: "this cpu", peakFlopsPerSecond: fmaPeakFlopsPerSecond, memoryBytesPerSecond: rates.memoryBytesPerSecond,
                               memoryBytes: memoryBytes, watts: boardWatts, curve: stepCurve)
    }

    /// "release" or "debug", as compiled.
    public static var buildConfiguration: String {
        #if DEBUG
        "debug"
        #else
        "release"
        #endif
    }

    /// Nominal package power of the machine for energy figures (a documented assumption).
    public static let nominalWatts = 65.0

    /// Progress steps of a calibration (`run` reports 0 … `progressSteps`).
    public static let progressSteps = 6

    /// Runs the calibration for `setup`; `progress` receives (step, steps) as it goes. The timed
    /// training steps run on `base` (the validation's pretrained base) when given, else on the
    /// setup's seeded random base.
    /// - Throws: `ValidateError` when a kernel fails.
    public static func run(
        setup: ValidationSetup, base: [Float]? = nil, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> Calibration {
        try setup.validate()
        let started = DispatchTime.now().uptimeNanoseconds
        let steps = progressSteps
        do {
            progress(0, steps)
            let matmul = try ProjectionGEMMBenchmark.flopsPerSecond(
                config: setup.config, sequences: setup.sequencesPerStep, repetitions: setup.calibrationRepetitions)
            progress(1, steps)
            let merge = try mergeRates(setup)
            progress(2, steps)
            let svd = try svdRate(setup)
            let stream = try MergeBenchmark.run(
                method: .linear, density: nil, tasks: 1, elements: setup.name == "tiny" ? 1 << 16 : 1 << 23,
                repetitions: setup.calibrationRepetitions)
            progress(3, steps)
            let sgemmSize = setup.name == "tiny" ? 128 : 1024
            let gemm = try GEMMBenchmark.run(size: sgemmSize, repetitions: max(2, setup.calibrationRepetitions))
            progress(4, steps)
            let memoryBytes = Double(ProcessInfo.processInfo.physicalMemory)
            let stepFit: StepCalibration.Result
            do {
                stepFit = try StepCalibration.run(
                    setup: setup, base: base, stack: try stack(), peakFlopsPerSecond: gemm.peak.gflops * 1e9,
                    memoryBytesPerSecond: stream.streamGBPerS * 1e9, memoryBytes: memoryBytes)
            } catch let error as PlanCoreError {
                throw ValidateError.kernelFailure("fitting the step-time curve: \(error)")
            }
            progress(5, steps)
            let rates = KernelRates(
                matmulFlopsPerSecond: matmul, mergeBytesPerSecond: merge.bytesPerSecond, mergeSecondsPerModule: merge.secondsPerModule,
                svdFlopsPerSecond: svd, memoryBytesPerSecond: stream.streamGBPerS * 1e9)
            let blas = BLASInfo.current()
            progress(steps, steps)
            return Calibration(
                rates: rates, sgemmFlopsPerSecond: gemm.gflops * 1e9, sgemmSize: sgemmSize, fmaPeakFlopsPerSecond: gemm.peak.gflops * 1e9,
                fmaPeakMethod: gemm.peak.method, blas: blas, buildConfiguration: buildConfiguration, coreWarning: blas.coreWarning(),
                memoryBytes: memoryBytes, boardWatts: nominalWatts, setupName: setup.name,
                seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9, stepCurve: stepFit.curve,
                stepPoints: stepFit.points)
        } catch let error as KernelError {
            throw ValidateError.kernelFailure(error.description)
        }
    }

    /// Synthetic adapters with the setup's module shapes and random factors.
    static func syntheticAdapters(_ setup: ValidationSetup, rank: Int, count: Int, seed: UInt64) throws -> [LoRAAdapter] {
        try (0..<count).map { index in
            let tuner = try FineTuner(
                config: setup.config, mode: .lora(rank: rank, alpha: Double(2 * rank), targets: setup.targets), sequencesPerStep: 1,
                baseSeed: 1, adapterSeed: seed + UInt64(index))
            var adapter = try tuner.adapter()
            // B starts at zero in a fresh adapter; give it values like a trained one.
            var generator = Xoshiro256StarStar(seed: seed &+ 1000 &+ UInt64(index))
            for m in adapter.modules.indices {
                let b = adapter.modules[m].b
                adapter.modules[m].b = try Matrix(
                    rows: b.rows, columns: b.columns, columnMajor: (0..<(b.rows * b.columns)).map { _ in (generator.nextUnitFloat() - 0.5) * 0.01 })
            }
            return adapter
        }
    }

    /// Merge throughput by `MergeCostModel`'s byte count and a fixed cost per module, fitted from
    /// merges of synthetic adapters of the setup's shapes at rank r and r / 4, each timed as a
    /// merge job is (`mergeSeconds`).
    static func mergeRates(_ setup: ValidationSetup) throws -> (bytesPerSecond: Double, secondsPerModule: Double) {
        let options = try setup.mergeOptions()
        func point(rank: Int) throws -> (bytes: Double, seconds: Double) {
            let adapters = try syntheticAdapters(setup, rank: rank, count: setup.languages, seed: 100)
            var finetune = setup.finetune
            finetune.rank = rank
            let bytes = MergeCostModel(method: setup.mergeMethod, model: setup.architecture, rank: rank, targets: finetune.targets)
                .work(tasks: setup.languages).bytes
            let seconds = try mergeSeconds(setup) { _ = try AdapterMerger.merge(adapters, options: options) }
            return (bytes, seconds)
        }
        let large = try point(rank: setup.rank)
        let small = try point(rank: max(1, setup.rank / 4))
        let modules = Double(setup.config.layers * setup.targets.count)
        let slope = (large.seconds - small.seconds) / (large.bytes - small.bytes)
        guard slope.isFinite, slope > 0 else { return (large.bytes / large.seconds, 0) }
        let intercept = max(0, large.seconds - large.bytes * slope)
        return (1 / slope, intercept / modules)
    }

    /// The measurement of a merge, in calibration and validation alike: after the BLAS threads
    /// park (`parkBLASThreads`), the median of at least `mergeRepetitions` timed merges, repeated
    /// until they span `mergeTimingSpanSeconds` (at most `mergeRepetitionLimit`). A merge takes
    /// milliseconds: five back to back fit inside one scheduler slice of another process, so
    /// their median was that slice's, not the machine's; spread over a quarter second, a
    /// disturbance shorter than half the span no longer moves the median. The calibration once
    /// used the lower quartile here while the jobs it predicted were medians, which predicted
    /// every merge too fast.
    static func mergeSeconds(_ setup: ValidationSetup, _ merge: () throws -> Void) rethrows -> Double {
        parkBLASThreads()
        var times = try TimingStatistics.seconds(setup.mergeRepetitions, merge)
        let typical = Statistics.median(times)
        if typical > 0 {
            let wanted = min(mergeRepetitionLimit, Int((mergeTimingSpanSeconds / typical).rounded(.up)))
            if wanted > times.count { times += try TimingStatistics.seconds(wanted - times.count, merge) }
        }
        return Statistics.median(times)
    }

    /// How long the repetitions of one merge measurement last together (see `mergeSeconds`).
    static let mergeTimingSpanSeconds = 0.25
    /// The most repetitions of one merge measurement.
    static let mergeRepetitionLimit = 400

    /// Waits until OpenBLAS's worker threads stop spinning. After a GEMM they busy-wait about
    /// 2²⁸ cycles (≈ 0.1 s) for more work; on a two-core machine that takes a core from the merge
    /// kernels' own threads. A merge job normally runs in its own process, with no BLAS threads
    /// spinning, so merges are timed (in calibration and validation alike) after this pause.
    static func parkBLASThreads() {
        usleep(250_000)
    }

    /// `?gesdd` on a d × mlp matrix: (6mn² + 20n³) / seconds, m ≥ n.
    static func svdRate(_ setup: ValidationSetup) throws -> Double {
        let m = max(setup.config.dModel, setup.config.mlp), n = min(setup.config.dModel, setup.config.mlp)
        var generator = Xoshiro256StarStar(seed: 9)
        let matrix = try Matrix<Float>(rows: m, columns: n, columnMajor: (0..<(m * n)).map { _ in generator.nextUnitFloat() - 0.5 })
        let seconds = try Stopwatch.lowerQuartile(of: 3) { _ = try matrix.svd() }
        let (mm, nn) = (Double(m), Double(n))
        return (6 * mm * nn * nn + 20 * nn * nn * nn) / seconds
    }
}
