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
}
