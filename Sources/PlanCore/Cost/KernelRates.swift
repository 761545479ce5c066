import Foundation

/// Rates of one machine for small-model training and merging, measured by `plan calibrate`: the
/// parts a GPU-scale FLOPs / (peak × MFU) estimate folds into MFU, kept apart because at small
/// sizes on a CPU they are a large share of a step.
///
/// FLOP rates are sustained rates of the GEMMs a step issues, at the model's own shapes.
/// Elementwise kernels are priced per element touched (forward and backward together), the
/// optimizer per trainable parameter; both are memory- or latency-bound, not FLOP-bound.
public struct KernelRates: Sendable, Equatable, Codable {
    /// Projection and LM-head GEMMs (forward and input-gradient products), FLOP/s.
    public var matmulFlopsPerSecond: Double
    /// LoRA factor GEMMs (rank-wide, skinny), FLOP/s.
    public var adapterFlopsPerSecond: Double
    /// Attention GEMMs (S × S × head_dim per sequence and head), FLOP/s.
    public var attentionFlopsPerSecond: Double
    /// RMSNorm forward + backward, seconds per normalised element.
    public var normSecondsPerElement: Double
    /// SwiGLU forward + backward, seconds per hidden element.
    public var activationSecondsPerElement: Double
    /// Causal softmax forward + backward, seconds per score element of the S × S square.
    public var softmaxSecondsPerElement: Double
    /// Rotary embedding forward + backward, seconds per rotated q/k element.
    public var rotarySecondsPerElement: Double
    /// Softmax cross-entropy forward + backward, seconds per logit.
    public var crossEntropySecondsPerElement: Double
    /// Residual-stream copies and embedding lookups, seconds per element copied.
    public var copySecondsPerElement: Double
    /// AdamW, seconds per trainable parameter.
    public var optimizerSecondsPerParameter: Double
    /// Fixed cost of one training step (loading the batch, BLAS call and thread wake-up latency
    /// not covered by the per-shape rates), seconds.
    public var secondsPerStep: Double
    /// Merge pipeline throughput by `MergeCostModel`'s byte count, bytes/s.
    public var mergeBytesPerSecond: Double
    /// Fixed cost per merged module (task gathering, selection set-up), seconds.
    public var mergeSecondsPerModule: Double
    /// Thin SVD (`?gesdd`) rate by the 6mn² + 20n³ count, FLOP/s.
    public var svdFlopsPerSecond: Double
    /// STREAM-like read bandwidth, bytes/s.
    public var memoryBytesPerSecond: Double

    public init(
        matmulFlopsPerSecond: Double, adapterFlopsPerSecond: Double, attentionFlopsPerSecond: Double,
        normSecondsPerElement: Double, activationSecondsPerElement: Double, softmaxSecondsPerElement: Double,
        rotarySecondsPerElement: Double, crossEntropySecondsPerElement: Double, copySecondsPerElement: Double,
        optimizerSecondsPerParameter: Double, secondsPerStep: Double, mergeBytesPerSecond: Double,
        mergeSecondsPerModule: Double, svdFlopsPerSecond: Double, memoryBytesPerSecond: Double
    ) {
        self.matmulFlopsPerSecond = matmulFlopsPerSecond
        self.adapterFlopsPerSecond = adapterFlopsPerSecond
        self.attentionFlopsPerSecond = attentionFlopsPerSecond
        self.normSecondsPerElement = normSecondsPerElement
        self.activationSecondsPerElement = activationSecondsPerElement
        self.softmaxSecondsPerElement = softmaxSecondsPerElement
        self.rotarySecondsPerElement = rotarySecondsPerElement
        self.crossEntropySecondsPerElement = crossEntropySecondsPerElement
        self.copySecondsPerElement = copySecondsPerElement
        self.optimizerSecondsPerParameter = optimizerSecondsPerParameter
        self.secondsPerStep = secondsPerStep
        self.mergeBytesPerSecond = mergeBytesPerSecond
        self.mergeSecondsPerModule = mergeSecondsPerModule
        self.svdFlopsPerSecond = svdFlopsPerSecond
        self.memoryBytesPerSecond = memoryBytesPerSecond
    }
}
