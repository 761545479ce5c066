import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim

/// `merge-incremental` and `adapters`, hand-computed on `ToyScenario` (1 token = 1 GPU-hour,
/// 1 h start-up per training job and merge, free evaluations), and the decision over them.
struct DecisionStrategyTests {
    func run(_ yaml: String) throws -> SimulationResult {
        Simulator(scenario: try ToyScenario.load(yaml)).run(seed: 1)
    }

    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-6 }

    let oneUpdate = "horizon_days: 30\nevents: [{day: 10, language: a, add_examples: 4}]"

    @Test func mergeIncrementalContinuesTheAdapterOnNewExamplesAndReplay() throws {
        // a: 2 examples, +4 on day 10. Continue on 4 new + 0.5 × 2 old = 5 tokens → 5 + 1 = 6 h, merge 1 h.
        let result = try run(ToyScenario.yaml(strategies: "[merge, merge-incremental]", schedule: oneUpdate,
                                              extra: "merge_incremental: {replay_fraction: 0.5}"))
        let merge = try #require(result.strategy(.merge))
        let incremental = try #require(result.strategy(.mergeIncremental))
        #expect(close(incremental.initial.gpuHours, merge.initial.gpuHours))
        #expect(close(merge.maintenance.gpuHours, 8))  // retrain a on 6: 7 h + merge 1 h
        #expect(close(incremental.maintenance.gpuHours, 7))
        #expect(close(incremental.maintenance.trainedTokens, 5) && close(merge.maintenance.trainedTokens, 6))
        #expect(close(incremental.latency.meanHours, 7))
        #expect(incremental.total.mergeJobs == 2 && merge.total.mergeJobs == 2)
    }

    @Test func mergeIncrementalTrainsANewLanguageFromScratch() throws {
        let schedule = "horizon_days: 30\nadditions: [{day: 5, language: d, examples: 3, tokens_per_example: 1}]"
        let result = try run(ToyScenario.yaml(strategies: "[merge, merge-incremental]", schedule: schedule,
                                              extra: "merge_incremental: {replay_fraction: 0.5}"))
        let merge = try #require(result.strategy(.merge))
        let incremental = try #require(result.strategy(.mergeIncremental))
        #expect(close(incremental.maintenance.trainedTokens, 3) && close(merge.maintenance.trainedTokens, 3))
    }

    @Test func adaptersNeverMergeAndHotLoadAfterTheirEvaluation() throws {
        let result = try run(ToyScenario.yaml(strategies: "[merge, adapters]", schedule: oneUpdate, extra: "adapters: {deploy_minutes: 30}"))
        let merge = try #require(result.strategy(.merge))
        let adapters = try #require(result.strategy(.adapters))
        #expect(adapters.total.mergeJobs == 0)
        #expect(adapters.builds.allSatisfy { $0.jobs.allSatisfy { $0.cost.kind != .merge } })
        // Initial: a 3 h, b 4 h on two GPUs, c 5 h after a → 8 h, + 0.5 h hot-load; no merge hour.
        #expect(close(adapters.initial.gpuHours, merge.initial.gpuHours - 1))
        #expect(close(adapters.initial.wallClockHours, 8.5))
        // Update: retrain a on 6 (7 h), no merge, hot-load 0.5 h.
        #expect(close(adapters.maintenance.gpuHours, 7))
        #expect(close(adapters.latency.meanHours, 7.5))
    }

    @Test func adaptersCanContinueTheirAdapter() throws {
        let result = try run(ToyScenario.yaml(strategies: "[adapters]", schedule: oneUpdate,
                                              extra: "adapters: {update: continue, replay_fraction: 0, deploy_minutes: 0}"))
        let adapters = try #require(result.strategy(.adapters))
        #expect(close(adapters.maintenance.trainedTokens, 4) && close(adapters.latency.meanHours, 5))
    }

    @Test func anAdaptersUpdateEvaluatesOnlyTheUpdatedLanguages() throws {
        let text = ToyScenario.yaml(strategies: "[merge, adapters]", schedule: oneUpdate)
            .replacingOccurrences(of: "evaluation_examples_per_language: 0", with: "evaluation_examples_per_language: 1000")
        let result = try run(text)
        func evaluationTokens(_ kind: StrategyKind) throws -> Double {
            let outcome = try #require(result.strategy(kind))
            let update = try #require(outcome.builds.last)
            return update.jobs.filter { $0.cost.kind == .evaluation }.map(\.cost.tokens).reduce(0, +)
        }
        #expect(try evaluationTokens(.merge) == 3 * (try evaluationTokens(.adapters)))
    }

    @Test func theFloorRulesOutMergeAndTheRecommendationMovesOn() throws {
        let yaml = ToyScenario.yaml(strategies: "[full-retrain, merge]", schedule: oneUpdate)
        let open = try run(yaml)
        #expect(open.decision?.recommended == .merge)  // cheaper, no floor
        #expect(open.decision?.strategy(.merge)?.qualityRetention == QualityRetention.mergedDefault)
        let floored = try run(yaml + "\nquality: {floor: 0.95, retention: {merge: 0.9}}")
        let decision = try #require(floored.decision)
        #expect(decision.recommended == .fullRetrain)
        #expect(decision.strategy(.merge)?.eligible == false)
        #expect(decision.strategy(.merge)?.reason?.contains("below the floor") == true)
    }

    @Test func continuedCarriesAForgettingCaveatUnlessItsRetentionIsGiven() throws {
        let yaml = ToyScenario.yaml(strategies: "[full-retrain, continued]", schedule: oneUpdate)
        let open = try #require(try run(yaml).decision?.strategy(.continued))
        #expect(open.eligible && open.qualityRetention == nil && open.caveat?.contains("forgetting") == true)
        let floored = try #require(try run(yaml + "\nquality: {floor: 0.5}").decision?.strategy(.continued))
        #expect(!floored.eligible)
        let given = try #require(try run(yaml + "\nquality: {floor: 0.5, retention: {continued: 0.8}}").decision?.strategy(.continued))
        #expect(given.eligible && given.caveat == nil && given.qualityRetention == 0.8)
    }

    @Test func mergedStrategiesTakeTheirMethodsRetention() throws {
        let yaml = ToyScenario.yaml(strategies: "[merge, merge-incremental, hybrid]", schedule: oneUpdate)
            + "\nquality: {retention: {linear: 0.7, merge-incremental: 0.6}}"
        let decision = try #require(try run(yaml).decision)
        #expect(decision.strategy(.merge)?.qualityRetention == 0.7)
        #expect(decision.strategy(.hybrid)?.qualityRetention == 0.7)
        #expect(decision.strategy(.mergeIncremental)?.qualityRetention == 0.6)
    }

    @Test func withoutServingTheTotalCostOfOwnershipIsTheTrainingCost() throws {
        let result = try run(ToyScenario.yaml(strategies: "[full-retrain, merge, merge-incremental, adapters]", schedule: oneUpdate))
        let decision = try #require(result.decision)
        for outcome in result.strategies {
            let choice = try #require(decision.strategy(outcome.kind))
            #expect(choice.serving == nil && choice.totalCostOfOwnershipUSD == outcome.total.costUSD)
        }
    }

    @Test func badDecisionBlocksAreRefused() throws {
        let base = ToyScenario.yaml(strategies: "[merge]", schedule: oneUpdate)
        for (extra, path) in [
            ("quality: {retention: {nonsense: 0.5}}", "quality.retention.nonsense"),
            ("quality: {floor: -1}", "quality.floor"),
            ("merge_incremental: {replay_fraction: 2}", "merge_incremental.replay_fraction"),
            ("adapters: {update: sometimes}", "adapters.update"),
            ("serving: {traffic: {xx: {requests_per_day: 1}}}", "serving.traffic.xx"),
            ("serving: {stack: nope, traffic: {'*': {requests_per_day: 1}}}", "serving.stack"),
            ("serving: {}", "serving.traffic"),
        ] {
            do {
                _ = try ToyScenario.load(base + "\n" + extra)
                Issue.record("accepted \(extra)")
            } catch let diagnostics as ScenarioDiagnostics {
                #expect(diagnostics.diagnostics.contains { $0.path == path }, "\(extra): \(diagnostics.diagnostics)")
            }
        }
    }
}

