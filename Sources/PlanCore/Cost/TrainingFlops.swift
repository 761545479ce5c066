import Foundation

/// FLOPs per trained token of a decoder-only transformer (one multiply-add = 2 FLOPs).
///
/// Sources: Kaplan et al. 2020 ("Scaling Laws", Table 1: forward ≈ 2N + 2·n_layer·n_ctx·d_attn)
/// and the Chinchilla paper (training ≈ 6N: backward = 2 × forward); Korthikanti et al. 2022
/// for activation recomputation (+1 forward); Hu et al. 2021 (LoRA) for the frozen-weight
/// backward, which needs activation gradients but no weight gradients.
public struct TrainingFlops: Sendable, Equatable {
    public let model: ModelArchitecture
    public let method: Finetune.Method
    public let rank: Int
    public let targets: [String]
    public let gradientCheckpointing: Bool

    public init(model: ModelArchitecture, method: Finetune.Method, rank: Int, targets: [String], gradientCheckpointing: Bool) {
        self.model = model
        self.method = method
        self.rank = rank
        self.targets = targets
        self.gradientCheckpointing = gradientCheckpointing
        // Computed once: the simulation prices thousands of jobs per trial.
        self.matmulForward = 2 * model.matmulParameters
        self.adapterFlops = method == .full ? 0 : 3 * 2 * model.loraParameters(rank: rank, targets: targets)
    }

    public init(model: ModelArchitecture, finetune: Finetune) {
        self.init(
            model: model, method: finetune.method, rank: finetune.rank, targets: finetune.targets,
            gradientCheckpointing: finetune.gradientCheckpointing)
    }

    /// Forward matmul FLOPs per token: 2 × matmul parameters (layers + LM head).
    public let matmulForward: Double

    /// Forward attention-score FLOPs per token at `context` tokens per sequence: QKᵀ and A·V,
    /// each 2 · (attended keys) · heads · head_dim per layer. Causal masking means a token
    /// attends to (context + 1) / 2 keys on average (FlashAttention skips masked blocks).
    public func attentionForward(context: Double) -> Double {
        let attended = (context + 1) / 2
        return Double(model.layers) * 2 * 2 * attended * Double(model.heads * model.headDim)
    }

    /// Forward FLOPs per token.
    public func forward(context: Double) -> Double { matmulForward + attentionForward(context: context) }

    /// The adapters' own FLOPs per token: r·(in + out) multiply-adds per adapted projection
    /// forward (2·r·(in+out) FLOPs), and twice that backward (input and weight gradients).
    public let adapterFlops: Double

    /// Training FLOPs per token at `context` tokens per sequence.
    ///
    /// - full: 3 × forward (backward computes activation and weight gradients, 2 × forward).
    /// - lora / qlora: forward + activation-gradient backward (matmuls 1 × forward; attention
    ///   has no weights, so its backward stays 2 × forward) + the adapter terms. QLoRA does the
    ///   same arithmetic on dequantised weights; its dequantisation cost belongs in a lower MFU.
    /// - gradient checkpointing: one more forward.
    public func perToken(context: Double) -> Double {
        let attention = attentionForward(context: context)
        var total: Double
        switch method {
        case .full: total = 3 * (matmulForward + attention)
        case .lora, .qlora: total = 2 * matmulForward + 3 * attention + adapterFlops
        }
        if gradientCheckpointing { total += forward(context: context) }
        return total
    }
}
