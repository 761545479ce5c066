import Foundation
import PlanCore

/// Sizes each strategy's serving fleet over the horizon (docs/decision.md): a merged or
/// retrained model serves dense; `adapters` serves the base with one LoRA adapter per language
/// (multi-LoRA). The horizon is cut where languages join (`schedule.additions`); in each piece
/// the fleet is the replicas the peak request rate needs, each replica the GPUs the serving
/// model gives, at the request-weighted mean prompt and output lengths.
public enum ServingPlan {
    /// Figures per strategy of `scenario`; nil without a `serving:` block.
    public static func figures(_ scenario: Scenario) throws -> [StrategyKind: ServingFigures]? {
        guard let serving = scenario.serving else { return nil }
        let stack = try ServingStack.named(serving.stack)
        var result: [StrategyKind: ServingFigures] = [:]
        var dense: ServingFigures?
        for kind in scenario.strategies {
            if kind == .adapters {
                result[kind] = try fleet(scenario, serving: serving, stack: stack, routed: true)
            } else {
                if dense == nil { dense = try fleet(scenario, serving: serving, stack: stack, routed: false) }
                result[kind] = dense
            }
        }
        return result
    }

    /// A language present from `day` with its traffic.
    struct Served {
        var day: Double
        var requestsPerDay: Double
        var inputTokens: Double
        var outputTokens: Double
    }

    static func fleet(_ scenario: Scenario, serving: ServingSettings, stack: ServingStack, routed: Bool) throws -> ServingFigures {
        let horizonDays = Double(scenario.schedule.horizonDays)
        var served: [Served] = []
        var seen = Set<String>()
        for language in scenario.languages where seen.insert(language.code).inserted {
            let t = serving.traffic(of: language.code)
            served.append(Served(day: 0, requestsPerDay: t.requestsPerDay, inputTokens: t.inputTokens, outputTokens: t.outputTokens))
        }
        for addition in scenario.schedule.additions where addition.day < horizonDays && seen.insert(addition.language).inserted {
            let t = serving.traffic(of: addition.language)
            served.append(Served(day: addition.day, requestsPerDay: t.requestsPerDay, inputTokens: t.inputTokens, outputTokens: t.outputTokens))
        }
        let cuts = (Set(served.map(\.day)).sorted()) + [horizonDays]
        var figures = ServingFigures(gpus: 0, gpuHours: 0, costUSD: 0, tokensPerSecondPerGPU: 0, gpusPerReplica: 1, batch: 0,
                                     msPerOutputToken: 0, meetsLatencyTarget: true, servedTokens: 0, usdPerGPUHour: serving.usdPerGPUHour, adapters: 0)
        let rank = scenario.finetune.rank
        let targets = scenario.finetune.targets
        for piece in 0..<(cuts.count - 1) {
            let (from, to) = (cuts[piece], cuts[piece + 1])
            guard to > from else { continue }
            let present = served.filter { $0.day <= from }
            let requests = present.reduce(0) { $0 + $1.requestsPerDay }
            figures.servedTokens += present.reduce(0) { $0 + $1.requestsPerDay * ($1.inputTokens + $1.outputTokens) } * (to - from)
            guard requests > 0 else { continue }
            let input = present.reduce(0) { $0 + $1.requestsPerDay * $1.inputTokens } / requests
            let output = present.reduce(0) { $0 + $1.requestsPerDay * $1.outputTokens } / requests
            let adapters = routed ? ServingAdapters(count: present.count, rank: rank, targets: targets) : nil
            let capacity = try ServingModel.capacity(
                model: scenario.model, gpu: serving.gpu, stack: stack, workload: ServingWorkload(inputTokens: input, outputTokens: output),
                adapters: adapters, maxMsPerOutputToken: serving.maxMsPerOutputToken)
            let peakPerSecond = requests / 86_400 * serving.peakToMean
            let replicas = max(1, Int((peakPerSecond / capacity.requestsPerSecondPerReplica).rounded(.up)))
            let gpus = replicas * capacity.gpusPerReplica
            figures.gpuHours += Double(gpus) * (to - from) * 24
            if gpus >= figures.gpus {
                figures.gpus = gpus
                figures.gpusPerReplica = capacity.gpusPerReplica
                figures.batch = capacity.batch
                figures.msPerOutputToken = capacity.msPerOutputToken
                figures.tokensPerSecondPerGPU = capacity.tokensPerSecondPerGPU
                figures.adapters = adapters?.count ?? 0
            }
            if !capacity.meetsLatencyTarget { figures.meetsLatencyTarget = false }
        }
        figures.costUSD = figures.gpuHours * serving.usdPerGPUHour
        return figures
    }
}
