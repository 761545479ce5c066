import Foundation
import Testing
@testable import PlanCore

/// Scenario diagnostics of the memory model: a job that does not fit the GPUs it is given, and a
/// pool smaller than a job's min_gpus; `gpus_per_job: auto` resolves to min_gpus.
struct ScenarioMemoryTests {
    let loader = ScenarioLoader(catalog: try! Catalog.bundled())
    let base = try! Catalog.scenarioText(Catalog.defaultScenarioName)

    func diagnostics(_ text: String) -> [Diagnostic] { loader.diagnostics(text) }

    func seventyB(gpusPerJob: String, pool: Int) -> String {
        base.replacingOccurrences(of: "model: llama-3.1-8b ", with: "model: llama-3.1-70b ")
            .replacingOccurrences(of: "gpus_per_job: auto ", with: "gpus_per_job: \(gpusPerJob) ")
            .replacingOccurrences(of: "pool_gpus: 2 ", with: "pool_gpus: \(pool) ")
            .replacingOccurrences(of: "gradient_checkpointing: false", with: "gradient_checkpointing: true")
    }

    @Test func explicitGPUCountThatDoesNotFitIsAnError() throws {
        let found = diagnostics(seventyB(gpusPerJob: "1", pool: 8))
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.path == "hardware.gpus_per_job")
        let message = try #require(found.first?.message)
        #expect(message.hasPrefix("llama-3.1-70b lora needs "), "\(message)")
        #expect(message.contains("GiB per GPU on 1 x a100-80gb (80.0 GiB); it fits on "), "\(message)")
        #expect(message.hasSuffix(" with fsdp"))
    }

    @Test func poolSmallerThanMinGPUsIsAnError() throws {
        let found = diagnostics(seventyB(gpusPerJob: "auto", pool: 1))
        #expect(found.map(\.path) == ["hardware.pool_gpus"], "\(found)")
        #expect(found.first?.message.contains("per job (memory) but the pool has only 1") == true)
    }

    @Test func autoResolvesToMinGPUs() throws {
        let scenario = try loader.load(text: seventyB(gpusPerJob: "auto", pool: 8), file: "s.yaml")
        #expect(scenario.hardware.gpusPerJobAuto)
        #expect(scenario.hardware.gpusPerJob >= 2)
        let job = CostModel(scenario: scenario).training(name: "t", data: [.init(examples: 10, tokensPerExample: 100)])
        #expect(job.gpus == scenario.hardware.gpusPerJob)
        // The default scenario: an 8B LoRA fits one A100 (figures unchanged by the memory model).
        let paper = try loader.load(text: base, file: "s.yaml")
        #expect(paper.hardware.gpusPerJob == 1)
    }

    @Test func checkpointingTakesTrueFalseOrAuto() throws {
        let found = diagnostics(base.replacingOccurrences(of: "gradient_checkpointing: false", with: "gradient_checkpointing: maybe"))
        #expect(found.map(\.path) == ["finetune.gradient_checkpointing"], "\(found)")
        #expect(found.first?.message.hasPrefix("expected true, false or auto") == true)
        let auto = try loader.load(text: base.replacingOccurrences(of: "gradient_checkpointing: false", with: "gradient_checkpointing: auto"), file: "s")
        #expect(auto.finetune.checkpointingPolicy == .auto)
    }
}
