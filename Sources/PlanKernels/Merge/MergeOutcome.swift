/// A merged adapter and what it took to make it.
public struct MergeOutcome: Sendable {
    /// The merged adapter (scaling 1: r = lora_alpha = `rank`).
    public let adapter: LoRAAdapter
    /// Rank of the merged adapter.
    public let rank: Int
    /// Elements of all input factors that were read.
    public let inputElements: Int
    /// Elements of the merged factors.
    public let outputElements: Int
    /// Wall-clock seconds of the merge itself (no file I/O).
    public let seconds: Double
    /// The BLAS that ran it.
    public let blas: BLASInfo
    /// The merge kernels that ran the elementwise passes.
    public let kernels: MergeKernels
}
