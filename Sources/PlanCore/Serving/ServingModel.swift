import Foundation

/// Serving throughput from first principles (docs/serving.md): prefill is compute-bound, a decode
/// step reads the weights and the batch's KV cache, the batch is bounded by KV memory, the stack
/// and the latency target, and unmerged LoRA adapters add their FLOPs, bytes and kernel overheads.
public enum ServingModel {
    /// The capacity of one replica serving `workload` on `gpu` with `stack`.
    ///
    /// - Parameters:
    ///   - adapters: the LoRA adapters served unmerged (multi-LoRA); nil for a dense (or merged) model.
    ///   - maxMsPerOutputToken: the decode-step target in milliseconds; nil for none.
    /// - Returns: a tensor-parallel replica and its batch. Degrees tried are powers of two up to
    ///   `gpu.gpusPerNode` that divide the attention heads; one fits when its memory holds the BF16
    ///   weights, the resident adapters, the stack's reserve and one sequence's full KV cache. On
    ///   each, the batch is the largest the KV cache, the stack's and the workload's limits and the
    ///   target allow (batch 1 with `meetsLatencyTarget` false when even that misses the target).
    ///   Of the fitting degrees, the one meeting the target with the most tokens per second per GPU
    ///   wins (the smallest on a tie): the smallest degree that merely fits can be left with a KV
    ///   cache for one sequence (a 70B with 20 adapters on 2 x H100 serves 14 tokens/s per GPU
    ///   there, about 800 on 4).
    /// - Throws: `PlanCoreError.invalidArgument` for a non-positive workload or target, bad
    ///   adapters, or a model that fits no degree.
    /// - Complexity: O(degrees x log batch) step evaluations.
    public static func capacity(
        model: ModelArchitecture, gpu: GPUSpec, stack: ServingStack, workload: ServingWorkload,
        adapters: ServingAdapters?, maxMsPerOutputToken: Double?
    ) throws -> ServingCapacity {
        try capacity(model: model, gpu: gpu, stack: stack, workload: workload, adapters: adapters,
                     maxMsPerOutputToken: maxMsPerOutputToken, gpusPerReplica: nil)
    }

    /// `capacity` on a given tensor-parallel degree (a published run's); nil: the best that fits.
    static func capacity(
        model: ModelArchitecture, gpu: GPUSpec, stack: ServingStack, workload: ServingWorkload,
        adapters: ServingAdapters?, maxMsPerOutputToken: Double?, gpusPerReplica: Int?
    ) throws -> ServingCapacity {
        try validate(model: model, workload: workload, adapters: adapters, maxMsPerOutputToken: maxMsPerOutputToken)
        let tried = gpusPerReplica.map { [$0] } ?? degrees(model: model, gpu: gpu)
        let fitting = tried.map {
            ServingReplica(model: model, gpu: gpu, stack: stack, workload: workload, adapters: adapters, gpus: $0)
        }.filter(\.fits)
        guard !fitting.isEmpty else {
            throw doesNotFit(model: model, gpu: gpu, stack: stack, workload: workload, degrees: tried)
        }
        let target = maxMsPerOutputToken.map { $0 / 1000 }
        var best: ServingCapacity?
        for replica in fitting {
            let candidate = capacity(of: replica, target: target)
            guard let current = best else { best = candidate; continue }
            if better(candidate, than: current) { best = candidate }
        }
        // `fitting` is not empty, so `best` is set.
        return best ?? capacity(of: fitting[0], target: target)
    }

    /// Whether `candidate` (a larger degree) beats `current`: meeting the latency target first,
    /// then more tokens per second per GPU (a tie keeps the smaller replica). A plain maximum keeps
    /// multi-LoRA no cheaper than dense: at every degree it costs more, so its best does too.
    static func better(_ candidate: ServingCapacity, than current: ServingCapacity) -> Bool {
        if candidate.meetsLatencyTarget != current.meetsLatencyTarget { return candidate.meetsLatencyTarget }
        if !current.meetsLatencyTarget { return candidate.msPerOutputToken < current.msPerOutputToken }
        return candidate.tokensPerSecondPerGPU > current.tokensPerSecondPerGPU
    }

    /// The batch and rates of `replica`: the largest batch the KV cache, the stack and the workload
    /// allow whose decode step fits `target` seconds (batch 1, flagged, when none does).
    static func capacity(of replica: ServingReplica, target: Double?) -> ServingCapacity {
        let stack = replica.stack
        var batch = max(1, replica.memoryBatch)
        var limit = ServingCapacity.BatchLimit.memory
        if stack.maxBatchSequences < batch { (batch, limit) = (stack.maxBatchSequences, .stack) }
        if let concurrency = replica.workload.maxConcurrency, concurrency < batch { (batch, limit) = (concurrency, .concurrency) }
        var meets = true
        if let target, replica.stepSeconds(batch: batch) > target {
            limit = .latency
            if replica.stepSeconds(batch: 1) > target {
                (batch, meets) = (1, false)
            } else {
                batch = largestBatch(upTo: batch, within: target, replica)
            }
        }
        return capacity(of: replica, batch: batch, limit: limit, meetsLatencyTarget: meets)
    }

