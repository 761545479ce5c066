import Foundation
import Testing
@testable import PlanCore

/// The field table drives loading, sweeps and Monte Carlo: every spec's bounds are the ones
/// the loader enforces and the setters accept.
struct ScenarioFieldTests {
    let loader = ScenarioLoader(catalog: try! Catalog.bundled())

    /// A small valid scenario; `sections` replaces or adds top-level entries (flow YAML).
    static func yaml(_ sections: [String: String] = [:]) -> String {
        var entries: [(String, String)] = [
            ("version", "1"), ("model", "llama-3.2-1b"), ("hardware", "{gpu: a100-80gb}"),
            ("languages", "{en: {examples: 100, tokens_per_example: 50}}"),
        ]
        for (key, value) in sections.sorted(by: { $0.key < $1.key }) {
            if let index = entries.firstIndex(where: { $0.0 == key }) { entries[index].1 = value } else { entries.append((key, value)) }
        }
        return entries.map { "\($0.0): \($0.1)" }.joined(separator: "\n") + "\n"
    }

    /// The scenario text with `field` set to `value`, and the path its diagnostic names.
    static func yaml(_ field: ScenarioField, _ value: String) -> (text: String, path: String) {
        let spec = field.spec
        let key = spec.key
        let parts = spec.path.split(separator: ".").map(String.init)
        func item(_ fields: [(String, String)]) -> String {
            "{" + (fields.filter { $0.0 != key } + [(key, value)]).map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
        }
        switch parts.first {
        case "version": return (yaml(["version": value]), "version")
        case "languages": return (yaml(["languages": "{en: \(item([("examples", "100"), ("tokens_per_example", "50")]))}"]), "languages.en.\(key)")
        case "strategies": return (yaml(["strategies": "[\(item([("name", "merge")]))]"]), "strategies[0].\(key)")
        case "hardware" where parts.count == 3:
            return (yaml(["hardware": "{gpu: a100-80gb, \(parts[1]): \(item([]))}"]), spec.path)
        case "hardware": return (yaml(["hardware": item([("gpu", "a100-80gb")])]), spec.path)
        case "schedule" where parts.count == 3:
            let list: [String: [(String, String)]] = [
                "events": [("day", "1"), ("language", "en"), ("add_examples", "1")],
                "periodic": [("languages", "all"), ("every_days", "30"), ("add_examples", "1")],
                "poisson": [("languages", "all"), ("per_year", "1"), ("add_examples", "1")],
                "additions": [("day", "1"), ("language", "ko"), ("examples", "1"), ("tokens_per_example", "1")],
            ]
            return (yaml(["schedule": "{\(parts[1]): [\(item(list[parts[1]] ?? []))]}"]), "schedule.\(parts[1])[0].\(key)")
        case "serving" where parts.count == 4:
            return (yaml(["serving": "{traffic: {en: \(item([]))}}"]), "serving.traffic.en.\(key)")
        case "serving": return (yaml(["serving": item([("traffic", "{'*': {requests_per_day: 1}}")])]), spec.path)
        case "regions": return (yaml(["regions": "[\(item([("name", "r")]))]"]), "regions[0].\(key)")
        case "quality" where parts.count == 3: return (yaml(["quality": "{retention: {merge: \(value)}}"]), "quality.retention.merge")
        default: return (yaml([parts[0]: item([])]), spec.path)
        }
    }

    func diagnostics(_ text: String) -> [Diagnostic] { loader.diagnostics(text) }

    static let fileFields = ScenarioField.allCases.filter(\.spec.inFile)

    @Test func theBaseScenarioIsValid() {
        #expect(diagnostics(Self.yaml()).isEmpty)
    }

    /// Just outside either end of a field's bounds is a diagnostic at its path; the ends
    /// themselves (the horizon for days) are accepted.
    @Test(arguments: fileFields)
    func theLoaderEnforcesTheSpec(_ field: ScenarioField) {
        let bounds = field.spec.bounds
        let upper = field.spec.path.hasPrefix("schedule.") && bounds.range.upperBound == 36_500 && field != .scheduleHorizonDays
            && field != .scheduleReleaseEveryDays ? 365 : bounds.range.upperBound  // days: capped at the horizon (365)
        let (low, lowIsOpen) = bounds.lower
        let tooLow = lowIsOpen ? low : low - 1
        let tooHigh = bounds.isWhole ? upper + 1 : upper * 2 + 1
        for bad in [tooLow, tooHigh] {
            let (text, path) = Self.yaml(field, MappingReader.format(bad))
            let found = diagnostics(text).filter { $0.path == path }
            #expect(found.count == 1 && found.first?.message.contains("must be") == true, "\(field.rawValue) = \(bad): \(diagnostics(text))")
        }
        for good in [lowIsOpen ? (bounds.isWhole ? low + 1 : low * 2 + 1e-3) : low, upper] {
            let (text, path) = Self.yaml(field, MappingReader.format(good))
            // Other checks may still object (a million GPUs per job in a pool of eight), but not the range.
            #expect(diagnostics(text).allSatisfy { $0.path != path || !$0.message.contains("must be") }, "\(field.rawValue) = \(good): \(diagnostics(text))")
        }
    }

