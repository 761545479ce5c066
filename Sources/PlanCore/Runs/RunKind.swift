/// What produced a stored run: the command that recorded it.
///
/// The raw values are the strings the database has always held in `run.kind`, so databases
/// written before this type existed read back the same. A kind this build does not know (a newer
/// `plan` wrote it, or someone edited the file) reads as `.unknown(text)`: it lists, shows and
/// exports like any measured run, and commands that need a particular kind say which they got.
public enum RunKind: Hashable, Sendable, CustomStringConvertible {
    case simulate, sweep, sensitivity, merge, bench, calibrate, validate, quality
    /// A kind this build does not know, with the stored text.
    case unknown(String)

    /// Every kind this build writes.
    public static let known: [RunKind] = [.simulate, .sweep, .sensitivity, .merge, .bench, .calibrate, .validate, .quality]

    /// The stored text; never fails (unknown text becomes `.unknown`).
    public init(rawValue: String) {
        self = Self.known.first { $0.rawValue == rawValue } ?? .unknown(rawValue)
    }

    /// The text stored in `run.kind`.
    public var rawValue: String {
        switch self {
        case .simulate: "simulate"
        case .sweep: "sweep"
        case .sensitivity: "sensitivity"
        case .merge: "merge"
        case .bench: "bench"
        case .calibrate: "calibrate"
        case .validate: "validate"
        case .quality: "quality"
        case let .unknown(text): text
        }
    }

    public var description: String { rawValue }

    /// Kinds are equal when their stored text is (`.unknown("sweep")` is `.sweep`).
    public static func == (a: RunKind, b: RunKind) -> Bool { a.rawValue == b.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    /// Whether this build knows the kind.
    public var isKnown: Bool {
        if case .unknown = self { return false }
        return true
    }
}
