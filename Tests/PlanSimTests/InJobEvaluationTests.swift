import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim

/// `finetune.eval_every_examples`: every training job of a simulation includes its periodic
/// evaluation, and nothing else changes.
struct InJobEvaluationTests {
    @Test func everyTrainingJobCarriesItsEvaluation() throws {
        let loader = ScenarioLoader(catalog: try Catalog.bundled())
        let text = try Catalog.scenarioText(Catalog.defaultScenarioName)
        let old = "  gradient_accumulation: 1 "
        #expect(text.contains(old))
        let base = try loader.load(text: text, file: "default")
        let evaluated = try loader.load(
            text: text.replacingOccurrences(of: old, with: "  eval_every_examples: 4000\n  eval_examples: 500\n" + old), file: "evaluated")
        let plain = Simulator(scenario: base).run(seed: 42)
        let with = Simulator(scenario: evaluated).run(seed: 42)
        let cost = CostModel(scenario: evaluated)
        let epochs = evaluated.finetune.epochs

        // full-retrain's initial build: one job on every language's data.
        let examples = evaluated.languages.reduce(0) { $0 + $1.examples } * epochs
        let tokens = evaluated.languages.reduce(0) { $0 + $1.examples * $1.tokensPerExample } * epochs
        let whole = try #require(cost.inJobEvaluation(examples: examples, tokens: tokens))
        #expect(whole.evaluations == (examples / 4000).rounded(.down))
        let full = try #require(with.strategy(.fullRetrain)), fullPlain = try #require(plain.strategy(.fullRetrain))
        #expect(abs(full.initial.gpuHours - fullPlain.initial.gpuHours - whole.gpuHours) < 1e-9)

        // merge's initial build: one adapter job per language, each with its own evaluations.
        let perLanguage = try evaluated.languages.map { language in
            try #require(cost.inJobEvaluation(examples: language.examples * epochs, tokens: language.examples * language.tokensPerExample * epochs))
        }
        let merge = try #require(with.strategy(.merge)), mergePlain = try #require(plain.strategy(.merge))
        #expect(abs(merge.initial.gpuHours - mergePlain.initial.gpuHours - perLanguage.reduce(0) { $0 + $1.gpuHours }) < 1e-9)
        #expect(merge.maintenance.gpuHours > mergePlain.maintenance.gpuHours)
        #expect(full.maintenance.gpuHours > fullPlain.maintenance.gpuHours)
    }
}
