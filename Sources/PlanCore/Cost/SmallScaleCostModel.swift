import Foundation

/// The cost model at CPU scale: the same FLOP formulas as `TrainingFlops` and the same merge work
/// as `MergeCostModel`, priced with a machine's measured `KernelRates` instead of peak × MFU, plus
/// the terms that a GPU-scale estimate absorbs into MFU and that dominate small models:
/// attention GEMMs at small sizes, elementwise (memory-bound) kernels, the optimizer, and fixed
/// per-step and per-module costs.
///
/// Training: seconds = steps × step seconds, steps = ⌈sequences / sequences per step⌉ per epoch,
/// where one step processes T = sequences per step × S tokens:
/// - matmul: T · (2 × forward matmul FLOPs per token for LoRA, 3 × for full) / matmul rate;
/// - adapters: T · 6 · r · (in + out) per adapted projection / adapter rate;
/// - attention: T · 3 × forward attention FLOPs / attention rate, where the forward count is the
///   causal one ((S + 1)/2 keys per query) times 2S/(S + 1) when the implementation computes the
///   full S × S square (`denseAttention`);
/// - elementwise: T · Σ_kernel (elements per token × seconds per element), with elements per
///   token from the architecture: RMSNorm (2L + 1)·d, SwiGLU L·mlp, softmax L·heads·S, rotary
///   L·(heads + kv heads)·head_dim, residual copies (2L + 1)·d, cross-entropy vocab;
/// - optimizer: trainable parameters × seconds per parameter; plus the fixed seconds per step.
public struct SmallScaleCostModel: Sendable, Equatable {
    public var model: ModelArchitecture
    public var finetune: Finetune
    public var rates: KernelRates
    /// Sequences per optimizer step.
    public var sequencesPerStep: Int
    /// True when attention GEMMs cover the whole S × S square (masked half computed, then zeroed).
    public var denseAttention: Bool

    public init(model: ModelArchitecture, finetune: Finetune, rates: KernelRates, sequencesPerStep: Int, denseAttention: Bool = true) {
        self.model = model
        self.finetune = finetune
        self.rates = rates
        self.sequencesPerStep = sequencesPerStep
        self.denseAttention = denseAttention
    }

    /// Seconds of one training step, by part.
    public struct StepSeconds: Sendable, Equatable {
        public var matmul: Double
        public var adapter: Double
        public var attention: Double
        public var elementwise: Double
        public var optimizer: Double
        public var fixed: Double
        public var total: Double { matmul + adapter + attention + elementwise + optimizer + fixed }
    }

    /// Tokens per step: sequences per step × sequence length.
    public var tokensPerStep: Double { Double(sequencesPerStep * finetune.sequenceLength) }

    /// Trainable parameters: the adapters' (LoRA) or every stored parameter (full).
    public var trainableParameters: Double {
        finetune.method == .full ? model.totalParameters : model.loraParameters(rank: finetune.rank, targets: finetune.targets)
    }

    /// The seconds of one step.
    public func stepSeconds() -> StepSeconds {
        let flops = TrainingFlops(model: model, finetune: finetune)
        let s = Double(finetune.sequenceLength)
        let t = tokensPerStep
        let full = finetune.method == .full
        let matmul = (full ? 3 : 2) * flops.matmulForward * t / rates.matmulFlopsPerSecond
        let adapter = flops.adapterFlops * t / rates.adapterFlopsPerSecond
        let square = denseAttention ? 2 * s / (s + 1) : 1
        let attention = 3 * flops.attentionForward(context: s) * square * t / rates.attentionFlopsPerSecond
        let l = Double(model.layers), d = Double(model.hidden)
        let perToken = (2 * l + 1) * d * rates.normSecondsPerElement
            + l * Double(model.mlp) * rates.activationSecondsPerElement
            + l * Double(model.heads) * s * rates.softmaxSecondsPerElement
            + l * Double((model.heads + model.kvHeads) * model.headDim) * rates.rotarySecondsPerElement
            + (2 * l + 1) * d * rates.copySecondsPerElement
            + Double(model.vocab) * rates.crossEntropySecondsPerElement
        return StepSeconds(
            matmul: matmul, adapter: adapter, attention: attention, elementwise: perToken * t,
            optimizer: trainableParameters * rates.optimizerSecondsPerParameter, fixed: rates.secondsPerStep)
    }

    /// Optimizer steps to train `sequences` packed sequences for `epochs` epochs.
    public func steps(sequences: Int, epochs: Int) -> Int {
        (sequences + sequencesPerStep - 1) / sequencesPerStep * epochs
    }

    /// A training job over `sequences` packed sequences (`tokens` of them scored or not) for
    /// `epochs` epochs, on one device.
    public func training(name: String, sequences: Int, epochs: Int, energy: EnergyRates) -> JobCost {
        let steps = Double(steps(sequences: sequences, epochs: epochs))
        let perToken = TrainingFlops(model: model, finetune: finetune).perToken(context: Double(finetune.sequenceLength))
        let tokens = steps * tokensPerStep
        return JobCost(kind: .training, name: name, flops: perToken * tokens, bytesMoved: 0, tokens: tokens, gpus: 1,
                       wallSeconds: steps * stepSeconds().total, rates: energy)
    }

    /// A merge of `adapters` LoRA adapters with `method`: `MergeCostModel`'s bytes at the measured
    /// merge throughput, its FLOPs at the matmul rate (SVD FLOPs at the SVD rate for `*svd` and
    /// `knots_*` methods), and the fixed cost per module.
    public func merge(name: String, method: String, adapters: Int, energy: EnergyRates) -> JobCost {
        let work = MergeCostModel(method: method, model: model, rank: finetune.rank, targets: finetune.targets).work(tasks: adapters)
        let modules = Double(model.layers * finetune.targets.filter { model.projectionShape($0) != nil }.count)
        let flopRate = method.hasSuffix("svd") || method.hasPrefix("knots_") ? rates.svdFlopsPerSecond : rates.matmulFlopsPerSecond
        let seconds = work.bytes / rates.mergeBytesPerSecond + work.flops / flopRate + modules * rates.mergeSecondsPerModule
        return JobCost(kind: .merge, name: name, flops: work.flops, bytesMoved: work.bytes, tokens: 0, gpus: 1,
                       wallSeconds: seconds, rates: energy)
    }
}
