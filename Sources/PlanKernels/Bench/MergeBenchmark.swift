import Foundation

/// Times a merge preset on synthetic task vectors and compares it with the time to stream the
/// inputs once, measured in the same run (`peakFraction` = stream time / merge time; 1 would mean
/// the merge costs one read of its inputs; a two-pass top-k merge cannot pass about 0.45).
public enum MergeBenchmark {
    /// The outcome of one benchmark run.
    public struct Result: Sendable, Codable, Equatable {
        /// Method name.
        public let method: String
        /// Number of task vectors.
        public let tasks: Int
        /// Elements per task vector.
        public let elements: Int
        /// Density used (nil for methods without pruning).
        public let density: Double?
        /// Best merge time, seconds.
        public let seconds: Double
        /// Bytes read and written by the merge (inputs once + output once) / seconds, in GB/s (1e9 B).
        public let gbPerS: Double
        /// Best time to read the inputs once, seconds.
        public let streamSeconds: Double
        /// Read bandwidth of the stream pass, GB/s.
        public let streamGBPerS: Double
        /// streamSeconds / seconds.
        public let peakFraction: Double
        /// The merge kernels timed (`portable`, `avx2` or `avx512`).
        public let kernels: String
        /// Best time of the same merge with the portable Swift kernels, measured in the same run
        /// (nil when the portable kernels are the ones timed).
        public let portableSeconds: Double?
        /// `openblas_get_corename()`.
        public let blasCore: String
        /// Worker threads used by the merge kernels.
        public let threads: Int
    }

    /// Runs `method` (an elementwise preset: linear, ties, dare_linear, dare_ties, magnitude_prune)
    /// on `tasks` × `elements` synthetic values with `kernels`, best of `repetitions`; the read
    /// reference always uses the fastest read this CPU has. With `comparePortable`, the portable
    /// kernels are timed too, as a peer.
    /// - Throws: `KernelError.invalidArgument` for other methods, non-positive sizes or bad density.
    /// - Complexity: O(tasks × elements) per repetition; memory 4·(tasks + 1)·elements bytes.
    public static func run(
        method: MergeMethod, density: Double?, tasks: Int, elements: Int,
        majoritySign: MajoritySign = .total, seed: UInt64 = 1, repetitions: Int = 3,
        kernels: MergeKernels = .fastest, comparePortable: Bool = true
    ) throws -> Result {
        guard method.route == .factors else {
            throw KernelError.invalidArgument(
                "bench merge times the elementwise methods (linear, ties, dare_linear, dare_ties, magnitude_prune), not \(method.name)")
        }
        guard tasks > 0, elements > 0, repetitions > 0 else {
            throw KernelError.invalidArgument("--tasks, --elements and --repetitions must be positive")
        }
        try checkLimits(tasks: tasks, elements: elements, repetitions: repetitions, comparePortable: comparePortable && kernels != .portable)
        let options = MergeOptions(method: method, density: density, majoritySign: majoritySign, seed: seed)
        let weights = try options.validatedWeights(adapterCount: tasks).map { Float($0) }
        var pipeline = method.pipeline(density: density ?? 1, majoritySign: majoritySign, seed: seed)
        let inputs = SyntheticTasks.make(tasks: tasks, elements: elements, seed: seed)
        let streamSeconds = MemoryBandwidth.readSeconds(inputs, repetitions: repetitions + 2)
        // The output buffer is allocated once, outside the timing, as STREAM's arrays are.
        var merged = [Float](repeating: 0, count: elements)
        func time(_ chosen: MergeKernels) throws -> Double {
            pipeline.kernels = chosen
            return try Stopwatch.best(of: repetitions) { try pipeline.merge(inputs, weights: weights, into: &merged) }
        }
        let seconds = try time(kernels)
        let portableSeconds = comparePortable && kernels != .portable ? try time(.portable) : nil
        withExtendedLifetime(merged) {}
        let inputBytes = Double(tasks * elements * 4)
        return Result(
            method: method.name, tasks: tasks, elements: elements, density: density, seconds: seconds,
            gbPerS: (inputBytes + Double(elements * 4)) / seconds / 1e9,
            streamSeconds: streamSeconds, streamGBPerS: inputBytes / streamSeconds / 1e9,
            peakFraction: streamSeconds / seconds, kernels: kernels.rawValue, portableSeconds: portableSeconds,
            blasCore: BLASInfo.current().coreName, threads: Parallel.threads)
    }

    /// Bytes a run allocates: the inputs and the output, and a working copy of each task (the
    /// exact top-k path copies a task), 4 bytes each: 4·(2·tasks + 2)·elements.
    public static func estimatedBytes(tasks: Int, elements: Int) -> Double {
        4 * (2 * Double(tasks) + 2) * Double(elements)
    }

    /// Checks the product of the arguments against `BenchLimits` before anything is allocated:
    /// the bytes allocated, and the bytes streamed (every merge and read reference reads the inputs once).
    public static func checkLimits(tasks: Int, elements: Int, repetitions: Int, comparePortable: Bool) throws {
        try BenchLimits.checkBytes(estimatedBytes(tasks: tasks, elements: elements), what: "bench merge")
        let passes = Double(repetitions) * (comparePortable ? 2 : 1) + Double(repetitions) + 2
        let streamed = 4 * Double(tasks) * Double(elements) * passes
        guard streamed <= BenchLimits.maximumStreamedBytes else {
            throw KernelError.invalidArgument(
                "bench merge would stream about \(String(format: "%.3g", streamed)) bytes (inputs × \(Int(passes)) passes), more than the limit of "
                    + "\(String(format: "%.0e", BenchLimits.maximumStreamedBytes)); use fewer --repetitions, --tasks or --elements")
        }
    }
}