/// The serving fleet and total cost of ownership on a catalog model.
struct ServingDecisionTests {
    static func scenario(model: String = "llama-3.1-8b", method: String = "lora", gpu: String = "h100-sxm", extra: String = "") throws -> Scenario {
        try ScenarioLoader(catalog: try Catalog.bundled()).load(text: """
            version: 1
            model: \(model)
            finetune: {method: \(method), rank: 16}
            hardware: {gpu: h100-sxm, pool_gpus: 8, usd_per_gpu_hour: 3}
            languages:
              en: {examples: 20000, tokens_per_example: 400}
              de: {examples: 5000, tokens_per_example: 450}
              fr: {examples: 5000, tokens_per_example: 450}
            schedule:
              horizon_days: 90
              periodic: [{every_days: 7, languages: [en], add_examples: 1000}]
              additions: [{day: 30, language: ja, examples: 4000, tokens_per_example: 500}]
            strategies: [full-retrain, merge, merge-incremental, adapters]
            serving:
              gpu: \(gpu)
              usd_per_gpu_hour: 2.5
              max_ms_per_output_token: 60
              traffic:
                "*": {requests_per_day: 400000, input_tokens: 500, output_tokens: 200}
                en: {requests_per_day: 2000000}
            \(extra)
            """, file: "serving.yaml")
    }

