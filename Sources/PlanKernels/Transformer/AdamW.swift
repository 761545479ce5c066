import Foundation

/// AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay, over one flat parameter
/// array and its gradient.
public struct AdamW: Sendable, Equatable {
    /// Step size.
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    /// Decoupled weight decay per step, as a fraction of the learning rate.
    public var weightDecay: Double

    /// The usual defaults (β = 0.9, 0.999; ε = 1e-8).
    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// Applies update number `step` (1-based) in one fused pass:
    /// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − lr · (m̂ / (√v̂ + ε) + λ · p).
    /// - Complexity: O(parameters); reads p, g, m, v and writes p, m, v once.
    func update<S: TransformerScalar>(
        parameters: BufferScope<S>, gradients: BufferScope<S>, first: BufferScope<S>, second: BufferScope<S>, step: Int
    ) {
        let b1 = S(beta1), b2 = S(beta2)
        let correction1 = 1 - Foundation.pow(beta1, Double(step))
        let correction2 = 1 - Foundation.pow(beta2, Double(step))
        let stepSize = S(learningRate / correction1)
        let rootCorrection2 = S(correction2.squareRoot())
        let eps = S(epsilon), decay = S(learningRate * weightDecay)
        for i in 0..<parameters.count {
            let g = gradients[i]
            let m = b1 * first[i] + (1 - b1) * g
            let v = b2 * second[i] + (1 - b2) * g * g
            first[i] = m
            second[i] = v
            parameters[i] -= stepSize * m / (v.squareRoot() / rootCorrection2 + eps) + decay * parameters[i]
        }
    }
}
