import Foundation

/// What one serving replica sustains for a workload: its size, its batch and its rates.
public struct ServingCapacity: Sendable, Equatable, Codable {
    /// What bounded the batch.
    public enum BatchLimit: String, Sendable, Equatable, Codable {
        /// The KV cache left after weights, adapters and the reserve.
        case memory
        /// The stack's most sequences per step (`max_num_seqs`).
        case stack
        /// The workload's concurrency (clients in flight, a static batch).
        case concurrency
        /// The time-per-output-token target.
        case latency
    }

    /// Tensor-parallel degree: GPUs one replica shards the model over.
    public var gpusPerReplica: Int
    /// Concurrent sequences per replica.
    public var batch: Int
    /// Decode step time at `batch`, milliseconds: the time between two output tokens of a sequence.
    public var msPerOutputToken: Double
    /// Prompt tokens per second per GPU while prefilling one request of the workload's length alone.
    public var prefillTokensPerSecondPerGPU: Double
    /// Generated tokens per second per GPU, prefill interleaved.
    public var outputTokensPerSecondPerGPU: Double
    /// Input plus output tokens processed per second per GPU.
    public var tokensPerSecondPerGPU: Double
    /// Requests completed per second by one replica.
    public var requestsPerSecondPerReplica: Double
    /// False when even a batch of one misses the latency target (the batch is then 1).
    public var meetsLatencyTarget: Bool
    public var batchLimit: BatchLimit
    /// Distinct adapters one step reads (0 for a dense model).
    public var distinctAdaptersPerBatch: Int
    /// Prefill seconds each request costs the replica inside a running batch.
    public var prefillSecondsPerRequest: Double
    /// Tokens the replica's KV cache holds.
    public var kvCacheTokensPerReplica: Double

    public init(
        gpusPerReplica: Int, batch: Int, msPerOutputToken: Double, prefillTokensPerSecondPerGPU: Double,
        outputTokensPerSecondPerGPU: Double, tokensPerSecondPerGPU: Double, requestsPerSecondPerReplica: Double,
        meetsLatencyTarget: Bool, batchLimit: BatchLimit, distinctAdaptersPerBatch: Int, prefillSecondsPerRequest: Double,
        kvCacheTokensPerReplica: Double
    ) {
        self.gpusPerReplica = gpusPerReplica
        self.batch = batch
        self.msPerOutputToken = msPerOutputToken
        self.prefillTokensPerSecondPerGPU = prefillTokensPerSecondPerGPU
        self.outputTokensPerSecondPerGPU = outputTokensPerSecondPerGPU
        self.tokensPerSecondPerGPU = tokensPerSecondPerGPU
        self.requestsPerSecondPerReplica = requestsPerSecondPerReplica
        self.meetsLatencyTarget = meetsLatencyTarget
        self.batchLimit = batchLimit
        self.distinctAdaptersPerBatch = distinctAdaptersPerBatch
        self.prefillSecondsPerRequest = prefillSecondsPerRequest
        self.kvCacheTokensPerReplica = kvCacheTokensPerReplica
    }

    enum CodingKeys: String, CodingKey {
        case gpusPerReplica = "gpus_per_replica", batch, msPerOutputToken = "ms_per_output_token"
        case prefillTokensPerSecondPerGPU = "prefill_tokens_per_second_per_gpu"
        case outputTokensPerSecondPerGPU = "output_tokens_per_second_per_gpu"
        case tokensPerSecondPerGPU = "tokens_per_second_per_gpu"
        case requestsPerSecondPerReplica = "requests_per_second_per_replica"
        case meetsLatencyTarget = "meets_latency_target", batchLimit = "batch_limit"
        case distinctAdaptersPerBatch = "distinct_adapters_per_batch", prefillSecondsPerRequest = "prefill_seconds_per_request"
        case kvCacheTokensPerReplica = "kv_cache_tokens_per_replica"
    }
}
