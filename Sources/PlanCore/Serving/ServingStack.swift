import Foundation

/// An inference-serving stack as data (`Resources/serving-stacks.yaml`): the few parameters of the
/// serving model that depend on the engine that runs, not on the model or the GPU. Each value's
/// provenance is in the data file (`source`).
public struct ServingStack: Sendable, Equatable {
    public var name: String
    public var summary: String
    /// Fraction of the dense BF16 peak reached by prefill's GEMMs and attention (compute-bound), in (0, 1].
    public var prefillEfficiency: Double
    /// Fraction of the HBM bandwidth reached by decode's memory-bound kernels (weight GEMVs, paged
    /// attention), in (0, 1]. The compute side of a decode GEMM runs at `prefillEfficiency`.
    public var decodeBandwidthFraction: Double
    /// Fixed seconds per forward step that the GPU waits for (scheduling, launch, sampling not hidden).
    public var stepOverheadSeconds: Double
    /// Fraction of device memory the engine may use for weights, adapters, reserve and KV cache
    /// (vLLM `gpu_memory_utilization`), in (0, 1].
    public var memoryUtilization: Double
    /// Bytes per GPU held back for activations, CUDA graphs and workspaces (not KV cache).
    public var activationReserveBytes: Double
    /// Most sequences one replica schedules at once (vLLM `max_num_seqs`, TensorRT-LLM `max_batch_size`).
    public var maxBatchSequences: Int
    /// Fixed seconds of one tensor-parallel all-reduce (launch and synchronisation), beside its bytes.
    public var allReduceLatencySeconds: Double
    /// Multiplier on the LoRA kernels' minimum FLOPs and bytes (1 = fused into the base GEMM;
    /// separate shrink / expand kernels that re-read their operands cost more).
    public var loraKernelMultiplier: Double
    /// The rank the LoRA kernels compute at for a smaller adapter (vLLM pads to `--max-lora-rank`).
    public var loraMinimumRank: Int
    /// Fixed seconds per adapted matrix per layer per step (launch and latency of the LoRA kernels).
    public var loraStepOverheadSecondsPerMatrix: Double
    /// Fixed seconds per distinct adapter in a step.
    public var loraStepOverheadSecondsPerAdapter: Double
    /// Most adapters held in GPU slots at once (the distinct adapters one batch can mix).
    public var maxResidentAdapters: Int
    /// Where each value comes from, by its field name in the data file (`prefill_efficiency`, ...).
    public var sources: [String: String]

    public init(
        name: String, summary: String, prefillEfficiency: Double, decodeBandwidthFraction: Double,
        stepOverheadSeconds: Double, memoryUtilization: Double, activationReserveBytes: Double, maxBatchSequences: Int,
        allReduceLatencySeconds: Double, loraKernelMultiplier: Double, loraMinimumRank: Int,
        loraStepOverheadSecondsPerMatrix: Double, loraStepOverheadSecondsPerAdapter: Double, maxResidentAdapters: Int,
        sources: [String: String]
    ) {
        self.name = name
        self.summary = summary
        self.prefillEfficiency = prefillEfficiency
        self.decodeBandwidthFraction = decodeBandwidthFraction
        self.stepOverheadSeconds = stepOverheadSeconds
        self.memoryUtilization = memoryUtilization
        self.activationReserveBytes = activationReserveBytes
        self.maxBatchSequences = maxBatchSequences
        self.allReduceLatencySeconds = allReduceLatencySeconds
        self.loraKernelMultiplier = loraKernelMultiplier
        self.loraMinimumRank = loraMinimumRank
        self.loraStepOverheadSecondsPerMatrix = loraStepOverheadSecondsPerMatrix
        self.loraStepOverheadSecondsPerAdapter = loraStepOverheadSecondsPerAdapter
        self.maxResidentAdapters = maxResidentAdapters
        self.sources = sources
    }

    /// The stack used when none is named.
    public static let defaultName = "vllm"

