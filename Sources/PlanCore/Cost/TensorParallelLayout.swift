import Foundation

/// The smallest tensor-parallel layout on which a training job fits: what `plan estimate` and
/// the scenario loader suggest when the job fits on no FSDP count (`min_gpus` is none).
///
/// The degrees searched are those Megatron-style tensor parallelism allows here: t > 1 divides
/// the model's attention heads (attention is split by heads) and t ≤ the GPU's `gpusPerNode`
/// (the group stays inside one node's NVLink domain); for each, `MemoryModel.minimumGPUs` finds
/// the smallest multiple of t that fits (FSDP over the t-GPU groups past one). The layout with
/// the fewest GPUs wins; a tie goes to the smaller degree (less tensor-parallel traffic). At most
/// one search per divisor of the heads up to a node (2, 4, 8 on an 8-GPU node): each a bisection
/// of about log2(512 / t) memory breakdowns, twice under `auto` checkpointing.
public struct TensorParallelLayout: Sendable, Equatable {
    /// GPUs per job: a multiple of `tensorParallel`.
    public var gpus: Int
    /// The tensor-parallel degree.
    public var tensorParallel: Int

    public init(gpus: Int, tensorParallel: Int) {
        self.gpus = gpus
        self.tensorParallel = tensorParallel
    }

    /// Why degree `t` cannot split `model`'s attention (Megatron splits it by heads), or nil when
    /// it divides the heads: the one check `plan estimate` (`JobSpec`) and the scenario loader share.
    public static func headsProblem(_ t: Int, model: ModelArchitecture) -> String? {
        model.heads % t == 0 ? nil : "tensor_parallel \(t) does not divide \(model.name)'s \(model.heads) attention heads; give a divisor of \(model.heads)"
    }

    /// The degrees worth searching for `model` on `gpu`: divisors of the heads from 2 up to a node.
    public static func degrees(heads: Int, gpusPerNode: Int) -> [Int] {
        guard heads >= 2, gpusPerNode >= 2 else { return [] }
        return (2...min(heads, gpusPerNode)).filter { heads % $0 == 0 }
    }

    /// The smallest fitting layout of `job` (its own GPUs and degree are not read) on `gpu`
    /// under `policy`; nil when no degree fits up to `MemoryModel.maximumGPUs`.
    public static func smallest(_ job: TrainingJob, gpu: GPUSpec, memory: MemoryModel, policy: CheckpointingPolicy) -> TensorParallelLayout? {
        var best: TensorParallelLayout?
        for t in degrees(heads: job.model.heads, gpusPerNode: gpu.gpusPerNode) {
            guard let gpus = memory.minimumGPUs(job, gpu: gpu, policy: policy, tensorParallel: t) else { continue }
            if best.map({ gpus < $0.gpus }) ?? true { best = TensorParallelLayout(gpus: gpus, tensorParallel: t) }
        }
        return best
    }
}
