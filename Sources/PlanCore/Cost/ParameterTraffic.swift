import Foundation

/// The collectives a multi-GPU job runs per micro-step (FSDP / ZeRO-3) or per optimizer step
/// (DDP), on each GPU, and the seconds they take before any overlap with compute.
///
/// Sharded jobs (FSDP FULL_SHARD, DeepSpeed ZeRO-3; ZeRO++, arXiv 2306.10209, names the three
/// collectives):
/// - the weights are all-gathered for the forward and again for the backward (FSDP reshards
///   after the forward; ZeRO-3 releases each module's parameters after use), and once more for
///   the recompute of gradient checkpointing when the stack re-gathers there
///   (`SoftwareStack.recomputeRegathers`: ZeRO-3's per-module fetch hooks fire again in the
///   recomputed forward; FSDP recomputes inside the backward's gather of the unit). A frozen
///   LoRA base is gathered like any other weight; QLoRA gathers its NF4 storage.
/// - gradients of the trainable parameters only (the adapters for LoRA) are reduce-scattered in
///   bf16.
/// Each GPU receives (G−1)/G of every gathered byte and sends (G−1)/G of every reduced one.
/// With tensor parallelism G is the data-parallel degree (gpus / TP) and each GPU's collectives
/// carry its TP slice of the weights and gradients (1/TP of them); the TP group's own
/// collectives are `TensorParallelTraffic`.
///
/// Each collective costs latency + bytes / bandwidth:
/// - bandwidth inside one node is the GPU's collective bus bandwidth (`link_gb_per_s`); past one
///   node a ring crosses the node boundary once per ring and NCCL runs one ring per NIC rail, so
///   a node's share moves at the sum of its GPUs' NICs: min(link, GPUs per node × network per GPU)
///   (nccl-tests busbw across DGX A100 nodes with 8 × 200 Gb/s ≈ 190 GB/s, i.e. 8 × 25 GB/s).
/// - latency per collective: `collectiveLatencyInNode` / `collectiveLatencyAcrossNodes`.
/// - collectives per gather pass: one per FSDP unit (each decoder layer, the embedding and the LM
///   head), or the parameters over the stack's bucket (`gatherBucketHiddenSquared` × h²:
///   DeepSpeed's `stage3_prefetch_bucket_size`, 0.9·h² under the HF integration's "auto"), so
///   small buckets pay latency on every fetch. Reduce-scatters use the same granularity.
public struct ParameterTraffic: Sendable, Equatable {
    /// Weight all-gathers per micro-step (0 without sharding).
    public var gathersPerMicroStep: Double
    /// Bytes each GPU receives per gather pass: the whole model's weight bytes × (G−1)/G.
    public var gatherBytes: Double
    /// Collectives per gather pass.
    public var collectivesPerGather: Double
    /// Bytes each GPU sends per micro-step reducing gradients (FSDP / ZeRO-3), or per optimizer
    /// step all-reducing them (DDP: 2 × (G−1)/G of the gradient bytes).
    public var reduceBytes: Double
    public var reduceCollectives: Double
    /// Per-GPU collective bandwidth, bytes/s.
    public var bytesPerSecond: Double
    /// Seconds per collective before its bytes move.
    public var latencySeconds: Double
    /// True when the reduction is DDP's once-per-step all-reduce, not a per-micro-step reduce-scatter.
    public var reducesPerStep: Bool

    /// NCCL small-message all-gather / reduce-scatter time among the 8 GPUs of an NVLink / NVSwitch
    /// node: tens of microseconds (nccl-tests at ≤ 1 MB report 10–30 µs); we take 20 µs.
    public static let collectiveLatencyInNode = 20e-6
    /// The same across InfiniBand / RoCE nodes: each ring adds network hops of a few µs; we take 50 µs.
    public static let collectiveLatencyAcrossNodes = 50e-6

    /// Seconds of the per-micro-step collectives (gathers, and the reduce-scatter when sharded).
    public var microStepSeconds: Double {
        let gathers = gathersPerMicroStep * (collectivesPerGather * latencySeconds + gatherBytes / bytesPerSecond)
        let reduce = reducesPerStep ? 0 : reduceCollectives * latencySeconds + reduceBytes / bytesPerSecond
        return gathers + reduce
    }

    /// Seconds of the once-per-step collectives (DDP's all-reduce).
    public var stepSeconds: Double {
        reducesPerStep ? reduceCollectives * latencySeconds + reduceBytes / bytesPerSecond : 0
    }

    /// Per-GPU collective bandwidth of a data-parallel group in a job of `gpus` GPUs of `gpu`
    /// with `network` bytes/s per GPU NIC; with tensor parallelism `tensorParallel` such groups
    /// share each node's NICs, so one group's rings cross it at gpusPerNode / TP NICs.
    public static func bytesPerSecond(gpus: Int, gpu: GPUSpec, network: Double, tensorParallel: Int = 1) -> Double {
        guard gpus > gpu.gpusPerNode else { return gpu.linkBytesPerSecond }
        let rails = max(Double(gpu.gpusPerNode) / Double(max(tensorParallel, 1)), 1)
        return min(gpu.linkBytesPerSecond, rails * network)
    }

    /// The traffic of `job` on `gpu` under `stack`.
    public static func of(_ job: TrainingJob, gpu: GPUSpec, stack: SoftwareStack, network: Double) -> ParameterTraffic {
        let g = Double(job.dataParallel)
        let t = Double(job.tensorParallel)
        let bandwidth = bytesPerSecond(gpus: job.gpus, gpu: gpu, network: network, tensorParallel: job.tensorParallel)
        let latency = job.gpus <= gpu.gpusPerNode ? collectiveLatencyInNode : collectiveLatencyAcrossNodes
        var traffic = ParameterTraffic(
            gathersPerMicroStep: 0, gatherBytes: 0, collectivesPerGather: 0, reduceBytes: 0, reduceCollectives: 0,
            bytesPerSecond: bandwidth, latencySeconds: latency, reducesPerStep: false)
        guard job.dataParallel > 1 else { return traffic }
        let ring = (g - 1) / g
        let gradientBytes = job.trainableParameters * Memory.bf16Bytes / t
        let m = job.model
        switch job.sharding {
        case .fsdp:
            let regather = job.gradientCheckpointing && stack.recomputeRegathers
            traffic.gathersPerMicroStep = 2 + (regather ? 1 : 0)
            traffic.gatherBytes = MemoryModel.weightBytes(job, fp8Linear: stack.fp8Parameters) / t * ring
            if let bucket = stack.gatherBucketHiddenSquared {
                let bucketParameters = bucket * Double(m.hidden) * Double(m.hidden)
                traffic.collectivesPerGather = (m.totalParameters / t / bucketParameters).rounded(.up)
                traffic.reduceCollectives = (job.trainableParameters / t / bucketParameters).rounded(.up)
            } else {
                // One unit per decoder layer, plus the embedding and (untied) the LM head.
                traffic.collectivesPerGather = Double(m.layers) + (m.tiedEmbeddings ? 1 : 2)
                traffic.reduceCollectives = job.method == .full ? traffic.collectivesPerGather : Double(m.layers)
            }
            traffic.reduceBytes = gradientBytes * ring
        case .none:
            traffic.reducesPerStep = true
            traffic.reduceBytes = 2 * gradientBytes * ring
            traffic.reduceCollectives = 1
        }
        return traffic
    }
}
