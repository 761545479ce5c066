/// How each task vector is thinned before merging.
public enum Sparsification: Sendable, Equatable {
    /// Keep every entry.
    case none
    /// Keep exactly k = floor(density · count) entries of largest magnitude (TIES, magnitude_prune).
    case magnitude(density: Double)
    /// DARE: keep each entry with probability density and divide kept entries by density.
    case dare(density: Double)

    /// The density, or nil for `.none`.
    public var density: Double? {
        switch self {
        case .none: nil
        case .magnitude(let density), .dare(let density): density
        }
    }
}
