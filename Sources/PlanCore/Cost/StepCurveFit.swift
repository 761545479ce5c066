import Foundation

/// Fits a device's `StepCurve` to measured step times with the step-time model itself as the
/// forward model (one model for catalog GPUs, imported runs and the CPU).
///
/// With T_half fixed (the stack's `half_efficiency_ridges` × the device's ridge point), every
/// modelled step is linear in 1/η_max and the per-step overhead O:
///
///     step_i = GEMM_i(η = 1) / η_max + (memory-bound + optimizer + communication)_i + O
///
/// so both follow from weighted linear least squares on relative errors (weights 1 / measured²).
/// A negative overhead is clamped to 0 and η_max refitted alone; η_max is kept in (0, 1].
/// With a single sample only η_max is fitted (O = the stack's overhead).
public enum StepCurveFit {
    /// One measured run: its job and the seconds of one optimizer step.
    public struct Sample: Sendable, Equatable {
        public var job: TrainingJob
        public var stepSeconds: Double
        public init(job: TrainingJob, stepSeconds: Double) {
            self.job = job
            self.stepSeconds = stepSeconds
        }
    }

    /// The fitted curve and each sample's predicted step seconds with it.
    public struct Result: Sendable, Equatable {
        public var curve: StepCurve
        public var predictedStepSeconds: [Double]
        /// predicted / measured − 1 per sample.
        public var relativeErrors: [Double]
    }

    /// Fits η_max and the step overhead of `gpu` running `stack` to `samples`.
    /// - Throws: `PlanCoreError.invalidArgument` for no samples or non-positive timings.
    public static func fit(_ samples: [Sample], gpu: GPUSpec, stack: SoftwareStack, networkBytesPerSecond: Double = 50e9) throws -> Result {
        guard !samples.isEmpty else { throw PlanCoreError.invalidArgument("no measured steps to fit") }
        for sample in samples where !(sample.stepSeconds.isFinite && sample.stepSeconds > 0) {
            throw PlanCoreError.invalidArgument("a measured step time must be a positive number, got \(sample.stepSeconds)")
        }
        var unit = gpu
        let halfTokens = stack.halfEfficiencyRidges * stack.peakFlopsPerSecond(on: gpu) / gpu.memoryBytesPerSecond
        unit.stepCurve = StepCurve(gemmEfficiencyMax: 1, halfEfficiencyTokens: halfTokens, stepOverheadSeconds: 0,
                                   communicationOverlap: gpu.stepCurve?.communicationOverlap)
        let model = StepTimeModel(stack: stack, networkBytesPerSecond: networkBytesPerSecond)
        var x: [Double] = [], rest: [Double] = [], y: [Double] = []
        for sample in samples {
            let step = model.step(sample.job, gpu: unit)
            x.append(step.gemm)
            rest.append(step.memoryBound + step.optimizer + step.communication)
            y.append(sample.stepSeconds)
        }
        // Weighted least squares for y − rest = u·x + o, weights 1/y².
        var sww = 0.0, swx = 0.0, swxx = 0.0, swr = 0.0, swxr = 0.0
        for i in y.indices {
            let w = 1 / (y[i] * y[i]), r = y[i] - rest[i]
            sww += w; swx += w * x[i]; swxx += w * x[i] * x[i]; swr += w * r; swxr += w * x[i] * r
        }
        var u: Double, o: Double
        let determinant = sww * swxx - swx * swx
        if samples.count >= 2, abs(determinant) > 1e-18 * max(1, sww * swxx) {
            u = (sww * swxr - swx * swr) / determinant
            o = (swr - u * swx) / sww
        } else {
            o = stack.stepOverheadSeconds
            u = swxx > 0 ? (swxr - o * swx) / swxx : 1
        }
        if o < 0 {
            o = 0
            u = swxx > 0 ? swxr / swxx : 1
        }
        let eta = min(1, max(1e-6, u > 0 ? 1 / u : 1))
        let curve = StepCurve(gemmEfficiencyMax: eta, halfEfficiencyTokens: halfTokens, stepOverheadSeconds: o,
                              communicationOverlap: gpu.stepCurve?.communicationOverlap)
        var fitted = gpu
        fitted.stepCurve = curve
        let predicted = samples.map { model.step($0.job, gpu: fitted).total }
        return Result(curve: curve, predictedStepSeconds: predicted,
                      relativeErrors: zip(predicted, y).map { $0 / $1 - 1 })
    }
}
