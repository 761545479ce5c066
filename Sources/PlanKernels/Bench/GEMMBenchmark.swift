/// Times `sgemm` on square matrices and compares the rate with the machine's FMA peak, measured in the same run.
public enum GEMMBenchmark {
    /// The outcome of one benchmark run.
    public struct Result: Sendable, Codable, Equatable {
        /// Matrix size n (n × n times n × n).
        public let size: Int
        /// Best time of one product, seconds.
        public let seconds: Double
        /// 2n³ / seconds, in GFLOP/s.
        public let gflops: Double
        /// The FMA peak it is compared with (measured where possible; `peak.method` says how).
        public let peak: FMAPeak
        /// gflops / peak.gflops.
        public let peakFraction: Double
        /// `openblas_get_corename()`.
        public let blasCore: String
        /// `openblas_get_num_threads()`.
        public let threads: Int
    }

    /// Multiplies two seeded random n × n Float matrices, best of `repetitions` (after a warm-up).
    /// - Throws: `KernelError.invalidArgument` when `size < 1`.
    /// - Complexity: O(n³) per repetition; memory 12·n² bytes.
    public static func run(size: Int = 2048, repetitions: Int = 3, seed: UInt64 = 1) throws -> Result {
        guard size >= 1 else { throw KernelError.invalidArgument("--size must be positive") }
        let values = SyntheticTasks.make(tasks: 2, elements: size * size, seed: seed)
        let a = try Matrix(rows: size, columns: size, columnMajor: values[0])
        let b = try Matrix(rows: size, columns: size, columnMajor: values[1])
        _ = try Matrix.product(a, b)
        var product = Matrix<Float>(zeros: 0, 0)
        let seconds = try Stopwatch.best(of: repetitions) { product = try Matrix.product(a, b) }
        withExtendedLifetime(product) {}
        let gflops = 2 * Double(size) * Double(size) * Double(size) / seconds / 1e9
        let peak = FMAPeak.current()
        let info = BLASInfo.current()
        return Result(
            size: size, seconds: seconds, gflops: gflops, peak: peak, peakFraction: gflops / peak.gflops,
            blasCore: info.coreName, threads: info.threads)
    }
}
