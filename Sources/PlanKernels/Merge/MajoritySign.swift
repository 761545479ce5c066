/// How TIES elects the sign of each coordinate across tasks.
public enum MajoritySign: String, Sendable, CaseIterable, Codable {
    /// The sign of the sum of the (pruned, unweighted) values.
    case total
    /// The sign of the sum of the signs (a vote).
    case frequency
}
