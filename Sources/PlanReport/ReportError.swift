import Foundation

/// Everything that can go wrong in PlanReport.
public enum ReportError: Error, Equatable, CustomStringConvertible {
    /// gnuplot is not installed or not on PATH.
    case gnuplotMissing
    /// gnuplot ran but failed.
    case gnuplotFailed(status: Int32, message: String)
    /// An output folder or file cannot be written.
    case cannotWrite(path: String, reason: String)
    /// A stored run's document lacks what a report needs (or is not a document).
    case unreadableRun(reason: String)

    public var description: String {
        switch self {
        case .gnuplotMissing:
            return "gnuplot not found on PATH; install it with: apt-get install -y --no-install-recommends gnuplot-nox"
        case let .gnuplotFailed(status, message):
            return "gnuplot failed (exit status \(status)): \(message)"
        case let .cannotWrite(path, reason):
            return "cannot write \(path): \(reason)"
        case let .unreadableRun(reason):
            return "the stored run cannot be read back: \(reason)"
        }
    }
}
