import Foundation
import Testing
@testable import PlanCore

struct ScenarioValidationTests {
    let loader = ScenarioLoader(catalog: try! Catalog.bundled())
    let base = try! Catalog.scenarioText(Catalog.defaultScenarioName)

    func problems(_ text: String) -> [Diagnostic] { loader.diagnostics(text) }

    func replacing(_ old: String, _ new: String) -> String {
        precondition(base.contains(old), "fixture drifted: \(old)")
        return base.replacingOccurrences(of: old, with: new)
    }

    @Test func defaultScenarioIsValidAndEmbeddedCopyMatchesTheFile() throws {
        #expect(problems(base).isEmpty)
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scenarios/paper-2601.16127.yaml")
        #expect(try String(contentsOf: file, encoding: .utf8) == base, "scenarios/ and Sources/PlanCore/Resources/Scenarios/ differ")
        for name in ["fifty-languages", "twelve-languages"] {
            let copy = file.deletingLastPathComponent().appendingPathComponent("\(name).yaml")
            #expect(try String(contentsOf: copy, encoding: .utf8) == (try Catalog.scenarioText(name)), "scenarios/\(name).yaml differs from the embedded copy")
            #expect(problems(try Catalog.scenarioText(name)).isEmpty)
        }
        let scenario = try loader.load(text: base, file: "s")
        #expect(scenario.languages.map(\.code) == ["en", "fr", "de", "zh", "ja"])
        #expect(scenario.finetune.rank == 64 && scenario.finetune.alpha == 64 && scenario.finetune.epochs == 4)
        #expect(scenario.schedule.events == [UpdateEvent(day: 30, language: "en", addExamples: 5000)])
    }

