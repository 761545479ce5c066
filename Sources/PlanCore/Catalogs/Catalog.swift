import Foundation
import Yams

/// The model and GPU catalogs and the embedded scenarios, read from PlanCore's data files.
public struct Catalog: Sendable {
    public var models: [String: ModelArchitecture]
    public var gpus: [String: GPUSpec]
    public var stacks: [String: SoftwareStack]

    /// A catalog of these models, GPUs and software stacks.
    public init(models: [String: ModelArchitecture], gpus: [String: GPUSpec], stacks: [String: SoftwareStack]) {
        self.models = models
        self.gpus = gpus
        self.stacks = stacks
    }

    /// The catalog shipped with plan (`Resources/models.yaml`, `gpus.yaml`, `stacks.yaml`),
    /// parsed once per process (`shipped`).
    /// - Throws: `PlanCoreError.catalog` naming the file and entry when the data is missing or
    ///   malformed, on every call.
    public static func bundled() throws -> Catalog { try shipped.get() }

    /// The shipped catalog or why it cannot be read: a `static let` is initialised on first use,
    /// exactly once even when threads race for it, and never changes after.
    static let shipped = loaded { try parse() }

    /// Reads and parses the shipped catalog files.
    static func parse() throws -> Catalog {
        let models = try parseModels(ResourceLocator.text("models.yaml"), file: "models.yaml")
        let gpus = try parseGPUs(ResourceLocator.text("gpus.yaml"), file: "gpus.yaml")
        let stacks = try parseStacks(ResourceLocator.text("stacks.yaml"), file: "stacks.yaml")
        return Catalog(models: models, gpus: gpus, stacks: stacks)
    }

    /// `read`'s value, or its error as a catalog error (parsing throws only `PlanCoreError`).
    static func loaded<Value>(_ read: () throws -> Value) -> Result<Value, PlanCoreError> {
        do { return .success(try read()) } catch let error as PlanCoreError { return .failure(error) } catch {
            return .failure(.catalog("\(error)"))
        }
    }

    public func stack(_ name: String) throws -> SoftwareStack {
        guard let stack = stacks[name.lowercased()] else {
            throw PlanCoreError.invalidArgument("unknown stack '\(name)'; known stacks: \(stacks.keys.sorted().joined(separator: ", "))")
        }
        return stack
    }

    public func model(_ name: String) throws -> ModelArchitecture {
        guard let model = models[name.lowercased()] else {
            throw PlanCoreError.unknownModel(name, known: models.keys.sorted())
        }
        return model
    }

    public func gpu(_ name: String) throws -> GPUSpec {
        guard let gpu = gpus[name.lowercased()] else {
            throw PlanCoreError.unknownGPU(name, known: gpus.keys.sorted())
        }
        return gpu
    }

    // MARK: embedded scenarios

    /// Names of the scenarios embedded in the binary.
    public static func scenarioNames() -> [String] {
        ResourceLocator.list("Scenarios").filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
    }

    /// The name of the scenario `plan simulate` runs when given none.
    public static let defaultScenarioName = "paper-2601.16127"

    /// YAML text of an embedded scenario.
    public static func scenarioText(_ name: String) throws -> String {
        guard scenarioNames().contains(name) else {
            throw PlanCoreError.unknownScenario(name, known: scenarioNames())
        }
        return try ResourceLocator.text("Scenarios/\(name).yaml")
    }

    // MARK: parsing

    static func root(_ text: String, file: String, diagnostics: DiagnosticCollector) throws -> MappingReader {
        let node: Node?
        do { node = try BoundedYAML.compose(text) } catch {
            throw PlanCoreError.catalog("\(file) is not valid YAML")
        }
        guard let node, let reader = MappingReader(node, path: "", diagnostics: diagnostics) else {
            throw PlanCoreError.catalog("\(file) is not a mapping")
        }
        return reader
    }

