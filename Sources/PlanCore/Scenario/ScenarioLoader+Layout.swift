import Foundation

/// The job layouts of a scenario: GPUs per job and tensor-parallel degree, the scenario's and
/// each strategy entry's, checked against the model, the GPU, the pool and the memory model;
/// `gpus_per_job: auto` resolved.
extension ScenarioLoader {
    /// Checks `hardware.tensor_parallel` and every strategy entry's `gpus_per_job` /
    /// `tensor_parallel`, then the memory of each layout (`checkMemory`), resolving `auto`
    /// (the scenario's into `hardware`, a strategy's own degree's into its options).
    func checkLayouts(
        model: ModelArchitecture, finetune: Finetune, hardware: inout Hardware, overheads: Overheads,
        strategies: [StrategyKind], options: inout [StrategyKind: StrategyOptions], diagnostics: DiagnosticCollector
    ) {
        let explicit = hardware.gpusPerJobAuto ? nil : hardware.gpusPerJob
        if let problem = Self.tensorParallelProblem(hardware.tensorParallel, model: model, gpu: hardware.gpu, gpus: explicit) {
            diagnostics.error(ScenarioField.hardwareTensorParallel.rawValue, problem)
            return  // every other layout inherits the degree: its memory would be priced on a layout that cannot run
        }
        checkMemory(model: model, finetune: finetune, hardware: &hardware, overheads: overheads, diagnostics: diagnostics)
        if !hardware.gpusPerJobAuto && hardware.gpusPerJob > hardware.poolGPUs {
            diagnostics.error(
                "hardware.gpus_per_job",
                "a job needs \(hardware.gpusPerJob) GPUs but the pool has only \(hardware.poolGPUs); raise pool_gpus or lower gpus_per_job")
        }
        for (index, kind) in strategies.enumerated() {
            guard let entry = options[kind], entry.gpusPerJob != nil || entry.tensorParallel != nil else { continue }
            let path = "strategies[\(index)]"
            var own = hardware
            if let gpus = entry.gpusPerJob {
                own.gpusPerJob = gpus
                own.gpusPerJobAuto = false
            }
            if let t = entry.tensorParallel { own.tensorParallel = t }
            let ownGPUs = own.gpusPerJobAuto ? nil : own.gpusPerJob
            if let problem = Self.tensorParallelProblem(own.tensorParallel, model: model, gpu: own.gpu, gpus: ownGPUs) {
                // The degree is the entry's own, or the scenario's that its gpus_per_job does not hold.
                diagnostics.error(entry.tensorParallel != nil ? "\(path).tensor_parallel" : "\(path).gpus_per_job",
                                  entry.tensorParallel != nil ? problem : "hardware.\(problem)")
                continue
            }
            checkMemory(model: model, finetune: finetune, hardware: &own, overheads: overheads, diagnostics: diagnostics,
                        path: entry.gpusPerJob != nil ? "\(path).gpus_per_job" : "\(path).tensor_parallel")
            if own.gpusPerJobAuto { options[kind]?.autoGPUsPerJob = own.gpusPerJob }
            if let gpus = entry.gpusPerJob, gpus > hardware.poolGPUs {
                diagnostics.error(
                    "\(path).gpus_per_job",
                    "a \(kind.rawValue) job needs \(gpus) GPUs but the pool has only \(hardware.poolGPUs); raise hardware.pool_gpus or lower gpus_per_job")
            }
        }
    }

    /// Why tensor-parallel degree `t` cannot run `model` on `gpu` with `gpus` GPUs per job (nil:
    /// `auto`), or nil when it can: the group must fit in one node (Megatron keeps it inside the
    /// NVLink domain), split the attention heads evenly, and tile the job's GPUs.
    static func tensorParallelProblem(_ t: Int, model: ModelArchitecture, gpu: GPUSpec, gpus: Int?) -> String? {
        if t > gpu.gpusPerNode {
            return "tensor_parallel \(t) is more than the \(gpu.gpusPerNode) GPUs of one \(gpu.name) node; a tensor-parallel group stays inside a node"
        }
        if let problem = TensorParallelLayout.headsProblem(t, model: model) { return problem }
        if let gpus, gpus % t != 0 {
            return "tensor_parallel \(t) does not divide gpus_per_job \(gpus); give a gpus_per_job that is a multiple of \(t)"
        }
        return nil
    }

    /// Resolves `gpus_per_job: auto` to the launch count above the memory model's `min_gpus`
    /// (`Hardware.autoGPUsPerJob`, whole tensor-parallel groups) and reports jobs that cannot
    /// fit the GPUs the scenario gives them, suggesting a tensor-parallel layout where FSDP alone
    /// fits on no count (`TensorParallelLayout`).
    func checkMemory(
        model: ModelArchitecture, finetune: Finetune, hardware: inout Hardware, overheads: Overheads,
        diagnostics: DiagnosticCollector, path: String = "hardware.gpus_per_job"
    ) {
        let cost = CostModel(model: model, finetune: finetune, hardware: hardware, overheads: overheads, merge: ScenarioDefaults.merge)
        let rate = cost.rate(context: finetune.sequenceLength)
        let t = hardware.tensorParallel
        let memory = cost.memoryModel
        let what = "\(model.name) \(finetune.method.rawValue)"
        let degree = t > 1 ? " and tensor_parallel \(t)" : ""
        func gib(_ bytes: Double) -> String { String(format: "%.1f", bytes / Memory.gib) }
        guard let minimum = rate.minimumGPUs else {
            // What one group needs, for the message.
            let group = memory.breakdown(
                memory.resolving(rate.job.on(gpus: t, tensorParallel: t), gpu: hardware.gpu, policy: finetune.checkpointingPolicy), gpu: hardware.gpu)
            let layout = TensorParallelLayout.smallest(rate.job, gpu: hardware.gpu, memory: memory, policy: finetune.checkpointingPolicy)
            let advice = layout.map { "it fits on \($0.gpus) with tensor_parallel \($0.tensorParallel) (hardware.tensor_parallel)" }
                ?? "pipeline parallelism and CPU offload are not modelled"
            diagnostics.error(
                hardware.gpusPerJobAuto ? (path == "hardware.gpus_per_job" ? "hardware.gpu" : path) : path,
                "\(what) needs \(gib(group.peak)) GiB per GPU on \(t) x \(hardware.gpu.name)\(t > 1 ? " with tensor_parallel \(t)" : "") (\(gib(hardware.gpu.memoryBytes)) GiB) and does not fit on up to \(MemoryModel.maximumGPUs) with fsdp\(degree); \(advice)")
            return
        }
        if hardware.gpusPerJobAuto {
            hardware.gpusPerJob = hardware.autoGPUsPerJob(minimum: minimum)
            if minimum > hardware.poolGPUs {
                diagnostics.error(
                    "hardware.pool_gpus",
                    "\(what) needs \(minimum) x \(hardware.gpu.name) per job (memory\(t > 1 ? ", tensor_parallel \(t)" : "")) but the pool has only \(hardware.poolGPUs); raise pool_gpus")
            }
            return
        }
        let given = memory.breakdown(rate.job, gpu: hardware.gpu)
        if !given.fits {
            let count = hardware.gpusPerJob
            let sharding = rate.job.sharding == .fsdp ? " with fsdp" : ""
            diagnostics.error(
                path,
                "\(what) needs \(gib(given.peak)) GiB per GPU on \(count) x \(hardware.gpu.name)\(sharding)\(t > 1 ? " (tensor_parallel \(t))" : "") (\(gib(hardware.gpu.memoryBytes)) GiB); it fits on \(minimum) with fsdp\(degree)")
        }
    }
}