    /// The largest batch in 1...`upper` whose step fits `seconds` (step time grows with the batch;
    /// batch 1 fits).
    static func largestBatch(upTo upper: Int, within seconds: Double, _ replica: ServingReplica) -> Int {
        var (fits, misses) = (1, upper)
        while misses - fits > 1 {
            let middle = fits + (misses - fits) / 2
            if replica.stepSeconds(batch: middle) <= seconds { fits = middle } else { misses = middle }
        }
        return fits
    }

    static func capacity(of replica: ServingReplica, batch: Int, limit: ServingCapacity.BatchLimit,
                         meetsLatencyTarget: Bool) -> ServingCapacity {
        let workload = replica.workload
        let step = replica.stepSeconds(batch: batch)
        let prefill = replica.prefillSecondsInBatch(tokens: workload.inputTokens)
        // Each request costs the replica its prefill plus its share of the decode steps it rides in.
        let secondsPerRequest = prefill + workload.outputTokens * step / Double(batch)
        let requestsPerSecond = 1 / secondsPerRequest
        let perGPU = requestsPerSecond / replica.degree
        return ServingCapacity(
            gpusPerReplica: replica.gpus, batch: batch, msPerOutputToken: step * 1000,
            prefillTokensPerSecondPerGPU: workload.inputTokens / replica.prefillSecondsAlone(tokens: workload.inputTokens) / replica.degree,
            outputTokensPerSecondPerGPU: workload.outputTokens * perGPU,
            tokensPerSecondPerGPU: (workload.inputTokens + workload.outputTokens) * perGPU,
            requestsPerSecondPerReplica: requestsPerSecond, meetsLatencyTarget: meetsLatencyTarget, batchLimit: limit,
            distinctAdaptersPerBatch: replica.distinctAdapters(batch: batch), prefillSecondsPerRequest: prefill,
            kvCacheTokensPerReplica: replica.kvCacheTokens)
    }

    /// Tensor-parallel degrees tried, smallest first: powers of two up to `gpu.gpusPerNode` that
    /// divide the attention heads (a head is never split).
    static func degrees(model: ModelArchitecture, gpu: GPUSpec) -> [Int] {
        var result: [Int] = []
        var degree = 1
        while degree <= max(1, gpu.gpusPerNode) {
            if model.heads % degree == 0 { result.append(degree) }
            degree *= 2
        }
        return result
    }

    static func doesNotFit(model: ModelArchitecture, gpu: GPUSpec, stack: ServingStack, workload: ServingWorkload,
                           degrees: [Int]) -> PlanCoreError {
        let weights = String(format: "%.1f", model.totalParameters * Memory.bf16Bytes / Memory.gib)
        let gpus = degrees.count == 1 ? "\(degrees[0])" : "up to \(degrees.last ?? 1)"
        return PlanCoreError.invalidArgument(
            "\(model.name) does not fit for serving on \(gpus) x \(gpu.name): \(weights) GiB of BF16 weights plus "
                + "\(stack.name)'s reserve and one \(Int(workload.fullContextTokens))-token KV cache exceed \(String(format: "%.0f", stack.memoryUtilization * 100))% "
                + "of each GPU's \(String(format: "%.1f", gpu.memoryGiB)) GiB; use a GPU with more memory (pipeline parallelism and quantised weights are not modelled)")
    }

    static func validate(model: ModelArchitecture, workload: ServingWorkload, adapters: ServingAdapters?,
                         maxMsPerOutputToken: Double?) throws {
        func positive(_ value: Double) -> Bool { value.isFinite && value > 0 }
        guard positive(workload.inputTokens), positive(workload.outputTokens) else {
            throw PlanCoreError.invalidArgument(
                "serving input and output tokens must be positive, got \(workload.inputTokens) and \(workload.outputTokens)")
        }
        if let concurrency = workload.maxConcurrency, concurrency < 1 {
            throw PlanCoreError.invalidArgument("serving concurrency must be at least 1, got \(concurrency)")
        }
        if let target = maxMsPerOutputToken, !positive(target) {
            throw PlanCoreError.invalidArgument("max_ms_per_output_token must be positive, got \(target)")
        }
        guard let adapters else { return }
        guard adapters.count >= 1, adapters.rank >= 1 else {
            throw PlanCoreError.invalidArgument(
                "served adapters need a count and a rank of at least 1, got \(adapters.count) and \(adapters.rank)")
        }
        let unknown = adapters.targets.filter { model.projectionShape($0) == nil }
        guard !adapters.targets.isEmpty, unknown.isEmpty else {
            throw PlanCoreError.invalidArgument(
                "served adapter targets must be among \(ModelArchitecture.projectionNames.joined(separator: ", ")); got \(adapters.targets.joined(separator: ", "))")
        }
    }
}
