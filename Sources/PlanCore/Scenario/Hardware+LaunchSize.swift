import Foundation

extension Hardware {
    /// The GPU counts launchers actually use per job: 1, 2, 4, 8, … up to a node, then whole
    /// nodes (torchrun / Slurm allocations; a 3-GPU job is rare, a 12-GPU one rarer).
    /// - Returns: the smallest such count ≥ `minimum` on nodes of `gpusPerNode` GPUs.
    public static func launchGPUs(atLeast minimum: Int, gpusPerNode: Int) -> Int {
        let node = max(1, gpusPerNode)
        let needed = max(1, minimum)
        guard needed <= node else { return ((needed + node - 1) / node) * node }
        var count = 1
        while count < needed { count *= 2 }
        return min(count, node)
    }

    /// The smallest launch count (`launchGPUs`) ≥ `minimum` that is a multiple of
    /// `tensorParallel`: a job's GPUs hold whole tensor-parallel groups. One exists for every
    /// degree (some number of whole nodes is a multiple of it).
    public static func launchGPUs(atLeast minimum: Int, gpusPerNode: Int, tensorParallel: Int) -> Int {
        let t = max(1, tensorParallel)
        var count = launchGPUs(atLeast: minimum, gpusPerNode: gpusPerNode)
        while count % t != 0 { count = launchGPUs(atLeast: count + 1, gpusPerNode: gpusPerNode) }
        return count
    }

    /// `gpus_per_job: auto` for a job whose memory needs at least `minimum` GPUs (a multiple of
    /// `tensorParallel`): the launch count above it that holds whole tensor-parallel groups, when
    /// the pool holds that many, else the minimum itself.
    public func autoGPUsPerJob(minimum: Int) -> Int {
        let launch = Self.launchGPUs(atLeast: minimum, gpusPerNode: gpu.gpusPerNode, tensorParallel: tensorParallel)
        return launch <= poolGPUs ? launch : minimum
    }
}