    /// Each bad input gets its own diagnostic at the right path (and only that one).
    @Test(arguments: [
        ("en: {examples: 5000", "en: {examples: -5000", "languages.en.examples", "between 0 and"),
        ("stack: hf ", "stack: hf\n  mfu: 1.5 ", "hardware.mfu", "between 0 and 1"),
        ("stack: hf ", "stack: hf\n  mfu: .nan ", "hardware.mfu", "finite"),
        ("epochs: 4 ", "epochs: four ", "finetune.epochs", "expected a number"),
        ("en: {examples: 5000", "en: {examples: 1e400", "languages.en.examples", "finite"),
        ("model: llama-3.1-8b ", "model: llama-9 ", "model", "unknown model 'llama-9'"),
        ("version: 1", "version: 99", "version", "unsupported version 99"),
        ("pue: 1.1 ", "pue: 1.1\n  colour: red\n ", "hardware.colour", "unknown field"),
        ("gpu: a100-80gb ", "gpu: a100-8gb ", "hardware.gpu", "unknown gpu"),
        ("method: ties", "method: tie", "merge.method", "unknown merge method"),
        ("pool_gpus: 2 ", "pool_gpus: 2.5 ", "hardware.pool_gpus", "whole number"),
        ("strategies: [full-retrain, merge]", "strategies: [full-retrain, merj]", "strategies[1]", "unknown strategy"),
        ("language: en, add", "language: es, add", "schedule.events[0].language", "unknown language"),
        ("gpus_per_job: auto ", "gpus_per_job: 4 ", "hardware.gpus_per_job", "pool has only 2"),
        ("density: 0.5}", "density: -0.5}", "merge.density", "greater than 0"),
        ("{uniform: [0.55, 0.75]}", "{uniform: [0.75, 0.55]}", "uncertainty.hardware.gemm_efficiency.uniform", "bad parameters"),
        ("hardware.usd_per_gpu_hour: {", "hardware.colour: {", "uncertainty.hardware.colour", "unknown or non-numeric field"),
        ("tokens_per_example: 600}", "tokens_per_example: \"600\"}", "languages.en.tokens_per_example", "expected a number"),
    ])
    func badFieldGetsOneDiagnosticAtItsPath(old: String, new: String, path: String, message: String) {
        let found = problems(replacing(old, new))
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.path == path, "\(found)")
        #expect(found.first?.message.contains(message) == true, "\(found)")
    }

    @Test func allProblemsAreReportedAtOnce() {
        let text = replacing("stack: hf ", "stack: hf\n  mfu: 1.5 ").replacingOccurrences(of: "epochs: 4 ", with: "epochs: four ")
            .replacingOccurrences(of: "pue: 1.1 ", with: "pue: 0.5 ")
        #expect(Set(problems(text).map(\.path)) == ["hardware.mfu", "finetune.epochs", "hardware.pue"])
    }

    @Test(arguments: [
        ("", "file is empty"),
        ("- a\n- b\n", "expected a mapping"),
        ("version: 1\nname: [unclosed\n", "malformed YAML"),
        ("name: x\n", "missing required field"),
    ])
    func wholeDocumentProblems(text: String, message: String) {
        let found = problems(text)
        #expect(!found.isEmpty)
        #expect(found.contains { $0.message.contains(message) }, "\(found)")
    }

    @Test func binaryFileIsRefused() {
        var bytes = [UInt8](repeating: 0, count: 64)
        for i in bytes.indices { bytes[i] = UInt8((i * 37) % 256) }
        #expect(throws: ScenarioDiagnostics.self) { try loader.load(data: Data(bytes), file: "b") }
        #expect(throws: ScenarioDiagnostics.self) { try loader.load(data: Data(), file: "e") }
    }

    @Test func diagnosticsPrintAsFileErrorAtPath() {
        let error = ScenarioDiagnostics(file: "s.yaml", diagnostics: [Diagnostic(path: "hardware.mfu", message: "m")])
        #expect(error.lines == ["s.yaml: error: at hardware.mfu: m"])
    }

    /// Every default lives in one place: an empty section decodes to the defaults.
    @Test func emptySectionsDecodeToTheDefaults() throws {
        let text = """
            version: 1
            model: llama-3.1-8b
            hardware: {gpu: a100-80gb}
            finetune: {}
            overheads: {}
            merge: {}
            schedule: {}
            languages: {en: {examples: 10, tokens_per_example: 5}}
            """
        let scenario = try loader.load(text: text, file: "d")
        #expect(scenario.name == ScenarioDefaults.name)
        #expect(scenario.finetune == ScenarioDefaults.finetune)
        #expect(scenario.overheads == ScenarioDefaults.overheads)
        #expect(scenario.merge == ScenarioDefaults.merge)
        #expect(scenario.schedule == ScenarioDefaults.schedule)
        #expect(scenario.continued == ScenarioDefaults.continued && scenario.hybrid == ScenarioDefaults.hybrid)
        #expect(scenario.strategies == ScenarioDefaults.strategies)
        // hardware: the defaults on the named GPU, with its board power.
        let gpu = try Catalog.bundled().gpu("a100-80gb")
        #expect(scenario.hardware == Hardware(gpu: gpu, stack: try Catalog.bundled().stack(SoftwareStack.defaultName)))
        #expect(scenario.hardware.gpuWatts == 400)
        #expect(scenario.hardware.networkBytesPerSecond == ScenarioDefaults.networkGBPerSecond * 1e9)
    }

    @Test func inlineArchitectureIsAccepted() throws {
        let text = """
            version: 1
            model: {name: toy, layers: 2, hidden: 64, mlp: 160, heads: 4, kv_heads: 2, vocab: 128}
            hardware: {gpu: h100-sxm}
            languages: {en: {examples: 10, tokens_per_example: 5}}
            """
        let scenario = try loader.load(text: text, file: "d")
        #expect(scenario.model.headDim == 16)
    }

    @Test func variableFieldsRoundTripAndRejectBadValues() throws {
        let scenario = try loader.load(text: base, file: "s")
        #expect(try scenario.setting("hardware.mfu", to: 0.4).hardware.mfu == 0.4)
        #expect(try scenario.setting("languages.en.examples", to: 7).language("en")?.examples == 7)
        #expect(try scenario.setting("languages.*.tokens_per_example", to: 9).languages.allSatisfy { $0.tokensPerExample == 9 })
        #expect(try scenario.setting("languages.count", to: 8).languages.count == 8)
        #expect(throws: PlanCoreError.self) { try scenario.setting("hardware.mfu", to: 2) }
        #expect(throws: PlanCoreError.self) { try scenario.setting("hardware.mfu", to: .nan) }
        #expect(throws: PlanCoreError.self) { try scenario.setting("nope", to: 1) }
    }
}
