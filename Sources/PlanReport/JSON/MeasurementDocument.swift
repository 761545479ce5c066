import Foundation

/// The JSON stored with runs that measured something (`plan merge`, `plan bench`).
public enum MeasurementDocument {
    /// The machine a measurement ran on: OpenBLAS core, threads and build, merge kernels.
    public static func machine(blasCore: String, threads: Int, blasConfig: String, mergeKernels: String) -> JSONValue {
        .object([
            ("blas_core", .string(blasCore)), ("threads", .number(Double(threads))),
            ("blas_config", .string(blasConfig)), ("merge_kernels", .string(mergeKernels)),
        ])
    }

    /// `document` with ("run_id", id) as its first field (a benchmark's printed and stored document).
    public static func withRunID(_ document: JSONValue, _ id: Int64) -> JSONValue {
        guard case .object(let fields) = document else { return document }
        return .object([("run_id", .number(Double(id)))] + fields)
    }
}
