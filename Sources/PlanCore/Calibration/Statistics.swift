import Foundation

/// Summary statistics shared by the run-log reader, the step-curve fit and the CPU validation,
/// so that a measurement and the prediction it is compared with use the same one.
public enum Statistics {
    /// The median of `values` (the mean of the middle two for an even count; 0 for none).
    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
