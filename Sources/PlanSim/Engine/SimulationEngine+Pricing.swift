import Foundation
import PlanCore

/// Pricing: one cost model per distinct hardware, per-language slice rates primed once per run.
extension SimulationEngine {
    mutating func prepareModels(_ scenario: Scenario) {
        models.removeAll(keepingCapacity: true)
        modelIndex.removeAll(keepingCapacity: true)
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
        let rate = models[model].sliceRate(tokensPerExample: tokens)
        if rateKey[key].isNaN {
            rateKey[key] = tokens
            rates[key] = rate
        }
        return rate
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
            seconds += sliceTokens / rate.tokensPerSecond
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
