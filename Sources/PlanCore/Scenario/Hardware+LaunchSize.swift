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

    /// `gpus_per_job: auto` for a job whose memory needs at least `minimum` GPUs: the launch
    /// count above it, when the pool holds that many, else the minimum itself.
    public func autoGPUsPerJob(minimum: Int) -> Int {
        let launch = Self.launchGPUs(atLeast: minimum, gpusPerNode: gpu.gpusPerNode)
        return launch <= poolGPUs ? launch : minimum
    }
}
