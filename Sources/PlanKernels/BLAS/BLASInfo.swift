import CBLAS

/// What OpenBLAS reports about itself: the kernel set ("core") it picked, its thread count and its
/// build configuration. Record it with every measurement.
public struct BLASInfo: Sendable, Equatable, Codable {
    /// `openblas_get_corename()`, e.g. "SkylakeX", "Haswell" or the generic "Prescott".
    public let coreName: String
    /// `openblas_get_num_threads()`.
    public let threads: Int
    /// `openblas_get_config()`, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Prescott MAX_THREADS=64".
    public let config: String

    /// Reads the values from the linked OpenBLAS.
    public static func current() -> BLASInfo {
        BLASInfo(
            coreName: openblas_get_corename().map { String(cString: $0) } ?? "unknown",
            threads: Int(openblas_get_num_threads()),
            config: openblas_get_config().map { String(cString: $0) } ?? "unknown")
    }

    /// Sets OpenBLAS's thread count for the rest of the process (`openblas_set_num_threads`);
    /// `count` at least 1.
    public static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// A warning when OpenBLAS runs generic kernels on a CPU that has faster ones, else nil.
    public func coreWarning(cpuFlags: Set<String> = CPUFlags.current()) -> String? {
        CoreTypeAdvisor.warning(coreName: coreName, cpuFlags: cpuFlags)
    }
}
