import Foundation
import PlanCore

/// Pricing: one cost model per distinct hardware, per-language slice rates primed once per run.
extension SimulationEngine {
    mutating func prepareModels(_ scenario: Scenario) {
        models.removeAll(keepingCapacity: true)
        modelIndex.removeAll(keepingCapacity: true)
        priced.removeAll(keepingCapacity: true)
        dataModel = -1
        var hardwares: [Hardware] = []
        for kind in scenario.strategies {
            let hardware = scenario.hardware(for: kind)
            if let existing = hardwares.firstIndex(of: hardware) {
                modelIndex.append(existing)
            } else {
                hardwares.append(hardware)
                // Reserved capacity pays every job's busy GPU-hours at the reserved rate.
                var priced = hardware
                if hardware.capacity == .reserved { priced.usdPerGPUHour = hardware.reservedRate }
                models.append(CostModel(model: scenario.model, finetune: scenario.finetune, hardware: priced,
                                        overheads: scenario.overheads, merge: scenario.merge))
                modelIndex.append(models.count - 1)
            }
        }
        rateKey.removeAll(keepingCapacity: true)
        rateKey.append(contentsOf: repeatElement(.nan, count: models.count * slotCount))
        rates.removeAll(keepingCapacity: true)
        rates.append(contentsOf: repeatElement(CostModel.SliceRate(flopsPerToken: 0, tokensPerSecond: 0, gpus: 0),
                                               count: models.count * slotCount))
    }

    /// The slice rate of `slot` at `tokens` per example. The first price of a slot is kept (it
    /// is primed when the language becomes present, at its own tokens per example, which never
    /// change afterwards); another value (a repeated addition's slice) is priced without caching.
    @inline(__always) mutating func sliceRate(model: Int, slot: Int, tokensPerExample tokens: Double) -> CostModel.SliceRate {
        let key = model * slotCount + slot
        if rateKey[key] == tokens { return rates[key] }
        let rate = pricedSlice(model: model, tokensPerExample: tokens)
        if rateKey[key].isNaN {
            rateKey[key] = tokens
            rates[key] = rate
        }
        return rate
    }

    /// `CostModel.sliceRate` of `model` at `tokens` per example, priced once per run and value
    /// (languages of the same length share it).
    mutating func pricedSlice(model: Int, tokensPerExample tokens: Double) -> CostModel.SliceRate {
        for entry in priced where entry.model == model && entry.tokens == tokens { return entry.rate }
        let rate = models[model].sliceRate(tokensPerExample: tokens)
        priced.append((model, tokens, rate))
        return rate
    }

    /// Every present language's data (one epoch) at the start and after each trigger, for cost
    /// model `model`: what every strategy on that model reads, summed once per run (again only
    /// when a strategy on another model comes between). Primes the present languages' rates.
    mutating func shareData(model: Int, scenario: Scenario) {
        if dataModel == model { return }
        dataModel = model
        // The plan's initial languages, on scratch copies (the plan keeps its own).
        dataTokens.removeAll(keepingCapacity: true)
        dataTokens.append(contentsOf: tokensPerExample)
        dataPresent.removeAll(keepingCapacity: true)
        dataPresent.append(contentsOf: present)
        var data = TrainingSum()
        for s in 0..<scenario.languages.count {
            data.add(examples: examples[s], tokensPerExample: tokensPerExample[s],
                     at: sliceRate(model: model, slot: s, tokensPerExample: tokensPerExample[s]))
        }
        initialData = data
        triggerData.removeAll(keepingCapacity: true)
        var from = 0
        for end in triggerEnd {
            for a in from..<end {
                let s = slot[a]
                if newTokens[a].isNaN {
                    guard dataPresent[s] else { continue }
                    data.add(examples: amount[a], tokensPerExample: dataTokens[s],
                             at: sliceRate(model: model, slot: s, tokensPerExample: dataTokens[s]))
                } else if !dataPresent[s] {
                    dataPresent[s] = true
                    dataTokens[s] = newTokens[a]
                    data.add(examples: amount[a], tokensPerExample: newTokens[a], at: sliceRate(model: model, slot: s, tokensPerExample: newTokens[a]))
                }
            }
            triggerData.append(data)
            from = end
        }
    }

    /// One training data slice's contribution, as in `CostModel.training(name:data:epochs:)`.
    struct TrainingSum {
        var tokens = 0.0
        var work = 0.0
        var seconds = 0.0
        var executed = 0.0
        /// Examples trained (epochs counted), for the periodic evaluation.
        var examples = 0.0
        var gpus = 1

        /// Adds `sliceTokens` (`sliceExamples` examples, epochs counted) trained at `rate`.
        @inline(__always) mutating func add(_ sliceTokens: Double, examples sliceExamples: Double, at rate: CostModel.SliceRate) {
            tokens += sliceTokens
            examples += sliceExamples
            work += sliceTokens * rate.flopsPerToken
            executed += sliceTokens * rate.hardwareFlopsPerToken
            seconds += sliceTokens * rate.secondsPerToken
            gpus = max(gpus, rate.gpus)
        }

        /// Adds `examples` examples of `tokensPerExample` tokens (one epoch) trained at `rate`;
        /// nothing for an empty slice.
        @inline(__always) mutating func add(examples: Double, tokensPerExample: Double, at rate: CostModel.SliceRate) {
            let sliceTokens = examples * tokensPerExample
            guard sliceTokens > 0 else { return }
            add(sliceTokens, examples: examples, at: rate)
        }

        /// Adds another sum (its GPUs count only when it trained anything).
        @inline(__always) mutating func add(_ other: TrainingSum) {
            guard other.tokens > 0 else { return }
            tokens += other.tokens
            examples += other.examples
            work += other.work
            executed += other.executed
            seconds += other.seconds
            gpus = max(gpus, other.gpus)
        }

        /// This sum trained `factor` times (epochs; a replay fraction).
        @inline(__always) func scaled(by factor: Double) -> TrainingSum {
            var sum = self
            sum.tokens *= factor
            sum.examples *= factor
            sum.work *= factor
            sum.executed *= factor
            sum.seconds *= factor
            return sum
        }
    }

    @inline(__always) mutating func add(_ sum: inout TrainingSum, model: Int, slot: Int, examples: Double,
                                                tokensPerExample tokens: Double, epochs: Double) {
        let sliceTokens = examples * tokens * epochs
        let sliceExamples = examples * epochs
        guard sliceTokens > 0 else { return }
        sum.add(sliceTokens, examples: sliceExamples, at: sliceRate(model: model, slot: slot, tokensPerExample: tokens))
    }
}
