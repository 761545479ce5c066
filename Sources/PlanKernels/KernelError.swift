/// Everything that can go wrong in PlanKernels, with a lower-case message that says what failed
/// and how to fix it.
///
/// Commands map each case to an exit code through `kind` (usage 64, invalid data 65, missing
/// input 66, internal 70, cannot create output 73).
public enum KernelError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An option or argument is invalid (bad method name, negative density, weights count, ...).
    case invalidArgument(String)
    /// A file exists but its content is not valid (truncated safetensors, bad JSON, NaN, ...).
    case invalidData(path: String, reason: String)
    /// A required input file or folder does not exist or cannot be read.
    case missingInput(path: String, reason: String)
    /// An output file or folder cannot be created or written.
    case cannotCreateOutput(path: String, reason: String)
    /// Matrix shapes do not fit an operation (a bug in the caller, or inconsistent inputs).
    case shapeMismatch(String)
    /// A LAPACK routine reported failure.
    case lapackFailure(routine: String, info: Int)

    /// The broad category of a failure, for exit codes.
    public enum Kind: Sendable, Equatable {
        case usage, invalidData, missingInput, internalFailure, cannotCreateOutput
    }

    /// The category of this failure.
    public var kind: Kind {
        switch self {
        case .invalidArgument: .usage
        case .invalidData, .shapeMismatch: .invalidData
        case .missingInput: .missingInput
        case .cannotCreateOutput: .cannotCreateOutput
        case .lapackFailure: .internalFailure
        }
    }

    public var description: String {
        switch self {
        case .invalidArgument(let message):
            message
        case .invalidData(let path, let reason):
            "\(path): \(reason)"
        case .missingInput(let path, let reason):
            "\(path): \(reason)"
        case .cannotCreateOutput(let path, let reason):
            "\(path): cannot create output: \(reason)"
        case .shapeMismatch(let message):
            "shape mismatch: \(message)"
        case .lapackFailure(let routine, let info):
            "\(routine) failed with info \(info); the input matrix may contain nan or inf values, check the adapters"
        }
    }
}
