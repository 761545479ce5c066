import Foundation

/// Limits on what one `plan bench` run may allocate and compute, checked from its arguments
/// before anything is allocated (each argument is bounded on its own, but not their product:
/// `--d-model 16384 --layers 256` asks for terabytes). Documented in docs/commands.md.
public enum BenchLimits {
    /// Bytes a benchmark may allocate, whatever the machine: 32 GiB.
    public static let maximumBytes: Double = 32 * 1_073_741_824
    /// Floating-point operations a `bench finetune` run may do (warm-up and timed steps, sgemm
    /// reference): 1e15, about a quarter of an hour at 1 TFLOP/s.
    public static let maximumFlops: Double = 1e15
    /// Bytes a `bench merge` run may stream (its reads of the inputs over every repetition):
    /// 1e13, about a quarter of an hour at 10 GB/s.
    public static let maximumStreamedBytes: Double = 1e13

    /// Bytes a benchmark may allocate on this machine: the smaller of `maximumBytes` and half of
    /// its physical memory.
    public static var allowedBytes: Double { min(maximumBytes, Double(ProcessInfo.processInfo.physicalMemory) / 2) }

    /// Throws `KernelError.invalidArgument` (exit 64) naming the limit when `bytes` exceed `allowedBytes`.
    public static func checkBytes(_ bytes: Double, what: String) throws {
        let allowed = allowedBytes
        guard bytes.isFinite, bytes <= allowed else {
            throw KernelError.invalidArgument(
                "\(what) would allocate about \(gib(bytes)) GiB, more than the limit of \(gib(allowed)) GiB "
                    + "(the smaller of \(gib(maximumBytes)) GiB and half of this machine's memory); use smaller sizes")
        }
    }

    static func gib(_ bytes: Double) -> String {
        bytes.isFinite ? String(format: "%.1f", bytes / 1_073_741_824) : "unboundedly many"
    }
}
