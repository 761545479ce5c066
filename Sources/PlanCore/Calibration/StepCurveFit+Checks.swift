import Foundation

extension StepCurveFit {
    /// The measured MFU an imported run may show (measured tokens/s × model FLOPs per token / the
    /// GPU's peak): above 1 the log claims more than the GPU can compute; below 1e-7 (the fit's
    /// lowest GEMM efficiency) no curve reproduces it. Documented in docs/commands.md.
    public static let measuredMFURange: ClosedRange<Double> = 1e-7...1

    /// Refuses (`PlanCoreError.invalidRunLog`, exit 65) a fit to imported runs that would store a
    /// profile no estimate can use: a run outside `measuredMFURange`, or any figure of the fit
    /// that is not finite (it could not be written as JSON either).
    public func checkImported() throws {
        let peak = stack.peakFlopsPerSecond(on: baseGPU)
        for row in runs {
            let mfu = row.measuredMFU
            guard mfu.isFinite, Self.measuredMFURange.contains(mfu) else {
                throw PlanCoreError.invalidRunLog(
                    "\(row.run.source): field tokens_per_second_per_gpu: \(String(format: "%.4g", row.measuredTokensPerSecondPerGPU)) tokens/s "
                        + "per GPU is an MFU of \(String(format: "%.3g", mfu)) against \(baseGPU.name)'s peak of "
                        + "\(String(format: "%.4g", peak / 1e12)) TFLOP/s; a measured run's MFU lies between "
                        + "\(String(format: "%g", Self.measuredMFURange.lowerBound)) and \(String(format: "%g", Self.measuredMFURange.upperBound)); "
                        + "check the log's units")
            }
            let figures = [row.fittedTokensPerSecondPerGPU, row.stackTokensPerSecondPerGPU, row.measuredStepSeconds,
                           row.fittedStepSeconds, row.relativeError, row.stackRelativeError, row.modelledPeakMemoryGiB]
            if figures.contains(where: { !$0.isFinite }) || row.loggedFlopsRatio.map({ !$0.isFinite }) == true {
                throw PlanCoreError.invalidRunLog(
                    "\(row.run.source): the fit of this run is not finite (inf or nan); its measured figures are out of range")
            }
        }
        let parameters = [curve.gemmEfficiencyMax, curve.halfEfficiencyTokens, curve.stepOverheadSeconds, curve.communicationOverlap ?? 0,
                          medianAbsError, maxAbsError, stackMedianAbsError]
        if parameters.contains(where: { !$0.isFinite }) {
            throw PlanCoreError.invalidRunLog("the fitted step curve is not finite (inf or nan); the measured runs are out of range")
        }
    }
}