    /// The bundled stack called `name` (case-insensitive).
    /// - Throws: `PlanCoreError.invalidArgument` naming the known stacks when there is none;
    ///   `PlanCoreError.catalog` when the data file is unreadable.
    public static func named(_ name: String) throws -> ServingStack {
        let stacks = try bundled()
        guard let stack = stacks[name.lowercased()] else {
            throw PlanCoreError.invalidArgument(
                "unknown serving stack '\(TerminalText.excerpt(name))'; known serving stacks: \(stacks.keys.sorted().joined(separator: ", "))")
        }
        return stack
    }

    /// Every bundled stack by name, parsed once per process (as `Catalog.bundled`).
    public static func bundled() throws -> [String: ServingStack] { try shipped.get() }

    static let shipped = Catalog.loaded {
        try parse(ResourceLocator.text("serving-stacks.yaml"), file: "serving-stacks.yaml")
    }

    static func parse(_ text: String, file: String) throws -> [String: ServingStack] {
        try Catalog.entries(text, file: file) { name, fields -> ServingStack? in
            let summary = fields.string("summary", default: "") ?? ""
            let prefill = fields.requiredDouble("prefill_efficiency", range: 0...1, above: 0)
            let bandwidth = fields.requiredDouble("decode_bandwidth_fraction", range: 0...1, above: 0)
            let overhead = fields.requiredDouble("step_overhead_seconds", range: 0...10)
            let utilization = fields.requiredDouble("memory_utilization", range: 0...1, above: 0)
            let reserve = fields.requiredDouble("activation_reserve_gib", range: 0...1e4)
            let batch = fields.requiredInt("max_batch_sequences", range: 1...1_000_000)
            let allReduce = fields.requiredDouble("all_reduce_latency_seconds", range: 0...1)
            let multiplier = fields.requiredDouble("lora_kernel_multiplier", range: 1...1000)
            let minimumRank = fields.requiredInt("lora_minimum_rank", range: 1...65536)
            let perMatrix = fields.requiredDouble("lora_step_overhead_seconds_per_matrix", range: 0...1)
            let perAdapter = fields.requiredDouble("lora_step_overhead_seconds_per_adapter", range: 0...1)
            let resident = fields.requiredInt("max_resident_adapters", range: 1...1_000_000)
            let sources = readSources(&fields)
            fields.finish()
            guard let prefill, let bandwidth, let overhead, let utilization, let reserve, let batch, let allReduce,
                  let multiplier, let minimumRank, let perMatrix, let perAdapter, let resident
            else { return nil }
            return ServingStack(
                name: name, summary: summary, prefillEfficiency: prefill, decodeBandwidthFraction: bandwidth,
                stepOverheadSeconds: overhead, memoryUtilization: utilization, activationReserveBytes: reserve * Memory.gib,
                maxBatchSequences: batch, allReduceLatencySeconds: allReduce, loraKernelMultiplier: multiplier,
                loraMinimumRank: minimumRank, loraStepOverheadSecondsPerMatrix: perMatrix,
                loraStepOverheadSecondsPerAdapter: perAdapter, maxResidentAdapters: resident, sources: sources)
        }
    }

    /// The data file's parameter names, each of which needs an entry under `source:`.
    static let parameterKeys = [
        "prefill_efficiency", "decode_bandwidth_fraction", "step_overhead_seconds", "memory_utilization",
        "activation_reserve_gib", "max_batch_sequences", "all_reduce_latency_seconds", "lora_kernel_multiplier",
        "lora_minimum_rank", "lora_step_overhead_seconds_per_matrix", "lora_step_overhead_seconds_per_adapter",
        "max_resident_adapters",
    ]

    /// `source:` as a mapping from parameter name to its provenance; a parameter without one, or a
    /// source for an unknown parameter, is an error.
    static func readSources(_ fields: inout MappingReader) -> [String: String] {
        guard var mapping = fields.mapping("source") else {
            fields.diagnostics.error(fields.child("source"), "missing required field (a source for every parameter)")
            return [:]
        }
        var sources: [String: String] = [:]
        for key in parameterKeys {
            guard mapping.has(key) else {
                mapping.diagnostics.error(mapping.child(key), "missing source")
                continue
            }
            sources[key] = mapping.string(key, default: nil)
        }
        mapping.finish()
        return sources
    }
}
