import Foundation
import Yams

/// Reads and validates `version: 1` scenario files, collecting every problem.
public struct ScenarioLoader: Sendable {
    public var catalog: Catalog
    /// Extra accelerators (calibrated machine profiles) a scenario may name as `hardware.profile`.
    public var profiles: [String: GPUSpec]
    /// The folder `model: {hf_config: PATH}` paths are relative to (the scenario file's folder);
    /// nil → the working directory.
    public var baseDirectory: URL?
    /// The architecture a stored run resolved `model: {hf_config: PATH}` to: when set, that
    /// mapping takes it and the file is not read (reports of runs whose config.json moved).
    public var storedModel: ModelArchitecture?

    public init(catalog: Catalog, profiles: [String: GPUSpec] = [:], baseDirectory: URL? = nil) {
        self.catalog = catalog
        self.profiles = profiles
        self.baseDirectory = baseDirectory
    }

    /// The only schema version this build reads.
    public static let supportedVersion = 1

    /// Parses a file's bytes. Throws `ScenarioDiagnostics` listing every problem.
    public func load(data: Data, file: String) throws -> Scenario {
        guard !data.isEmpty else { throw Self.fail(file, "", "file is empty; expected a version: 1 scenario") }
        guard !data.contains(0), let text = String(data: data, encoding: .utf8) else {
            throw Self.fail(file, "", "file is not UTF-8 text; expected a YAML scenario")
        }
        return try load(text: text, file: file)
    }

