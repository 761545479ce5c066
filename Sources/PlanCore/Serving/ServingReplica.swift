import Foundation

/// The serving model's terms for one replica of `gpus` tensor-parallel GPUs: memory per GPU,
/// decode step time at a batch, prefill time per request. `ServingModel` picks the degree and the
/// batch; docs/serving.md has the equations and the source of every parameter.
struct ServingReplica: Sendable {
    let model: ModelArchitecture
    let gpu: GPUSpec
    let stack: ServingStack
    let workload: ServingWorkload
    let adapters: ServingAdapters?
    let gpus: Int

    init(model: ModelArchitecture, gpu: GPUSpec, stack: ServingStack, workload: ServingWorkload,
         adapters: ServingAdapters?, gpus: Int) {
        (self.model, self.gpu, self.stack, self.workload, self.adapters, self.gpus) = (model, gpu, stack, workload, adapters, gpus)
    }

    var degree: Double { Double(gpus) }

    // MARK: sizes

    /// BF16 weights of the whole model, bytes.
    var weightBytes: Double { model.totalParameters * Memory.bf16Bytes }

    /// K and V of one token over all layers, bytes (BF16), for the whole model.
    var kvBytesPerToken: Double { 2 * Double(model.layers * model.kvHeads * model.headDim) * Memory.bf16Bytes }

    /// One GPU's share of a token's KV: its KV heads (replicated when the degree exceeds them).
    var kvBytesPerTokenPerGPU: Double {
        let heads = max(1, (model.kvHeads + gpus - 1) / gpus)
        return kvBytesPerToken * Double(heads) / Double(model.kvHeads)
    }

    /// The rank the LoRA kernels compute at (padded to the stack's minimum).
    var effectiveRank: Int { adapters.map { max($0.rank, stack.loraMinimumRank) } ?? 0 }

    /// Parameters of one adapter at the effective rank: r · (in + out) per adapted matrix and layer.
    var adapterParameters: Double {
        guard let adapters else { return 0 }
        return model.loraParameters(rank: effectiveRank, targets: adapters.targets)
    }

    /// One adapter's weights, bytes (BF16).
    var adapterBytes: Double { adapterParameters * Memory.bf16Bytes }

    /// Adapters held in GPU slots.
    var residentAdapters: Int { adapters.map { min($0.count, stack.maxResidentAdapters) } ?? 0 }

    /// LoRA FLOPs per token: 2 · r · (in + out) per adapted matrix and layer (shrink plus expand).
    var adapterFlopsPerToken: Double { 2 * adapterParameters }

    /// Activation bytes the separate LoRA kernels move per token: the shrink re-reads the input x
    /// (d_in) and the expand reads and writes the output y (2 · d_out), BF16, per matrix and layer.
    var adapterActivationBytesPerToken: Double {
        guard let adapters else { return 0 }
        let perLayer = adapters.targets.reduce(0.0) { sum, name in
            guard let shape = model.projectionShape(name) else { return sum }
            return sum + Double(shape.input + 2 * shape.output) * Memory.bf16Bytes
        }
        return Double(model.layers) * perLayer
    }

    /// Adapted matrices over all layers.
    var adaptedMatrices: Double { Double(model.layers * (adapters?.targets.count ?? 0)) }

    // MARK: memory

    /// Bytes per GPU the KV cache may use: the engine's share of memory less the weights' and
    /// resident adapters' shards and the activation reserve (negative: the model does not fit).
    var kvCacheBytesPerGPU: Double {
        gpu.memoryBytes * stack.memoryUtilization - weightBytes / degree - Double(residentAdapters) * adapterBytes / degree
            - stack.activationReserveBytes
    }

    /// Tokens the replica's KV cache holds.
    var kvCacheTokens: Double { max(0, kvCacheBytesPerGPU / kvBytesPerTokenPerGPU) }

    /// True when the KV cache holds at least one sequence at its full context.
    var fits: Bool { kvCacheTokens >= workload.fullContextTokens }

    /// Most sequences the KV cache holds at their mean context.
    var memoryBatch: Int { Int(min(1e9, (kvCacheTokens / workload.meanContextTokens).rounded(.down))) }

    // MARK: time

    var bandwidth: Double { gpu.memoryBytesPerSecond * stack.decodeBandwidthFraction }
    var flopRate: Double { gpu.peakFlopsPerSecond * stack.prefillEfficiency }

