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

    /// A training job on every slot's data (absent slots hold 0 examples and are skipped, as
    /// are slots without data); every slot with data is present, so its primed rate applies.
    func allSlotsSum(model: Int, epochs: Double) -> TrainingSum {
        var sum = TrainingSum()
        let base = model * slotCount
        examples.withUnsafeBufferPointer { examples in
            tokensPerExample.withUnsafeBufferPointer { tokensPerExample in
                rates.withUnsafeBufferPointer { rates in
                    for s in 0..<examples.count {
                        let sliceTokens = examples[s] * tokensPerExample[s] * epochs
                        let sliceExamples = examples[s] * epochs
                        guard sliceTokens > 0 else { continue }
                        sum.add(sliceTokens, examples: sliceExamples, at: rates[base + s])
                    }
                }
            }
        }
        return sum
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
    }

    @inline(__always) mutating func add(_ sum: inout TrainingSum, model: Int, slot: Int, examples: Double,
                                                tokensPerExample tokens: Double, epochs: Double) {
        let sliceTokens = examples * tokens * epochs
        let sliceExamples = examples * epochs
        guard sliceTokens > 0 else { return }
        sum.add(sliceTokens, examples: sliceExamples, at: sliceRate(model: model, slot: slot, tokensPerExample: tokens))
    }

    /// Adds `replay` of the data before the update (slots that had data were present, so
    /// their primed rate applies), in slot order.
    func replaySum(_ sum: inout TrainingSum, model: Int, replay: Double, epochs: Double) {
        let base = model * slotCount
        previous.withUnsafeBufferPointer { previous in
            tokensPerExample.withUnsafeBufferPointer { tokensPerExample in
                rates.withUnsafeBufferPointer { rates in
                    for s in 0..<previous.count where previous[s] > 0 {
                        let sliceTokens = previous[s] * replay * tokensPerExample[s] * epochs
                        let sliceExamples = previous[s] * replay * epochs
                        guard sliceTokens > 0 else { continue }
                        sum.add(sliceTokens, examples: sliceExamples, at: rates[base + s])
                    }
                }
            }
        }
    }
}
