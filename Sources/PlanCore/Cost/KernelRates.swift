import Foundation

/// Rates of one machine for small-model merging, measured by `plan calibrate`: what
/// `CPUMergeModel` prices a merge with, and the memory bandwidth the calibrated CPU device
/// carries. Training steps are priced by the step-time model with a curve fitted to whole timed
/// steps (`StepCurve`), not from per-kernel rates.
public struct KernelRates: Sendable, Equatable, Codable {
    /// Projection and LM-head GEMMs at the model's own shapes (forward and input-gradient
    /// products), FLOP/s; prices the FLOPs of merges other than the SVD ones.
    public var matmulFlopsPerSecond: Double
    /// Merge pipeline throughput by `MergeCostModel`'s byte count, bytes/s.
    public var mergeBytesPerSecond: Double
    /// Fixed cost per merged module (task gathering, selection set-up), seconds.
    public var mergeSecondsPerModule: Double
    /// Thin SVD (`?gesdd`) rate by the 6mn² + 20n³ count, FLOP/s.
    public var svdFlopsPerSecond: Double
    /// STREAM-like read bandwidth, bytes/s.
    public var memoryBytesPerSecond: Double

    public init(
        matmulFlopsPerSecond: Double, mergeBytesPerSecond: Double, mergeSecondsPerModule: Double, svdFlopsPerSecond: Double,
        memoryBytesPerSecond: Double
    ) {
        self.matmulFlopsPerSecond = matmulFlopsPerSecond
        self.mergeBytesPerSecond = mergeBytesPerSecond
        self.mergeSecondsPerModule = mergeSecondsPerModule
        self.svdFlopsPerSecond = svdFlopsPerSecond
        self.memoryBytesPerSecond = memoryBytesPerSecond
    }
}