    /// Two all-reduces per layer (after attention and after the MLP) of `tokens` hidden vectors:
    /// a ring moves 2 (t − 1) / t of the data per GPU over the intra-node link, plus a fixed latency.
    func allReduceSeconds(tokens: Double) -> Double {
        guard gpus > 1 else { return 0 }
        let bytes = tokens * Double(model.hidden) * Memory.bf16Bytes
        let perReduce = 2 * (degree - 1) / degree * bytes / gpu.linkBytesPerSecond + stack.allReduceLatencySeconds
        return 2 * Double(model.layers) * perReduce
    }

    /// Distinct adapters a step of `batch` sequences reads.
    func distinctAdapters(batch: Int) -> Int { adapters.map { min(batch, $0.count, stack.maxResidentAdapters) } ?? 0 }

    /// Seconds of one decode step at `batch` sequences: the GEMMs (weights read once, or compute),
    /// attention over the batch's KV cache (its own kernels, so the terms add), the LoRA kernels,
    /// the tensor-parallel all-reduces and the stack's fixed overhead.
    func stepSeconds(batch: Int) -> Double {
        let b = Double(batch)
        let gemm = max(weightBytes / degree / bandwidth, b * 2 * model.matmulParameters / degree / flopRate)
        let context = workload.meanContextTokens
        let attentionFlops = 4 * Double(model.layers) * context * Double(model.heads * model.headDim)
        let attention = max(b * context * kvBytesPerTokenPerGPU / bandwidth, b * attentionFlops / degree / flopRate)
        return gemm + attention + loraStepSeconds(batch: batch) + allReduceSeconds(tokens: b) + stack.stepOverheadSeconds
    }

    /// The LoRA kernels of one decode step: the distinct adapters' weights and the batch's
    /// activation traffic, or their FLOPs, times the stack's kernel multiplier, plus the fixed
    /// per-matrix and per-adapter costs.
    func loraStepSeconds(batch: Int) -> Double {
        guard adapters != nil else { return 0 }
        let b = Double(batch)
        let distinct = Double(distinctAdapters(batch: batch))
        let bytes = (distinct * adapterBytes + b * adapterActivationBytesPerToken) * stack.loraKernelMultiplier / degree
        let flops = b * adapterFlopsPerToken * stack.loraKernelMultiplier / degree
        return max(bytes / bandwidth, flops / flopRate) + adaptedMatrices * stack.loraStepOverheadSecondsPerMatrix
            + distinct * stack.loraStepOverheadSecondsPerAdapter
    }

    /// Prefill FLOPs of one request of `tokens` prompt tokens: 2 · matmul parameters per token,
    /// causal attention 2 · n² · (heads · head_dim) per layer, and the LoRA FLOPs at the multiplier.
    func prefillFlops(tokens n: Double) -> Double {
        let attention = 2 * Double(model.layers) * n * n * Double(model.heads * model.headDim)
        return n * 2 * model.matmulParameters + attention + n * adapterFlopsPerToken * stack.loraKernelMultiplier
    }

    /// Seconds one request's prefill adds inside a running batch: compute-bound (the weights are
    /// read for the step anyway), the LoRA kernels' activation traffic, and the all-reduces.
    func prefillSecondsInBatch(tokens n: Double) -> Double {
        prefillFlops(tokens: n) / degree / flopRate
            + n * adapterActivationBytesPerToken * stack.loraKernelMultiplier / degree / bandwidth
            + allReduceSeconds(tokens: n)
    }

    /// Seconds to prefill one request alone (time to first token): compute or one read of the
    /// weights, whichever is longer, plus the same LoRA, all-reduce and fixed step terms.
    func prefillSecondsAlone(tokens n: Double) -> Double {
        let compute = prefillFlops(tokens: n) / degree / flopRate
        let weights = (weightBytes + Double(min(1, residentAdapters)) * adapterBytes) / degree / bandwidth
        let loraFixed = adapters == nil ? 0 : adaptedMatrices * stack.loraStepOverheadSecondsPerMatrix + stack.loraStepOverheadSecondsPerAdapter
        return max(compute, weights) + n * adapterActivationBytesPerToken * stack.loraKernelMultiplier / degree / bandwidth
            + loraFixed + allReduceSeconds(tokens: n) + stack.stepOverheadSeconds
    }
}
