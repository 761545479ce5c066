import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim

/// The embedded default scenario reproduces the study's reported bands (arXiv 2601.16127):
/// maintenance saving 60–75% (">60%", "about 70%"), initial wall-clock saving 30–55% ("up to
/// 50%", "about 35%"), and no initial GPU-hour saving (the adapters train in parallel).
struct DefaultScenarioTests {
    @Test func landsInTheStudysBands() throws {
        let loader = ScenarioLoader(catalog: try Catalog.bundled())
        let scenario = try loader.load(text: try Catalog.scenarioText(Catalog.defaultScenarioName), file: "default")
        let result = Simulator(scenario: scenario).run(seed: 42)
        let merge = try #require(result.strategy(.merge))
        let savings = try #require(merge.savings)
        #expect(savings.maintenance.gpuHours > 0.60 && savings.maintenance.gpuHours < 0.75, "\(savings.maintenance.gpuHours)")
        #expect(savings.initial.wallClockHours > 0.30 && savings.initial.wallClockHours < 0.55, "\(savings.initial.wallClockHours)")
        #expect(abs(savings.initial.gpuHours) < 0.10, "\(savings.initial.gpuHours)")
        #expect(merge.breakEvenDay == 30)
    }

    /// The default's GPU-hours as `plan simulate` prints them (5.86 / 6.86 / 6.23 / 2.22), the
    /// same with `hardware.tensor_parallel: 1` written out: the field's default changes nothing.
    @Test func figuresUnchangedByTheTensorParallelDefault() throws {
        let loader = ScenarioLoader(catalog: try Catalog.bundled())
        let text = try Catalog.scenarioText(Catalog.defaultScenarioName)
        let written = text.replacingOccurrences(of: "gpus_per_job: auto ", with: "gpus_per_job: auto\n  tensor_parallel: 1 ")
        #expect(written != text)
        for source in [text, written] {
            let result = Simulator(scenario: try loader.load(text: source, file: "default")).run(seed: 42)
            let full = try #require(result.strategy(.fullRetrain)), merge = try #require(result.strategy(.merge))
            let printed = [full.initial.gpuHours, full.maintenance.gpuHours, merge.initial.gpuHours, merge.maintenance.gpuHours]
                .map { String(format: "%.2f", $0) }
            #expect(printed == ["5.86", "6.86", "6.23", "2.22"])
        }
        let a = Simulator(scenario: try loader.load(text: text, file: "default")).run(seed: 42)
        let b = Simulator(scenario: try loader.load(text: written, file: "default")).run(seed: 42)
        #expect(a.strategy(.merge)?.total.gpuHours == b.strategy(.merge)?.total.gpuHours)
        #expect(a.strategy(.fullRetrain)?.total.costUSD == b.strategy(.fullRetrain)?.total.costUSD)
    }
}
