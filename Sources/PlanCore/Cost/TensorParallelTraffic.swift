import Foundation

/// The collectives tensor parallelism adds per micro-step on each GPU of a TP group, and the
/// seconds they take before any overlap with compute.
///
/// Megatron-LM (Shoeybi et al. 2019, arXiv 1909.08053, §3 and Fig. 4) splits each decoder layer's
/// attention by heads and its MLP by the intermediate width over the t GPUs of the group: q/k/v
/// and gate/up are column-parallel, o and down row-parallel, so every layer needs one all-reduce
/// of its output activations after the attention block and one after the MLP in the forward
/// (the `g` operator), and their conjugates (`f`) in the backward: two all-reduces forward and
/// two backward per layer, each over micro-batch × sequence × hidden activations in bf16.
/// Activation recompute runs the forward's two again.
///
/// With sequence parallelism (Korthikanti et al. 2022, arXiv 2205.05198, §4.2.2) each all-reduce
/// becomes an all-gather before the column-parallel GEMM and a reduce-scatter after the
/// row-parallel one: the same bytes on the wire (an all-reduce is a reduce-scatter followed by
/// an all-gather), twice the collectives. The backward's re-gather of the saved input shard
/// for the weight gradient is overlapped with that gradient's GEMM in Megatron and is not counted.
///
/// The vocabulary-parallel embedding (an all-reduce of its output, forward) and LM head (an
/// all-reduce of its input gradient, backward) add one each per micro-step; the cross-entropy's
/// reductions over tokens × 4 B are negligible.
///
/// Each GPU moves 2·(t−1)/t of an all-reduced message (ring), at the node's link bandwidth when
/// the group fits in one node (Megatron places TP inside the NVLink domain), else at the per-GPU
/// network bandwidth; each collective pays the in-node (or across-node) latency of
/// `ParameterTraffic`.
public struct TensorParallelTraffic: Sendable, Equatable {
    /// All-reduce equivalents per micro-step (an AG + RS pair counts one).
    public var allReducesPerMicroStep: Double
    /// Collectives per micro-step (twice the all-reduces with sequence parallelism).
    public var collectivesPerMicroStep: Double
    /// Bytes each GPU sends per all-reduce: 2·(t−1)/t × micro-batch × sequence × hidden × 2 B.
    public var bytesPerAllReduce: Double
    public var bytesPerSecond: Double
    public var latencySeconds: Double

    /// No tensor parallelism.
    public static let none = TensorParallelTraffic(
        allReducesPerMicroStep: 0, collectivesPerMicroStep: 0, bytesPerAllReduce: 0, bytesPerSecond: 1, latencySeconds: 0)

    /// Seconds per micro-step before overlap.
    public var microStepSeconds: Double {
        collectivesPerMicroStep * latencySeconds + allReducesPerMicroStep * bytesPerAllReduce / bytesPerSecond
    }

    /// The TP collectives of `job` on `gpu` under `stack` (`network`: per-GPU bytes/s between nodes).
    public static func of(_ job: TrainingJob, gpu: GPUSpec, stack: SoftwareStack, network: Double) -> TensorParallelTraffic {
        let t = job.tensorParallel
        guard t > 1 else { return .none }
        let inNode = t <= gpu.gpusPerNode
        let perLayer = 4.0 + (job.gradientCheckpointing ? 2 : 0)
        let allReduces = Double(job.model.layers) * perLayer + 2
        let message = job.tokensPerMicroStep * Double(job.model.hidden) * Memory.bf16Bytes
        return TensorParallelTraffic(
            allReducesPerMicroStep: allReduces,
            collectivesPerMicroStep: allReduces * (stack.sequenceParallel ? 2 : 1),
            bytesPerAllReduce: 2 * Double(t - 1) / Double(t) * message,
            bytesPerSecond: inNode ? gpu.linkBytesPerSecond : min(gpu.linkBytesPerSecond, network),
            latencySeconds: inNode ? ParameterTraffic.collectiveLatencyInNode : ParameterTraffic.collectiveLatencyAcrossNodes)
    }
}
