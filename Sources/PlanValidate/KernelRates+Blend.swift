import PlanCore

extension KernelRates {
    /// Rates between `self` (weight 0) and `other` (weight 1), interpolated linearly in time per
    /// unit (seconds per FLOP, byte or element), the quantity that adds up in a prediction.
    public func blended(with other: KernelRates, weight: Double) -> KernelRates {
        if weight <= 0 { return self }
        if weight >= 1 { return other }
        func rate(_ a: Double, _ b: Double) -> Double { 1 / ((1 - weight) / a + weight / b) }
        func time(_ a: Double, _ b: Double) -> Double { (1 - weight) * a + weight * b }
        return KernelRates(
            matmulFlopsPerSecond: rate(matmulFlopsPerSecond, other.matmulFlopsPerSecond),
            adapterFlopsPerSecond: rate(adapterFlopsPerSecond, other.adapterFlopsPerSecond),
            attentionFlopsPerSecond: rate(attentionFlopsPerSecond, other.attentionFlopsPerSecond),
            normSecondsPerElement: time(normSecondsPerElement, other.normSecondsPerElement),
            activationSecondsPerElement: time(activationSecondsPerElement, other.activationSecondsPerElement),
            softmaxSecondsPerElement: time(softmaxSecondsPerElement, other.softmaxSecondsPerElement),
            rotarySecondsPerElement: time(rotarySecondsPerElement, other.rotarySecondsPerElement),
            crossEntropySecondsPerElement: time(crossEntropySecondsPerElement, other.crossEntropySecondsPerElement),
            copySecondsPerElement: time(copySecondsPerElement, other.copySecondsPerElement),
            optimizerSecondsPerParameter: time(optimizerSecondsPerParameter, other.optimizerSecondsPerParameter),
            secondsPerStep: time(secondsPerStep, other.secondsPerStep),
            mergeBytesPerSecond: rate(mergeBytesPerSecond, other.mergeBytesPerSecond),
            mergeSecondsPerModule: time(mergeSecondsPerModule, other.mergeSecondsPerModule),
            svdFlopsPerSecond: rate(svdFlopsPerSecond, other.svdFlopsPerSecond),
            memoryBytesPerSecond: rate(memoryBytesPerSecond, other.memoryBytesPerSecond))
    }
}
