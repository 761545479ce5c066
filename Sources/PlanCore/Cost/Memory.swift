import Foundation

/// Byte-size constants and the bytes per parameter of each storage format the memory model uses.
public enum Memory {
    /// 2^30 bytes.
    public static let gib = 1_073_741_824.0
    /// bf16 / fp16: 2 bytes.
    public static let bf16Bytes = 2.0
    /// fp32: 4 bytes.
    public static let fp32Bytes = 4.0
    /// fp8 (E4M3 / E5M2): 1 byte.
    public static let fp8Bytes = 1.0
    /// NF4 with double quantisation (bitsandbytes `quantize_4bit`, blocksize 64, `compress_statistics`):
    /// 4 bits + 8-bit absmax per 64 + fp32 constant per 256 blocks = 4 + 8/64 + 32/(64·256) = 4.127 bits.
    public static let nf4DoubleQuantBytes: Double = 4.126953125 / 8
    /// Fixed per-GPU overhead: the CUDA context (~0.5 GiB), cuBLAS / NCCL workspaces and allocator
    /// slack that `torch.cuda.max_memory_allocated` does not count but that the device must hold.
    public static let perGPUOverheadBytes = 1.0 * gib
}

/// How a job's model state is spread over its GPUs.
public enum Sharding: String, Sendable, CaseIterable, Equatable, Codable {
    /// Every GPU holds everything (single GPU, or DDP).
    case none
    /// FSDP FULL_SHARD / ZeRO-3: weights, gradients and optimizer states divided by the GPU count.
    case fsdp
}

/// The precision recipe of full fine-tuning.
public enum PrecisionRecipe: String, Sendable, CaseIterable, Equatable, Codable {
    /// bf16 compute weights, fp32 master weights, fp32 gradients and fp32 AdamW moments
    /// (2 + 4 + 4 + 8 = 18 B/param: DeepSpeed's ZeRO-3 estimator, llm-analysis).
    case mixed
    /// Pure bf16 weights, gradients and moments, plus one parameter-sized temporary in the
    /// optimizer step (torch AdamW foreach): 2 + 2 + 4 + 2 = 10 B/param (fms-acceleration's measured
    /// 67.5 GiB = 5 × the weights of Mistral-7B).
    case bf16
}