    /// Every top-level entry of a catalog file in file order, read by `entry` (nil: the entry had
    /// errors, which `entry` recorded in the reader's diagnostics); throws the first diagnostic
    /// naming `file`.
    static func orderedEntries<Entry>(_ text: String, file: String,
                                      _ entry: (String, inout MappingReader) throws -> Entry?) throws -> [(name: String, value: Entry)] {
        let diagnostics = DiagnosticCollector()
        var top = try root(text, file: file, diagnostics: diagnostics)
        var entries: [(name: String, value: Entry)] = []
        for name in top.keys {
            guard let node = top.node(name), var fields = MappingReader(node, path: name, diagnostics: diagnostics)
            else { continue }
            if let value = try entry(name, &fields) { entries.append((name, value)) }
        }
        if let first = diagnostics.items.first { throw PlanCoreError.catalog("\(file): \(first)") }
        return entries
    }

    /// `orderedEntries` by name (a later entry of the same name replaces an earlier one).
    static func entries<Entry>(_ text: String, file: String,
                               _ entry: (String, inout MappingReader) throws -> Entry?) throws -> [String: Entry] {
        Dictionary(try orderedEntries(text, file: file, entry), uniquingKeysWith: { _, later in later })
    }

    static func parseModels(_ text: String, file: String) throws -> [String: ModelArchitecture] {
        try entries(text, file: file) { name, fields in
            let model = ModelArchitecture.read(&fields, name: name)
            fields.finish()
            return model
        }
    }

    static func parseGPUs(_ text: String, file: String) throws -> [String: GPUSpec] {
        try entries(text, file: file) { name, fields in
            let tflops = fields.requiredDouble("peak_tflops_bf16", range: 0...1e6, above: 0)
            let fp8: Double? = fields.has("peak_tflops_fp8") ? fields.requiredDouble("peak_tflops_fp8", range: 0...1e6, above: 0) : nil
            let memory = fields.requiredDouble("memory_gib", range: 0...1e6, above: 0)
            let bandwidth = fields.requiredDouble("hbm_bandwidth_gbps", range: 0...1e7, above: 0)
            let link = fields.requiredDouble("link_gb_per_s", range: 0...1e6, above: 0)
            let watts = fields.requiredDouble("board_watts", range: 0...1e5, above: 0)
            let source = fields.string("source", default: "catalog") ?? "catalog"
            fields.finish()
            guard let tflops, let memory, let bandwidth, let link, let watts else { return nil }
            return GPUSpec(
                name: name, peakFlopsPerSecond: tflops * 1e12, memoryBytes: memory * Memory.gib,
                memoryBytesPerSecond: bandwidth * 1e9, boardWatts: watts, source: source,
                peakFP8FlopsPerSecond: fp8.map { $0 * 1e12 }, linkBytesPerSecond: link * 1e9)
        }
    }
}

