import PlanCore

extension KernelRates {
    /// Rates between `self` (weight 0) and `other` (weight 1), interpolated linearly in time per
    /// unit (seconds per FLOP, byte or module), the quantity that adds up in a prediction.
    public func blended(with other: KernelRates, weight: Double) -> KernelRates {
        if weight <= 0 { return self }
        if weight >= 1 { return other }
        func rate(_ a: Double, _ b: Double) -> Double { 1 / ((1 - weight) / a + weight / b) }
        func time(_ a: Double, _ b: Double) -> Double { (1 - weight) * a + weight * b }
        return KernelRates(
            matmulFlopsPerSecond: rate(matmulFlopsPerSecond, other.matmulFlopsPerSecond),
            mergeBytesPerSecond: rate(mergeBytesPerSecond, other.mergeBytesPerSecond),
            mergeSecondsPerModule: time(mergeSecondsPerModule, other.mergeSecondsPerModule),
            svdFlopsPerSecond: rate(svdFlopsPerSecond, other.svdFlopsPerSecond),
            memoryBytesPerSecond: rate(memoryBytesPerSecond, other.memoryBytesPerSecond))
    }
}
