import Foundation

/// LoRA adapters served unmerged on one base model (multi-LoRA serving: each request names its
/// adapter; a batch mixes requests of several). A merged adapter is folded into the weights and is
/// served as the dense model: pass nil instead.
public struct ServingAdapters: Sendable, Equatable {
    /// Distinct adapters served (≥ 1), requests spread over them.
    public var count: Int
    /// LoRA rank of every adapter (≥ 1).
    public var rank: Int
    /// Adapted projections in PEFT's naming (`ModelArchitecture.projectionNames`).
    public var targets: [String]

    public init(count: Int, rank: Int, targets: [String] = ModelArchitecture.projectionNames) {
        self.count = count
        self.rank = rank
        self.targets = targets
    }
}