    @Test func everyStrategyReportsItsFleetAndTCO() throws {
        let result = Simulator(scenario: try Self.scenario()).run(seed: 1)
        let decision = try #require(result.decision)
        for outcome in result.strategies {
            let choice = try #require(decision.strategy(outcome.kind))
            let serving = try #require(choice.serving)
            #expect(serving.gpus > 0 && serving.gpuHours > 0 && serving.tokensPerSecondPerGPU > 0)
            #expect(abs(serving.costUSD - serving.gpuHours * 2.5) < 1e-6 * serving.costUSD)
            #expect(abs(choice.totalCostOfOwnershipUSD - (outcome.total.costUSD + serving.costUSD)) < 1e-6 * choice.totalCostOfOwnershipUSD)
            #expect(serving.msPerOutputToken <= 60 && serving.meetsLatencyTarget)
        }
        // Multi-LoRA: the same GPUs process fewer tokens per second, so a served token costs more.
        let merged = try #require(decision.strategy(.merge)?.serving)
        let routed = try #require(decision.strategy(.adapters)?.serving)
        #expect(routed.tokensPerSecondPerGPU < merged.tokensPerSecondPerGPU)
        #expect(routed.usdPerMillionTokens > merged.usdPerMillionTokens)
        #expect(routed.adapters == 4 && merged.adapters == 0)  // ja joins on day 30
        #expect(routed.costUSD >= merged.costUSD)
    }

    @Test func theFleetGrowsWhenALanguageJoins() throws {
        let scenario = try Self.scenario()
        var early = scenario
        early.schedule.additions[0].day = 0
        let late = try #require(try ServingPlan.figures(scenario)?[.merge])
        let whole = try #require(try ServingPlan.figures(early)?[.merge])
        #expect(late.servedTokens < whole.servedTokens)
        #expect(late.gpuHours <= whole.gpuHours)
    }

    @Test func moreTrafficNeedsMoreGPUs() throws {
        let scenario = try Self.scenario()
        let base = try #require(try ServingPlan.figures(scenario)?[.merge])
        let doubled = try #require(try ServingPlan.figures(try scenario.setting("serving.traffic_scale", to: 4))?[.merge])
        #expect(doubled.gpus > base.gpus)
    }

    @Test func aModelNoReplicaCanHoldIsRefused() throws {
        // QLoRA trains the 405B on the pool; serving it in BF16 (810 GB) fits no replica of 8 × 80 GB.
        let scenario = try Self.scenario(model: "llama-3.1-405b", method: "qlora", gpu: "a100-80gb")
        #expect(throws: (any Error).self) { try ServingPlan.figures(scenario) }
    }

    @Test func theFloorSkipsMergeWithServingPriced() throws {
        let result = Simulator(scenario: try Self.scenario(extra: "quality: {floor: 0.95, retention: {merge: 0.9}}")).run(seed: 1)
        let recommended = try #require(result.decision?.recommended)
        #expect(recommended != .merge && recommended != .mergeIncremental)
    }
}

/// Failures in the engine: each training job runs its expected time under failures.
struct GoodputEngineTests {
    @Test func trainingJobsRunTheirExpectedTimeUnderFailures() throws {
        let schedule = "horizon_days: 30\nevents: [{day: 10, language: a, add_examples: 4}]"
        let plain = try ToyScenario.load(ToyScenario.yaml(schedule: schedule))
        var failing = plain
        var reliability = ReliabilitySettings()
        reliability.gpuFailuresPerHour = 0.05
        failing.hardware.reliability = reliability
        let before = Simulator(scenario: plain).run(seed: 1)
        let after = Simulator(scenario: failing).run(seed: 1)
        for kind in [StrategyKind.fullRetrain, .merge] {
            let a = try #require(before.strategy(kind))
            let b = try #require(after.strategy(kind))
            #expect(a.total.effectiveTrainingTimeRatio == 1 && a.total.expectedInterruptions == 0)
            #expect(b.total.effectiveTrainingTimeRatio < 1 && b.total.expectedInterruptions > 0)
            // Only training jobs change: their GPU-hours grow by exactly run − work.
            #expect(abs((b.total.gpuHours - a.total.gpuHours) - (b.total.trainingRunGPUHours - b.total.trainingWorkGPUHours)) < 1e-9)
            #expect(abs(a.total.trainingWorkGPUHours - b.total.trainingWorkGPUHours) < 1e-12)
        }
        // The multilingual job's first build: 9 h of work on 1 GPU, restart = start-up (60 min).
        let cost = CostModel(scenario: failing)
        let expected = cost.goodput(workSeconds: 9 * 3600, gpus: 1).expectedHours
        let full = try #require(after.strategy(.fullRetrain))
        #expect(abs(full.initial.gpuHours - (expected + 1)) < 1e-6)
    }
}