    @Test func wholeFieldsRefuseFractions() {
        for field in Self.fileFields where field.spec.bounds.isWhole {
            let (text, path) = Self.yaml(field, "\(field.spec.bounds.range.lowerBound + 1.5)")
            #expect(diagnostics(text).contains { $0.path == path && $0.message.contains("whole number") }, "\(field.rawValue)")
        }
    }

    /// Hardware needs a GPU to exist, but its other fields are read and checked without one.
    @Test func anUnknownGPUStillChecksTheOtherHardwareFields() {
        let found = diagnostics(Self.yaml(["hardware": "{gpu: a100-8gb, pue: 0.5, pricing: reserved, mfu: 0.4}"]))
        #expect(Set(found.map(\.path)) == ["hardware.gpu", "hardware.pue"], "\(found)")
    }

    @Test func gpusPerJobTakesAuto() throws {
        let scenario = try loader.load(text: Self.yaml(["hardware": "{gpu: a100-80gb, gpus_per_job: auto}"]), file: "s")
        #expect(scenario.hardware.gpusPerJobAuto)
        #expect(ScenarioField.hardwareGPUsPerJob.spec.keywords == ["auto"])
    }

    /// The order `plan sweep --help` lists the variable fields in (a contract: scripts read it).
    @Test func variablePathsKeepTheirOrder() {
        #expect(Scenario.variablePaths == [
            "hardware.mfu", "hardware.usd_per_gpu_hour", "hardware.reserved_usd_per_gpu_hour", "hardware.pue", "hardware.kg_co2_per_kwh",
            "hardware.gpu_watts", "hardware.pool_gpus", "hardware.merge_efficiency", "hardware.gemm_efficiency",
            "hardware.network_gb_per_s",
            "finetune.epochs", "finetune.rank", "finetune.sequence_length", "finetune.micro_batch_size",
            "finetune.gradient_accumulation",
            "overheads.job_startup_minutes", "overheads.merge_startup_minutes",
            "overheads.evaluation_examples_per_language",
            "languages.<code|*>.examples", "languages.<code|*>.tokens_per_example", "languages.count",
            "schedule.events[<i|*>].add_examples", "schedule.periodic[<i|*>].every_days", "schedule.periodic[<i|*>].add_examples",
            "schedule.poisson[<i|*>].per_year", "schedule.poisson[<i|*>].add_examples", "schedule.horizon_days",
            "schedule.additions[<i|*>].examples", "schedule.additions[<i|*>].tokens_per_example",
            "merge_incremental.replay_fraction", "adapters.replay_fraction", "adapters.deploy_minutes",
            "serving.usd_per_gpu_hour", "serving.max_ms_per_output_token", "serving.peak_to_mean", "serving.traffic_scale",
            "quality.floor", "hardware.reliability.gpu_failures_per_hour", "hardware.reliability.storage_gb_per_s",
            "hardware.reliability.restart_minutes",
            "hardware.spot.usd_per_gpu_hour", "hardware.spot.preemptions_per_hour", "hardware.spot.max_job_hours",
            "hardware.spot.max_gpus_per_job", "schedule.max_update_delay_hours",
            "regions[<i|*>].usd_per_gpu_hour", "regions[<i|*>].kg_co2_per_kwh", "regions[<i|*>].pue",
        ])
    }

    /// A scenario with an item in every schedule list, so that list fields have a value.
    func scheduled() throws -> Scenario {
        try loader.load(text: Self.yaml([
            "languages": "{en: {examples: 100, tokens_per_example: 50}, fr: {examples: 300, tokens_per_example: 70}}",
            "schedule": "{events: [{day: 1, language: en, add_examples: 5}], periodic: [{languages: all, every_days: 30, add_examples: 2}], "
                + "poisson: [{languages: all, per_year: 3, add_examples: 4}], additions: [{day: 5, language: ko, examples: 6, tokens_per_example: 7}]}",
            "serving": "{traffic: {'*': {requests_per_day: 100}}}",
            "regions": "[{name: r1, kg_co2_per_kwh: 0.1}]",
        ]), file: "s")
    }

    /// Every variable field reads back what it was set to, at both ends and inside its bounds.
    @Test(arguments: ScenarioField.allCases.filter(\.spec.isVariable))
    func variableFieldsRoundTrip(_ field: ScenarioField) throws {
        let scenario = try scheduled()
        let path = field.rawValue.replacingOccurrences(of: "<code|*>", with: "fr")
        let bounds = try scenario.bounds(at: path)
        let (low, open) = bounds.lower
        let inside = bounds.isWhole ? ((low + bounds.range.upperBound) / 2).rounded(.down) : (low + bounds.range.upperBound) / 2
        for value in [open ? bounds.clamped(low)! : low, inside, bounds.range.upperBound] where field != .languagesCount || value <= 50 {
            let set = try scenario.setting(path, to: value)
            #expect(try set.value(at: path) == value, "\(path) = \(value)")
        }
        #expect(throws: PlanCoreError.self) { try scenario.setting(path, to: bounds.range.upperBound * 2 + 1) }
        #expect(throws: PlanCoreError.self) { try scenario.setting(path, to: open ? low : low - 1) }
        #expect(throws: PlanCoreError.self) { try scenario.setting(path, to: .infinity) }
    }

    @Test func languageFieldsSelectOneOrEveryLanguage() throws {
        let scenario = try scheduled()
        #expect(try scenario.value(at: "languages.*.examples") == 200)
        let one = try scenario.setting("languages.fr.examples", to: 7)
        #expect(one.languages.map(\.examples) == [100, 7])
        let all = try scenario.setting("languages.*.tokens_per_example", to: 9)
        #expect(all.languages.map(\.tokensPerExample) == [9, 9])
        #expect(throws: PlanCoreError.self) { try scenario.setting("languages.ko.examples", to: 1) }
        #expect(throws: PlanCoreError.self) { try scenario.setting("languages.fr.colour", to: 1) }
        #expect(throws: PlanCoreError.self) { try scenario.value(at: "hardware.gpus_per_job") }  // numeric, but not variable
    }

    /// The setter's messages name the path and the bounds (`plan sweep` prints them).
    @Test func settingMessagesNameTheBounds() throws {
        let scenario = try scheduled()
        #expect(throws: PlanCoreError.invalidArgument("hardware.mfu must be between 0.0 and 1.0, got 2.0")) {
            try scenario.setting("hardware.mfu", to: 2)
        }
        #expect(throws: PlanCoreError.invalidArgument("hardware.mfu must be greater than 1e-06, got 0.0")) {
            try scenario.setting("hardware.mfu", to: 0)
        }
        #expect(throws: PlanCoreError.invalidArgument("finetune.rank must be a finite number")) {
            try scenario.setting("finetune.rank", to: .nan)
        }
    }

    /// Draws are clamped to the spec's bounds before conversion; the pool stays as wide as the widest job.
    @Test func clampingUsesTheBounds() throws {
        var scenario = try scheduled()
        scenario.strategyOptions[.merge] = StrategyOptions(gpusPerJob: 4)
        #expect(scenario.settingClamped("hardware.pool_gpus", to: 1)?.hardware.poolGPUs == 4)
        #expect(scenario.settingClamped("hardware.pool_gpus", to: 1e300)?.hardware.poolGPUs == 1_000_000)
        #expect(scenario.settingClamped("finetune.rank", to: 70.6)?.finetune.rank == 71)
        #expect(scenario.settingClamped("finetune.rank", to: -.infinity)?.finetune.rank == 1)
        #expect(scenario.settingClamped("hardware.mfu", to: -1)?.hardware.mfu == ScenarioField.minimumEfficiency.nextUp)
        #expect(scenario.settingClamped("hardware.mfu", to: .nan) == nil)
        #expect(scenario.settingClamped("nope", to: 1) == nil)
    }

    @Test func boundsPrintAsIntervals() {
        #expect(ScenarioField.finetuneRank.spec.bounds.interval == "[1, 65,536]")
        #expect(ScenarioField.hardwareMFU.spec.bounds.interval == "(1e-6, 1]")
        #expect(ScenarioField.languageExamples.spec.bounds.interval == "[0, 1e12]")
        #expect(ScenarioField.finetuneSequenceLength.spec.bounds.interval == "[1, 1e7]")
        #expect(ScenarioField.hardwarePUE.spec.bounds.interval == "[1, 10]")
        #expect(ScenarioField.mergeDensity.spec.bounds.interval == "(0, 1]")
        #expect(FieldBounds.real(0.25...2.5).interval == "[0.25, 2.5]")
    }

    @Test func specsAreWellFormed() {
        for spec in ScenarioField.all {
            #expect(!spec.key.isEmpty && !spec.doc.isEmpty, "\(spec.path)")
            #expect(spec.bounds.range.lowerBound <= spec.bounds.range.upperBound, "\(spec.path)")
            if spec.bounds.isWhole { #expect(spec.bounds.above == nil && spec.bounds.range.upperBound < 1e15, "\(spec.path)") }
            #expect(spec.inFile || spec.isVariable, "\(spec.path): neither in a file nor variable")
        }
    }
}