extension Catalog {
    static func parseStacks(_ text: String, file: String) throws -> [String: SoftwareStack] {
        try entries(text, file: file) { name, fields in
            let summary = fields.string("summary", default: "") ?? ""
            let precision = SoftwareStack.Precision(rawValue: fields.string("precision", default: "bf16") ?? "bf16")
            let eta = fields.requiredDouble("gemm_efficiency_max", range: 0...1, above: 0)
            let ridges = fields.requiredDouble("half_efficiency_ridges", range: 0...1e6)
            let elementwise = fields.requiredDouble("elementwise_passes", range: 0...100)
            let adapter = fields.requiredDouble("adapter_passes", range: 0...100)
            let logits = fields.requiredDouble("logit_bytes", range: 0...100)
            let overlap = fields.requiredDouble("communication_overlap", range: 0...1)
            let overhead = fields.requiredDouble("step_overhead_seconds", range: 0...1e4)
            let activationBytes = fields.double("activation_bytes", default: 2, range: 1...8)
            let materialised = fields.bool("materialised_attention", default: false)
            let regathers = fields.bool("recompute_regathers", default: false)
            let bucket: Double? = fields.has("gather_bucket_hidden_squared")
                ? fields.requiredDouble("gather_bucket_hidden_squared", range: 0...1e6, above: 0) : nil
            let upcast = fields.bool("kbit_upcast", default: false)
            let sequenceParallel = fields.bool("sequence_parallel", default: false)
            let tpOverlap = fields.double("tensor_parallel_overlapped_share", default: 0, range: 0...1)
            let fp8Parameters = fields.bool("fp8_parameters", default: false)
            let qloraSavesInputs = fields.bool("qlora_saves_inputs", default: false)
            let source = fields.string("source", default: "") ?? ""
            fields.finish()
            guard let precision else { throw PlanCoreError.catalog("\(file): \(name).precision must be bf16 or fp8") }
            guard let eta, let ridges, let elementwise, let adapter, let logits, let overlap, let overhead else { return nil }
            var stack = SoftwareStack(
                name: name, summary: summary, precision: precision, gemmEfficiencyMax: eta, halfEfficiencyRidges: ridges,
                elementwisePasses: elementwise, adapterPasses: adapter, logitBytes: logits,
                communicationOverlap: overlap, stepOverheadSeconds: overhead, source: source)
            stack.activationBytes = activationBytes
            stack.materialisedAttention = materialised
            stack.recomputeRegathers = regathers
            stack.gatherBucketHiddenSquared = bucket
            stack.kbitUpcast = upcast
            stack.sequenceParallel = sequenceParallel
            stack.tensorParallelOverlappedShare = tpOverlap
            stack.fp8Parameters = fp8Parameters
            stack.qloraSavesInputs = qloraSavesInputs
            return stack
        }
    }
}

extension ModelArchitecture {
    /// Reads an architecture block (catalog entry or a scenario's inline `model:` mapping).
    static func read(_ fields: inout MappingReader, name: String) -> ModelArchitecture? {
        let size = 1...10_000_000
        let layers = fields.requiredInt("layers", range: size)
        let hidden = fields.requiredInt("hidden", range: size)
        let mlp = fields.requiredInt("mlp", range: size)
        let heads = fields.requiredInt("heads", range: size)
        let kvHeads = fields.requiredInt("kv_heads", range: size)
        let vocab = fields.requiredInt("vocab", range: size)
        let headDim: Int? = fields.has("head_dim") ? fields.requiredInt("head_dim", range: size) : nil
        let tied = fields.bool("tied_embeddings", default: false)
        let bias = fields.bool("qkv_bias", default: false)
        let kind = fields.string("mlp_kind", default: "swiglu") ?? "swiglu"
        if !["swiglu", "geglu"].contains(kind) {
            fields.diagnostics.error(fields.child("mlp_kind"), "expected swiglu or geglu, got \"\(kind)\"")
        }
        let published: Double? =
            fields.has("published_params") ? fields.requiredDouble("published_params", range: 0...1e15) : nil
        let source = fields.string("source", default: "inline") ?? "inline"
        guard let layers, let hidden, let mlp, let heads, let kvHeads, let vocab else { return nil }
        if heads % kvHeads != 0 {
            fields.diagnostics.error(fields.child("kv_heads"), "heads (\(heads)) must be a multiple of kv_heads (\(kvHeads))")
            return nil
        }
        if headDim == nil && hidden % heads != 0 {
            fields.diagnostics.error(fields.child("heads"), "hidden (\(hidden)) is not divisible by heads (\(heads)); give head_dim")
            return nil
        }
        return ModelArchitecture(
            name: name, layers: layers, hidden: hidden, mlp: mlp, heads: heads, kvHeads: kvHeads, vocab: vocab,
            headDim: headDim, tiedEmbeddings: tied, qkvBias: bias, publishedParams: published, source: source)
    }
}
