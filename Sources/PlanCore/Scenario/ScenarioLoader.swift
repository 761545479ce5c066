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
        // A stored scenario read back by report or runs compare has no file to measure first.
        if text.utf8.count > WorkLimits.scenarioBytes {
            throw Self.fail(file, "", "the scenario is larger than the limit of \(WorkLimits.scenarioBytes >> 20) MiB")
        }
        let node: Node?
        do {
            node = try BoundedYAML.compose(text)
        } catch let refusal as BoundedYAML.Refusal {
            throw Self.fail(file, "", refusal.message)
        } catch {
            let message = "\(error)".split(separator: "\n").first.map(String.init) ?? "invalid YAML"
            throw Self.fail(file, "", "malformed YAML: \(message)")
        }
        guard let node else { throw Self.fail(file, "", "file is empty; expected a version: 1 scenario") }
        let diagnostics = DiagnosticCollector()
        guard var root = MappingReader(node, path: "", diagnostics: diagnostics) else {
            throw ScenarioDiagnostics(file: file, diagnostics: diagnostics.items)
        }
        let version = root.requiredInt(.version)
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
        let name = root.string("name", default: ScenarioDefaults.name) ?? ScenarioDefaults.name
        let description = root.string("description", default: "") ?? ""
        let model = readModel(&root)
        let finetune = readFinetune(&root, model: model)
        let hardware = readHardware(&root)
        let regions = readRegions(&root, hardware: hardware)
        let overheads = readOverheads(&root)
        let (languages, declared) = readLanguages(&root)
        let merge = readMerge(&root)
        let schedule = readSchedule(&root, declared: declared)
        let (strategies, readOptions) = readStrategies(&root)
        var strategyOptions = readOptions
        var continued = ScenarioDefaults.continued
        if var fields = root.mapping("continued") {
            continued.replayFraction = fields.double(.continuedReplayFraction, default: continued.replayFraction)
            fields.finish()
        }
        var hybrid = ScenarioDefaults.hybrid
        if var fields = root.mapping("hybrid") {
            hybrid.refreshEveryDays = fields.int(.hybridRefreshEveryDays, default: hybrid.refreshEveryDays)
            fields.finish()
        }
        let mergeIncremental = readMergeIncremental(&root)
        let adapters = readAdapters(&root)
        let serving = readServing(&root, hardware: hardware, codes: Set(declared + schedule.additions.map(\.language)))
        let quality = readQuality(&root)
        let uncertainty = readUncertainty(&root)
        if strategies.contains(.adapters) && finetune.method == .full {
            diagnostics.error("strategies", "adapters serves one LoRA adapter per language; it needs finetune.method lora or qlora")
        }
        guard let model, var hardware else { return nil }
        hardware.placement = checkPlacement(hardware.placementText, regions: regions, diagnostics: diagnostics)
        checkLayouts(model: model, finetune: finetune, hardware: &hardware, overheads: overheads, strategies: strategies,
                     options: &strategyOptions, diagnostics: diagnostics)
        // A spot block that is present but invalid has its own diagnostics already.
        let spotInvalid = diagnostics.items.contains { $0.path.hasPrefix("hardware.spot") }
        for kind in strategies where hardware.spot == nil && !spotInvalid {
            let capacity = strategyOptions[kind]?.capacity ?? hardware.capacity
            if capacity == .spot {
                let index = strategies.firstIndex(of: kind) ?? 0
                diagnostics.error(
                    strategyOptions[kind]?.capacity == .spot ? "strategies[\(index)].capacity" : "hardware.capacity",
                    "spot capacity needs a hardware.spot block with usd_per_gpu_hour and preemptions_per_hour")
                break
            }
        }
        var scenario = Scenario(
            name: name, description: description, model: model, finetune: finetune, hardware: hardware,
            overheads: overheads, languages: languages, merge: merge, schedule: schedule, strategies: strategies,
            continued: continued, hybrid: hybrid, uncertainty: [])
        scenario.strategyOptions = strategyOptions
        scenario.mergeIncremental = mergeIncremental
        scenario.adapters = adapters
        scenario.serving = serving
        scenario.quality = quality
        scenario.regions = regions
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
        let data: Data
        do {
            guard let read = try BoundedFile.read(url.path, limit: WorkLimits.modelConfigBytes) else {
                fields.diagnostics.error(fields.child("hf_config"), "no such file: \(url.path)")
                return nil
            }
            data = read
        } catch {
            fields.diagnostics.error(fields.child("hf_config"), "\(error)")
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
        var result = ScenarioDefaults.finetune
        guard var fields = root.mapping("finetune") else { return result }
        if let method = fields.string("method", default: nil) {
            if let parsed = Finetune.Method(rawValue: method) { result.method = parsed } else {
                fields.diagnostics.error(fields.child("method"), "unknown method \"\(TerminalText.excerpt(method))\"; expected lora, qlora or full")
            }
        }
        result.rank = fields.int(.finetuneRank, default: result.rank)
        result.alpha = fields.double(.finetuneAlpha, default: Double(result.rank))
        result.targets = fields.stringList("targets", default: result.targets)
        for (index, target) in result.targets.enumerated() where !ModelArchitecture.projectionNames.contains(target) {
            fields.diagnostics.error(
                "\(fields.child("targets"))[\(index)]",
                "unknown projection \"\(TerminalText.excerpt(target))\"; expected one of \(ModelArchitecture.projectionNames.joined(separator: ", "))")
        }
        if result.targets.isEmpty { fields.diagnostics.error(fields.child("targets"), "needs at least one projection") }
        result.epochs = fields.double(.finetuneEpochs, default: result.epochs)
        if let node = fields.node("gradient_checkpointing"), case let .scalar(scalar) = node, scalar.string == "auto" {
            result.gradientCheckpointingAuto = true
        } else if let node = fields.node("gradient_checkpointing") {
            if let value = MappingReader.boolean(node) { result.gradientCheckpointing = value } else {
                fields.diagnostics.error(fields.child("gradient_checkpointing"), "expected true, false or auto, got \(node.shortDescription)")
            }
            result.gradientCheckpointingAuto = false
        }
        result.packing = fields.bool("packing", default: result.packing)
        result.sequenceLength = fields.int(.finetuneSequenceLength, default: result.sequenceLength)
        result.microBatchSize = fields.int(.finetuneMicroBatchSize, default: result.microBatchSize)
        result.gradientAccumulation = fields.int(.finetuneGradientAccumulation, default: result.gradientAccumulation)
        let evalEvery = fields.optionalDouble(.finetuneEvalEveryExamples)
        let evalExamples = fields.optionalDouble(.finetuneEvalExamples)
        switch (evalEvery, evalExamples) {
        case let (every?, examples?): result.evaluation = EvaluationSchedule(everySamples: every, samples: examples)
        case (_?, nil) where !fields.has(ScenarioField.finetuneEvalExamples.spec.key):
            fields.diagnostics.error(fields.child(ScenarioField.finetuneEvalExamples.spec.key),
                                     "missing: eval_every_examples needs the examples each evaluation runs")
        case (nil, _?) where !fields.has(ScenarioField.finetuneEvalEveryExamples.spec.key):
            fields.diagnostics.error(fields.child(ScenarioField.finetuneEvalEveryExamples.spec.key),
                                     "missing: eval_examples needs eval_every_examples (how often to evaluate)")
        default: break
        }
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
        // Every other field is read and checked whether or not the GPU and stack were found;
        // the ones whose default depends on them are optional here.
        let poolGPUs = fields.int(.hardwarePoolGPUs, default: ScenarioDefaults.poolGPUs)
        let gpusPerJob = readGPUsPerJob(&fields)
        let tensorParallel = fields.int(.hardwareTensorParallel, default: ScenarioDefaults.tensorParallel)
        let mfu = fields.optionalDouble(.hardwareMFU)
        let gemmEfficiency = fields.optionalDouble(.hardwareGEMMEfficiency)
        var sharding: Sharding?
        if let text = fields.string("sharding", default: nil) {
            if let parsed = Sharding(rawValue: text) { sharding = parsed } else {
                fields.diagnostics.error(fields.child("sharding"), "unknown sharding \"\(text)\"; expected none or fsdp")
            }
        }
        let networkGBPerSecond = fields.double(.hardwareNetworkGBPerS, default: ScenarioDefaults.networkGBPerSecond)
        let mergeEfficiency = fields.double(.hardwareMergeEfficiency, default: ScenarioDefaults.mergeEfficiency)
        let usdPerGPUHour = fields.double(.hardwareUSDPerGPUHour, default: ScenarioDefaults.usdPerGPUHour)
        let reservedUSDPerGPUHour = fields.optionalDouble(.hardwareReservedUSDPerGPUHour)
        let gpuWatts = fields.optionalDouble(.hardwareGPUWatts)
        let pue = fields.double(.hardwarePUE, default: ScenarioDefaults.pue)
        let kgCO2PerKWh = fields.double(.hardwareKgCO2PerKWh, default: ScenarioDefaults.kgCO2PerKWh)
        var pricing = ScenarioDefaults.pricing
        if let text = fields.string("pricing", default: nil) {
            if let parsed = Hardware.Pricing(rawValue: text) { pricing = parsed } else {
                fields.diagnostics.error(fields.child("pricing"), "unknown pricing \"\(text)\"; expected on-demand or reserved")
            }
        }
        let peakTFLOPS = fields.optionalDouble(.hardwarePeakTFLOPS)
        let linkGBPerSecond = fields.optionalDouble(.hardwareLinkGBPerS)
        let reliability = readReliability(&fields)
        let capacity = readCapacity(&fields)
        let spot = readSpot(&fields)
        let placement = fields.string("placement", default: nil)
        fields.finish()
        guard let spec, let stack else { return nil }

        var hardware = Hardware(gpu: spec, stack: stack)
        hardware.poolGPUs = poolGPUs
        if let gpusPerJob {
            hardware.gpusPerJob = gpusPerJob
            hardware.gpusPerJobAuto = false
        }
        hardware.tensorParallel = tensorParallel
        hardware.mfu = mfu
        hardware.reliability = reliability
        hardware.capacity = capacity ?? .onDemand
        hardware.spot = spot
        hardware.placementText = placement
        hardware.gemmEfficiency = gemmEfficiency
        hardware.sharding = sharding
        hardware.networkBytesPerSecond = networkGBPerSecond * 1e9
        hardware.mergeEfficiency = mergeEfficiency
        hardware.usdPerGPUHour = usdPerGPUHour
        hardware.reservedUSDPerGPUHour = reservedUSDPerGPUHour
        if let gpuWatts { hardware.gpuWatts = gpuWatts }
        hardware.pue = pue
        hardware.kgCO2PerKWh = kgCO2PerKWh
        hardware.pricing = pricing
        if let peakTFLOPS { hardware.gpu.peakFlopsPerSecond = peakTFLOPS * 1e12 }
        if let linkGBPerSecond { hardware.gpu.linkBytesPerSecond = linkGBPerSecond * 1e9 }
        return hardware
    }

    /// `hardware.gpus_per_job`: an explicit count, or nil for `auto` (also when absent or invalid).
    private func readGPUsPerJob(_ fields: inout MappingReader) -> Int? {
        let field = ScenarioField.hardwareGPUsPerJob
        guard let node = fields.node(field.spec.key) else { return nil }
        if case let .scalar(scalar) = node, field.spec.keywords.contains(scalar.string) { return nil }
        return MappingReader.integer(node, path: fields.child(field.spec.key), range: field.spec.bounds.wholeRange, diagnostics: fields.diagnostics)
    }

    private func readOverheads(_ root: inout MappingReader) -> Overheads {
        var result = ScenarioDefaults.overheads
        guard var fields = root.mapping("overheads") else { return result }
        result.jobStartupMinutes = fields.double(.overheadsJobStartupMinutes, default: result.jobStartupMinutes)
        result.mergeStartupMinutes = fields.double(.overheadsMergeStartupMinutes, default: result.mergeStartupMinutes)
        result.evaluationStartupMinutes = fields.optionalDouble(.overheadsEvaluationStartupMinutes)
        result.checkpointSaveMinutes = fields.double(.overheadsCheckpointSaveMinutes, default: result.checkpointSaveMinutes)
        result.evaluationExamplesPerLanguage = fields.int(.overheadsEvaluationExamplesPerLanguage, default: result.evaluationExamplesPerLanguage)
        result.generatedTokensPerExample = fields.double(.overheadsGeneratedTokensPerExample, default: result.generatedTokensPerExample)
        fields.finish()
        return result
    }

    /// The valid languages, and every declared code (valid or not, so that one bad entry does
    /// not also make every schedule reference to it an error).
    private func readLanguages(_ root: inout MappingReader) -> ([Language], [String]) {
        guard var top = root.mapping("languages") else {
            if !root.has("languages") { root.diagnostics.error("languages", "missing required field (at least one language)") }
            return ([], [])
        }
        // Counted before any language is read, so that a huge mapping costs no more than its parse.
        if top.pairs.count > WorkLimits.languages {
            root.diagnostics.error("languages", "\(top.pairs.count) languages, more than the limit of \(WorkLimits.languages)")
            return ([], top.keys)
        }
        var result: [Language] = []
        for code in top.keys {
            guard let node = top.node(code), var fields = MappingReader(node, path: top.child(code), diagnostics: top.diagnostics)
            else { continue }
            let examples = fields.requiredDouble(.languageExamples)
            let tokens = fields.requiredDouble(.languageTokensPerExample)
            fields.finish()
            if let examples, let tokens { result.append(Language(code: code, examples: examples, tokensPerExample: tokens)) }
        }
        if top.keys.isEmpty { root.diagnostics.error("languages", "needs at least one language") }
        top.finish()
        return (result, top.keys)
    }

    private func readMerge(_ root: inout MappingReader) -> MergeSettings {
        var result = ScenarioDefaults.merge
        guard var fields = root.mapping("merge") else { return result }
        result.method = fields.string("method", default: result.method) ?? result.method
        if !MergeCostModel.methods.contains(result.method) {
            fields.diagnostics.error(
                fields.child("method"),
                "unknown merge method \"\(result.method)\"; expected one of \(MergeCostModel.methods.joined(separator: ", "))")
        }
        result.density = fields.double(.mergeDensity, default: result.density)
        result.svdRank = fields.optionalInt(.mergeSVDRank)
        fields.finish()
        return result
    }

    /// `strategies`: a list of names, or of mappings `{name, gpus_per_job?, tensor_parallel?, capacity?}`, mixed freely.
    private func readStrategies(_ root: inout MappingReader) -> ([StrategyKind], [StrategyKind: StrategyOptions]) {
        let defaults = ScenarioDefaults.strategies
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
                entry.gpusPerJob = fields.optionalInt(.strategyGPUsPerJob)
                entry.tensorParallel = fields.optionalInt(.strategyTensorParallel)
                entry.capacity = readCapacity(&fields)
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
                if entry != StrategyOptions() { root.diagnostics.error(path, "\(name) is listed twice; give its settings once") }
                continue
            }
            result.append(kind)
            if entry != StrategyOptions() { options[kind] = entry }
        }
        if sequence.isEmpty { root.diagnostics.error("strategies", "needs at least one strategy") }
        return (result, options)
    }

    private func readUncertainty(_ root: inout MappingReader) -> [(String, Distribution)] {
        guard var top = root.mapping("uncertainty") else { return [] }
        if top.pairs.count > WorkLimits.uncertainInputs {
            root.diagnostics.error("uncertainty", "\(top.pairs.count) uncertain inputs, more than the limit of \(WorkLimits.uncertainInputs)")
            return []
        }
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
                MappingReader.number(item, path: "\(where_)[\(index)]", range: ScenarioField.distributionParameterRange, diagnostics: fields.diagnostics)
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