    /// Parses YAML text. Throws `ScenarioDiagnostics` listing every problem.
    public func load(text: String, file: String) throws -> Scenario {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            let message = "\(error)".split(separator: "\n").first.map(String.init) ?? "invalid YAML"
            throw Self.fail(file, "", "malformed YAML: \(message)")
        }
        guard let node else { throw Self.fail(file, "", "file is empty; expected a version: 1 scenario") }
        let diagnostics = DiagnosticCollector()
        guard var root = MappingReader(node, path: "", diagnostics: diagnostics) else {
            throw ScenarioDiagnostics(file: file, diagnostics: diagnostics.items)
        }
        let version = root.requiredInt("version", range: 0...1_000_000)
        if let version, version != Self.supportedVersion {
            // A different version means different field meanings: stop before misreading them.
            throw Self.fail(file, "version", "unsupported version \(version); this plan reads version \(Self.supportedVersion)")
        }
        let scenario = read(&root)
        root.finish()
        if !diagnostics.isEmpty { throw ScenarioDiagnostics(file: file, diagnostics: diagnostics.items) }
        guard let scenario else { throw Self.fail(file, "", "scenario is incomplete") }
        return scenario
    }

    static func fail(_ file: String, _ path: String, _ message: String) -> ScenarioDiagnostics {
        ScenarioDiagnostics(file: file, diagnostics: [Diagnostic(path: path, message: message)])
    }

    // MARK: sections

    private func read(_ root: inout MappingReader) -> Scenario? {
        let diagnostics = root.diagnostics
        let name = root.string("name", default: "unnamed") ?? "unnamed"
        let description = root.string("description", default: "") ?? ""
        let model = readModel(&root)
        let finetune = readFinetune(&root, model: model)
        let hardware = readHardware(&root)
        let overheads = readOverheads(&root)
        let (languages, declared) = readLanguages(&root)
        let merge = readMerge(&root)
        let schedule = readSchedule(&root, declared: declared)
        let (strategies, strategyOptions) = readStrategies(&root)
        var continued = ContinuedSettings()
        if var fields = root.mapping("continued") {
            continued.replayFraction = fields.double("replay_fraction", default: continued.replayFraction, range: 0...1)
            fields.finish()
        }
        var hybrid = HybridSettings()
        if var fields = root.mapping("hybrid") {
            hybrid.refreshEveryDays = fields.int("refresh_every_days", default: hybrid.refreshEveryDays, range: 1...100_000)
            fields.finish()
        }
        let uncertainty = readUncertainty(&root)
        guard let model, var hardware else { return nil }
        checkMemory(model: model, finetune: finetune, hardware: &hardware, overheads: overheads, diagnostics: diagnostics)
        if !hardware.gpusPerJobAuto && hardware.gpusPerJob > hardware.poolGPUs {
            diagnostics.error(
                "hardware.gpus_per_job",
                "a job needs \(hardware.gpusPerJob) GPUs but the pool has only \(hardware.poolGPUs); raise pool_gpus or lower gpus_per_job")
        }
        for (index, kind) in strategies.enumerated() {
            if let gpus = strategyOptions[kind]?.gpusPerJob {
                var own = hardware
                own.gpusPerJob = gpus
                own.gpusPerJobAuto = false
                checkMemory(model: model, finetune: finetune, hardware: &own, overheads: overheads, diagnostics: diagnostics,
                            path: "strategies[\(index)].gpus_per_job")
            }
            if let gpus = strategyOptions[kind]?.gpusPerJob, gpus > hardware.poolGPUs {
                diagnostics.error(
                    "strategies[\(index)].gpus_per_job",
                    "a \(kind.rawValue) job needs \(gpus) GPUs but the pool has only \(hardware.poolGPUs); raise hardware.pool_gpus or lower gpus_per_job")
            }
        }
        var scenario = Scenario(
            name: name, description: description, model: model, finetune: finetune, hardware: hardware,
            overheads: overheads, languages: languages, merge: merge, schedule: schedule, strategies: strategies,
            continued: continued, hybrid: hybrid, uncertainty: [])
        scenario.strategyOptions = strategyOptions
        // Documented work limits, checked here so that no command starts work it cannot finish.
        if let problem = scenario.workLimitProblem() {
            diagnostics.error(scenario.languages.count + schedule.additions.count > WorkLimits.languages ? "languages" : "schedule", problem)
        }
        for (path, distribution) in uncertainty {
            let sample: Double
            switch distribution {
            case let .uniform(low, _): sample = low
            case let .triangular(_, mode, _): sample = mode
            case let .normal(mean, _): sample = mean
            case let .lognormal(median, _): sample = median
            }
            do {
                _ = try scenario.setting(path, to: sample)
                scenario.uncertainty.append((path, distribution))
            } catch {
                diagnostics.error("uncertainty.\(path)", "\(error)")
            }
        }
        return scenario
    }

    /// Resolves `gpus_per_job: auto` to the memory model's `min_gpus` and reports jobs that cannot
    /// fit the GPUs the scenario gives them.
    private func checkMemory(
        model: ModelArchitecture, finetune: Finetune, hardware: inout Hardware, overheads: Overheads,
        diagnostics: DiagnosticCollector, path: String = "hardware.gpus_per_job"
    ) {
        let cost = CostModel(model: model, finetune: finetune, hardware: hardware, overheads: overheads, merge: .defaults)
        let rate = cost.rate(context: finetune.sequenceLength)
        let single = cost.memoryModel.breakdown(
            cost.memoryModel.resolving(rate.job.on(gpus: 1), gpu: hardware.gpu, policy: finetune.checkpointingPolicy), gpu: hardware.gpu)
        let what = "\(model.name) \(finetune.method.rawValue)"
        func gib(_ bytes: Double) -> String { String(format: "%.1f", bytes / Memory.gib) }
        guard let minimum = rate.minimumGPUs else {
            diagnostics.error(
                hardware.gpusPerJobAuto ? "hardware.gpu" : path,
                "\(what) needs \(gib(single.peak)) GiB per GPU on 1 x \(hardware.gpu.name) (\(gib(hardware.gpu.memoryBytes)) GiB) and does not fit on up to \(MemoryModel.maximumGPUs) with fsdp; pipeline/tensor parallelism and CPU offload are not modelled")
            return
        }
        if hardware.gpusPerJobAuto {
            hardware.gpusPerJob = minimum
            if minimum > hardware.poolGPUs {
                diagnostics.error(
                    "hardware.pool_gpus",
                    "\(what) needs \(minimum) x \(hardware.gpu.name) per job (memory) but the pool has only \(hardware.poolGPUs); raise pool_gpus")
            }
            return
        }
        let given = cost.memoryModel.breakdown(rate.job, gpu: hardware.gpu)
        if !given.fits {
            let count = hardware.gpusPerJob
            let sharding = rate.job.sharding == .fsdp ? " with fsdp" : ""
            diagnostics.error(
                path,
                "\(what) needs \(gib(given.peak)) GiB per GPU on \(count) x \(hardware.gpu.name)\(sharding) (\(gib(hardware.gpu.memoryBytes)) GiB); it fits on \(minimum) with fsdp")
        }
    }

    private func readModel(_ root: inout MappingReader) -> ModelArchitecture? {
        guard let node = root.node("model") else {
            root.diagnostics.error("model", "missing required field (a catalog name such as llama-3.1-8b, or an architecture mapping)")
            return nil
        }
        if case let .scalar(scalar) = node {
            do { return try catalog.model(scalar.string) } catch {
                root.diagnostics.error("model", "\(error)")
                return nil
            }
        }
        guard var fields = MappingReader(node, path: "model", diagnostics: root.diagnostics) else { return nil }
        if fields.has("hf_config") { return readHFConfig(&fields) }
        let name = fields.string("name", default: "inline") ?? "inline"
        let model = ModelArchitecture.read(&fields, name: name)
        fields.finish()
        return model
    }

    /// `model: {hf_config: PATH, name: NAME}`: a Hugging Face config.json, relative to the scenario.
    private func readHFConfig(_ fields: inout MappingReader) -> ModelArchitecture? {
        let path = fields.string("hf_config", default: "") ?? ""
        let given = fields.string("name", default: "") ?? ""
        let extra = fields.keys.filter { $0 != "hf_config" && $0 != "name" }
        for key in extra { _ = fields.node(key) }
        if !extra.isEmpty {
            fields.diagnostics.error(
                fields.child(extra[0]), "hf_config gives the architecture; remove \(extra.joined(separator: ", ")) (only name may go with it)")
        }
        guard !path.isEmpty else {
            fields.diagnostics.error(fields.child("hf_config"), "expected the path of a Hugging Face config.json")
            return nil
        }
        if let storedModel { return storedModel }
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path)
            : (baseDirectory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).appendingPathComponent(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: url.path)
        else {
            fields.diagnostics.error(fields.child("hf_config"), "no such file: \(url.path)")
            return nil
        }
        let name = given.isEmpty ? url.deletingPathExtension().lastPathComponent : given
        do {
            return try HFConfig.architecture(from: data, file: path, name: name)
        } catch {
            fields.diagnostics.error(fields.child("hf_config"), "\(error)")
            return nil
        }
    }

    private func readFinetune(_ root: inout MappingReader, model: ModelArchitecture?) -> Finetune {
        var result = Finetune.defaults
        guard var fields = root.mapping("finetune") else { return result }
        if let method = fields.string("method", default: nil) {
            if let parsed = Finetune.Method(rawValue: method) { result.method = parsed } else {
                fields.diagnostics.error(fields.child("method"), "unknown method \"\(TerminalText.excerpt(method))\"; expected lora, qlora or full")
            }
        }
        result.rank = fields.int("rank", default: result.rank, range: 1...65_536)
        result.alpha = fields.double("alpha", default: Double(result.rank), range: 0...1e6, above: 0)
        result.targets = fields.stringList("targets", default: result.targets)
        for (index, target) in result.targets.enumerated() where !ModelArchitecture.projectionNames.contains(target) {
            fields.diagnostics.error(
                "\(fields.child("targets"))[\(index)]",
                "unknown projection \"\(TerminalText.excerpt(target))\"; expected one of \(ModelArchitecture.projectionNames.joined(separator: ", "))")
        }
        if result.targets.isEmpty { fields.diagnostics.error(fields.child("targets"), "needs at least one projection") }
        result.epochs = fields.double("epochs", default: result.epochs, range: 0...10_000, above: 0)
        if let node = fields.node("gradient_checkpointing"), case let .scalar(scalar) = node, scalar.string == "auto" {
            result.gradientCheckpointingAuto = true
        } else if let node = fields.node("gradient_checkpointing") {
            if let value = MappingReader.boolean(node) { result.gradientCheckpointing = value } else {
                fields.diagnostics.error(fields.child("gradient_checkpointing"), "expected true, false or auto, got \(node.shortDescription)")
            }
            result.gradientCheckpointingAuto = false
        }
        result.packing = fields.bool("packing", default: result.packing)
        result.sequenceLength = fields.int("sequence_length", default: result.sequenceLength, range: 1...10_000_000)
        result.microBatchSize = fields.int("micro_batch_size", default: result.microBatchSize, range: 1...65_536)
        result.gradientAccumulation = fields.int("gradient_accumulation", default: result.gradientAccumulation, range: 1...1_000_000)
        if let precision = fields.string("precision", default: nil) {
            if let parsed = PrecisionRecipe(rawValue: precision) { result.precision = parsed } else {
                fields.diagnostics.error(fields.child("precision"), "unknown precision \"\(precision)\"; expected mixed or bf16")
            }
        }
        fields.finish()
        return result
    }

    private func readHardware(_ root: inout MappingReader) -> Hardware? {
        guard var fields = root.mapping("hardware") else {
            if !root.has("hardware") { root.diagnostics.error("hardware", "missing required field (at least gpu: NAME)") }
            return nil
        }
        let gpuName = fields.string("gpu", default: nil)
        let profileName = fields.string("profile", default: nil)
        var spec: GPUSpec?
        switch (gpuName, profileName) {
        case let (gpu?, nil):
            do { spec = try catalog.gpu(gpu) } catch { fields.diagnostics.error(fields.child("gpu"), "\(error)") }
        case let (nil, profile?):
            if let found = profiles[profile] { spec = found } else {
                let known = profiles.keys.sorted()
                fields.diagnostics.error(
                    fields.child("profile"),
                    "unknown machine profile \"\(TerminalText.excerpt(profile))\"; "
                        + (known.isEmpty ? "run plan calibrate first" : "known profiles: \(known.joined(separator: ", "))"))
            }
        case (_?, _?):
            fields.diagnostics.error(fields.child("profile"), "give either gpu or profile, not both")
        case (nil, nil):
            fields.diagnostics.error(fields.child("gpu"), "missing required field (a catalog GPU such as a100-80gb)")
        }
        var stack: SoftwareStack?
        let defaultStack = spec?.stackName ?? SoftwareStack.defaultName  // a calibrated profile brings its own
        let stackName = fields.string("stack", default: defaultStack) ?? defaultStack
        do { stack = try catalog.stack(stackName) } catch { fields.diagnostics.error(fields.child("stack"), "\(error)") }
        guard let spec, let stack else {
            _ = fields.node("pool_gpus"); _ = fields.node("gpus_per_job"); _ = fields.node("mfu"); _ = fields.node("merge_efficiency")
            _ = fields.node("usd_per_gpu_hour"); _ = fields.node("gpu_watts"); _ = fields.node("pue"); _ = fields.node("kg_co2_per_kwh")
            _ = fields.node("peak_tflops"); _ = fields.node("sharding"); _ = fields.node("gemm_efficiency"); _ = fields.node("network_gb_per_s")
            fields.finish()
            return nil
        }
        var hardware = Hardware(gpu: spec, stack: stack)
        hardware.poolGPUs = fields.int("pool_gpus", default: hardware.poolGPUs, range: 1...1_000_000)
        if let node = fields.node("gpus_per_job") {
            if case let .scalar(scalar) = node, scalar.string == "auto" {
                hardware.gpusPerJobAuto = true
            } else if let count = MappingReader.integer(node, path: fields.child("gpus_per_job"), range: 1...1_000_000, diagnostics: fields.diagnostics) {
                hardware.gpusPerJob = count
                hardware.gpusPerJobAuto = false
            }
        }
        if fields.has("mfu") { hardware.mfu = fields.double("mfu", default: 0.35, range: 0...1, above: Scenario.minimumEfficiency) }
        if fields.has("gemm_efficiency") {
            hardware.gemmEfficiency = fields.double("gemm_efficiency", default: stack.gemmEfficiencyMax, range: 0...1, above: Scenario.minimumEfficiency)
        }
        if let sharding = fields.string("sharding", default: nil) {
            if let parsed = Sharding(rawValue: sharding) { hardware.sharding = parsed } else {
                fields.diagnostics.error(fields.child("sharding"), "unknown sharding \"\(sharding)\"; expected none or fsdp")
            }
        }
        hardware.networkBytesPerSecond = fields.double("network_gb_per_s", default: 50, range: 0...1e6, above: 0) * 1e9
        hardware.mergeEfficiency = fields.double("merge_efficiency", default: hardware.mergeEfficiency, range: 0...1, above: 0)
        hardware.usdPerGPUHour = fields.double("usd_per_gpu_hour", default: hardware.usdPerGPUHour, range: 0...1e6)
        hardware.gpuWatts = fields.double("gpu_watts", default: hardware.gpuWatts, range: 0...1e6, above: 0)
        hardware.pue = fields.double("pue", default: hardware.pue, range: 1...10)
        hardware.kgCO2PerKWh = fields.double("kg_co2_per_kwh", default: hardware.kgCO2PerKWh, range: 0...10)
        if let pricing = fields.string("pricing", default: nil) {
            if let parsed = Hardware.Pricing(rawValue: pricing) { hardware.pricing = parsed } else {
                fields.diagnostics.error(fields.child("pricing"), "unknown pricing \"\(pricing)\"; expected on-demand or reserved")
            }
        }
        if fields.has("peak_tflops") {
            hardware.gpu.peakFlopsPerSecond = fields.double("peak_tflops", default: 1, range: 0...1e9, above: 0) * 1e12
        }
        fields.finish()
        return hardware
    }

    private func readOverheads(_ root: inout MappingReader) -> Overheads {
        var result = Overheads.defaults
        guard var fields = root.mapping("overheads") else { return result }
        let minutes = 0.0...1e6
        result.jobStartupMinutes = fields.double("job_startup_minutes", default: result.jobStartupMinutes, range: minutes)
        result.mergeStartupMinutes = fields.double("merge_startup_minutes", default: result.mergeStartupMinutes, range: minutes)
        if fields.has("evaluation_startup_minutes") {
            result.evaluationStartupMinutes = fields.double("evaluation_startup_minutes", default: 0, range: minutes)
        }
        result.checkpointSaveMinutes = fields.double("checkpoint_save_minutes", default: result.checkpointSaveMinutes, range: minutes)
        result.evaluationExamplesPerLanguage = fields.int(
            "evaluation_examples_per_language", default: result.evaluationExamplesPerLanguage, range: 0...1_000_000_000)
        result.generatedTokensPerExample = fields.double(
            "generated_tokens_per_example", default: result.generatedTokensPerExample, range: 0...1e7)
        fields.finish()
        return result
    }

    static let examplesRange = 0.0...1e12
    static let tokensRange = 1.0...1e8

    /// The valid languages, and every declared code (valid or not, so that one bad entry does
    /// not also make every schedule reference to it an error).
    private func readLanguages(_ root: inout MappingReader) -> ([Language], [String]) {
        guard var top = root.mapping("languages") else {
            if !root.has("languages") { root.diagnostics.error("languages", "missing required field (at least one language)") }
            return ([], [])
        }
        var result: [Language] = []
        for code in top.keys {
            guard let node = top.node(code), var fields = MappingReader(node, path: top.child(code), diagnostics: top.diagnostics)
            else { continue }
            let examples = fields.requiredDouble("examples", range: Self.examplesRange)
            let tokens = fields.requiredDouble("tokens_per_example", range: Self.tokensRange)
            fields.finish()
            if let examples, let tokens { result.append(Language(code: code, examples: examples, tokensPerExample: tokens)) }
        }
        if top.keys.isEmpty { root.diagnostics.error("languages", "needs at least one language") }
        top.finish()
        return (result, top.keys)
    }

    private func readMerge(_ root: inout MappingReader) -> MergeSettings {
        var result = MergeSettings.defaults
        guard var fields = root.mapping("merge") else { return result }
        result.method = fields.string("method", default: result.method) ?? result.method
        if !MergeCostModel.methods.contains(result.method) {
            fields.diagnostics.error(
                fields.child("method"),
                "unknown merge method \"\(result.method)\"; expected one of \(MergeCostModel.methods.joined(separator: ", "))")
        }
        result.density = fields.double("density", default: result.density, range: 0...1, above: 0)
        if fields.has("svd_rank") { result.svdRank = fields.int("svd_rank", default: 1, range: 1...1_000_000) }
        fields.finish()
        return result
    }

    /// `strategies`: a list of names, or of mappings `{name, gpus_per_job?}`, mixed freely.
    private func readStrategies(_ root: inout MappingReader) -> ([StrategyKind], [StrategyKind: StrategyOptions]) {
        let defaults = [StrategyKind.fullRetrain, StrategyKind.merge]
        guard let node = root.node("strategies") else { return (defaults, [:]) }
        guard case let .sequence(sequence) = node else {
            root.diagnostics.error("strategies", "expected a list of strategy names, got \(node.kindName)")
            return (defaults, [:])
        }
        var result: [StrategyKind] = []
        var options: [StrategyKind: StrategyOptions] = [:]
        for (index, item) in sequence.enumerated() {
            let path = "strategies[\(index)]"
            let name: String?
            var entry = StrategyOptions()
            if case .mapping = item {
                guard var fields = MappingReader(item, path: path, diagnostics: root.diagnostics) else { continue }
                name = fields.string("name", default: nil)
                if name == nil { fields.diagnostics.error(fields.child("name"), "missing required field (a strategy name)") }
                if fields.has("gpus_per_job") { entry.gpusPerJob = fields.int("gpus_per_job", default: 1, range: 1...1_000_000) }
                fields.finish()
            } else {
                name = MappingReader.text(item, path: path, diagnostics: root.diagnostics)
            }
            guard let name else { continue }
            guard let kind = StrategyKind(rawValue: name) else {
                root.diagnostics.error(
                    path, "unknown strategy \"\(TerminalText.excerpt(name))\"; expected one of \(StrategyKind.allCases.map(\.rawValue).joined(separator: ", "))")
                continue
            }
            if result.contains(kind) {
                if entry.gpusPerJob != nil { root.diagnostics.error(path, "\(name) is listed twice; give its settings once") }
                continue
            }
            result.append(kind)
            if entry.gpusPerJob != nil { options[kind] = entry }
        }
        if sequence.isEmpty { root.diagnostics.error("strategies", "needs at least one strategy") }
        return (result, options)
    }

    private func readUncertainty(_ root: inout MappingReader) -> [(String, Distribution)] {
        guard var top = root.mapping("uncertainty") else { return [] }
        var result: [(String, Distribution)] = []
        for path in top.keys {
            guard let node = top.node(path), var fields = MappingReader(node, path: top.child(path), diagnostics: top.diagnostics)
            else { continue }
            guard fields.keys.count == 1, let kind = fields.keys.first, let valuesNode = fields.node(kind) else {
                fields.diagnostics.error(top.child(path), "expected exactly one distribution: uniform, triangular, normal or lognormal")
                continue
            }
            let where_ = fields.child(kind)
            guard case let .sequence(sequence) = valuesNode else {
                fields.diagnostics.error(where_, "expected a list of numbers")
                continue
            }
            let values = sequence.enumerated().compactMap { index, item in
                MappingReader.number(item, path: "\(where_)[\(index)]", range: -1e15...1e15, diagnostics: fields.diagnostics)
            }
            guard values.count == sequence.count else { continue }
            let distribution: Distribution?
            switch (kind, values.count) {
            case ("uniform", 2) where values[0] <= values[1]:
                distribution = .uniform(low: values[0], high: values[1])
            case ("triangular", 3) where values[0] <= values[1] && values[1] <= values[2]:
                distribution = .triangular(low: values[0], mode: values[1], high: values[2])
            case ("normal", 2) where values[1] >= 0:
                distribution = .normal(mean: values[0], sd: values[1])
            case ("lognormal", 2) where values[0] > 0 && values[1] >= 0:
                distribution = .lognormal(median: values[0], sigma: values[1])
            case ("uniform", _), ("triangular", _), ("normal", _), ("lognormal", _):
                fields.diagnostics.error(
                    where_,
                    "bad parameters; expected uniform: [low, high], triangular: [low, mode, high], normal: [mean, sd >= 0], lognormal: [median > 0, sigma >= 0]")
                distribution = nil
            default:
                fields.diagnostics.error(where_, "unknown distribution \"\(TerminalText.excerpt(kind))\"; expected uniform, triangular, normal or lognormal")
                distribution = nil
            }
            if let distribution { result.append((path, distribution)) }
        }
        return result
    }
}
