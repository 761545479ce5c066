import Foundation

/// Achieved GEMM efficiency as a function of the work in one micro-step:
///
///     η(T) = η_max · T / (T + T_half)
///
/// T is tokens per GPU per micro-step (the M dimension of every projection GEMM). The form is the
/// roofline of a GEMM that must read its weights once per pass: time = 2·T·P / (peak·η_max) +
/// c·P / bandwidth, whose efficiency is exactly η_max · T / (T + T_half) with T_half proportional to
/// the device's ridge point (peak / bandwidth). It rises with T, is 0 at T = 0, η_max / 2 at
/// T_half, and saturates at η_max.
public struct StepCurve: Sendable, Equatable, Codable {
    /// Saturated efficiency: the fraction of the dense peak that large GEMMs of this stack reach.
    public var gemmEfficiencyMax: Double
    /// Tokens per micro-step at which the efficiency is half of `gemmEfficiencyMax`.
    public var halfEfficiencyTokens: Double
    /// Fixed seconds per optimizer step (data loading, launch gaps, logging, host sync).
    public var stepOverheadSeconds: Double
    /// Fraction of communication hidden behind compute, when fitted; nil → the stack's.
    public var communicationOverlap: Double?

    public init(gemmEfficiencyMax: Double, halfEfficiencyTokens: Double, stepOverheadSeconds: Double,
                communicationOverlap: Double? = nil) {
        self.gemmEfficiencyMax = gemmEfficiencyMax
        self.halfEfficiencyTokens = halfEfficiencyTokens
        self.stepOverheadSeconds = stepOverheadSeconds
        self.communicationOverlap = communicationOverlap
    }

    /// η(T) for `tokens` tokens per micro-step.
    public func efficiency(tokens: Double) -> Double {
        guard tokens > 0 else { return 0 }
        return gemmEfficiencyMax * tokens / (tokens + halfEfficiencyTokens)
    }
}
