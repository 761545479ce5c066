/// Everything that can go wrong in PlanValidate, with a lower-case message that says what failed
/// and how to fix it.
public enum ValidateError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An option is out of range.
    case invalidArgument(String)
    /// A kernel failed (a LAPACK routine, a shape that does not fit).
    case kernelFailure(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): message
        case .kernelFailure(let message): "a validation kernel failed: \(message)"
        }
    }
}
