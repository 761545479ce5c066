import Foundation
import PlanCore

/// Calibrated kernel rates as JSON (`rates` in the calibrate and validate documents).
public enum KernelRatesDocument {
    /// A figure to 4 significant digits; large ones are scaled up from an integer so they print
    /// without binary-fraction noise (408800000, not 408799999.99999994).
    public static func figure(_ value: Double) -> JSONValue {
        guard value.isFinite, abs(value) >= 1e4 else { return .rounded(value, digits: 4) }
        let scale = pow(10, floor(log10(abs(value))) - 3)
        return .number((value / scale).rounded() * scale)
    }

    public static func make(_ r: KernelRates) -> JSONValue {
        .object([
            ("matmul_flops_per_second", figure(r.matmulFlopsPerSecond)),
            ("merge_bytes_per_second", figure(r.mergeBytesPerSecond)),
            ("merge_seconds_per_module", figure(r.mergeSecondsPerModule)),
            ("svd_flops_per_second", figure(r.svdFlopsPerSecond)),
            ("memory_bytes_per_second", figure(r.memoryBytesPerSecond)),
        ])
    }
}
