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

    /// What every strategy on cost model `model` reads of the data at the start and after each
    /// trigger (`Share`), summed once per run (again only when a strategy on another model comes
    /// between). Primes the present languages' rates.
    mutating func shareData(model: Int, scenario: Scenario) {
        if dataModel == model { return }
        dataModel = model
        let epochs = scenario.finetune.epochs
        let continued = scenario.strategies.contains(.continued)
        let adapters = scenario.strategies.contains { $0.trainsAdapters }
        // The languages as the arrivals change them (one rule for every strategy: examples
        // reach present languages; a language joins when absent).
        dataTokens.removeAll(keepingCapacity: true)
        dataPresent.removeAll(keepingCapacity: true)
        dataExamples.removeAll(keepingCapacity: true)
        for language in scenario.languages {
            dataTokens.append(language.tokensPerExample)
            dataPresent.append(true)
            dataExamples.append(language.examples)
        }
        // Duplicate codes cannot load; the layout gave one slot per distinct code.
        let absent = slotCount - scenario.languages.count
        dataTokens.append(contentsOf: repeatElement(1, count: absent))
        dataPresent.append(contentsOf: repeatElement(false, count: absent))
        dataExamples.append(contentsOf: repeatElement(0, count: absent))
        dataStamp.removeAll(keepingCapacity: true)
        dataStamp.append(contentsOf: repeatElement(-1, count: slotCount))
        dataBefore.removeAll(keepingCapacity: true)
        dataBefore.append(contentsOf: repeatElement(0, count: slotCount))
        adapterJobs.removeAll(keepingCapacity: true)
        var share = Share()
        for (s, language) in scenario.languages.enumerated() {
            share.data.add(examples: language.examples, tokensPerExample: language.tokensPerExample,
                           at: sliceRate(model: model, slot: s, tokensPerExample: language.tokensPerExample))
        }
        countPresent(&share)
        if adapters {
            // The initial build: one adapter per present language, in slot order, on all its data.
            for s in 0..<slotCount where dataPresent[s] {
                var sum = TrainingSum()
                add(&sum, model: model, slot: s, examples: dataExamples[s], tokensPerExample: dataTokens[s], epochs: epochs)
                adapterJobs.append(AdapterJob(slot: s, sum: sum, before: 0, examples: dataExamples[s], tokensPerExample: dataTokens[s]))
            }
        }
        share.adapterEnd = adapterJobs.count
        initialShare = share
        triggerShare.removeAll(keepingCapacity: true)
        var from = 0
        for (trigger, end) in triggerEnd.enumerated() {
            var added = false
            // The updated languages' examples before the trigger (an adapter that continues replays them).
            if adapters { for a in from..<end { dataBefore[slot[a]] = dataExamples[slot[a]] } }
            for a in from..<end {
                let s = slot[a]
                if newTokens[a].isNaN {
                    guard dataPresent[s] else { continue }
                    dataExamples[s] += amount[a]
                    share.data.add(examples: amount[a], tokensPerExample: dataTokens[s],
                                   at: sliceRate(model: model, slot: s, tokensPerExample: dataTokens[s]))
                } else if !dataPresent[s] {
                    dataPresent[s] = true
                    dataExamples[s] = amount[a]
                    dataTokens[s] = newTokens[a]
                    share.data.add(examples: amount[a], tokensPerExample: newTokens[a], at: sliceRate(model: model, slot: s, tokensPerExample: newTokens[a]))
                    added = true
                }
            }
            if added { countPresent(&share) }
            if adapters {
                // Each updated language's adapter (once per trigger): retrained on all its data
                // (`sum`), or continued by the plan from `before` and `examples`.
                share.updatedCount = 0
                share.updatedTokens = 0
                for a in from..<end {
                    let s = slot[a]
                    guard dataStamp[s] != trigger else { continue }
                    dataStamp[s] = trigger
                    guard dataPresent[s] else { continue }
                    var sum = TrainingSum()
                    add(&sum, model: model, slot: s, examples: dataExamples[s], tokensPerExample: dataTokens[s], epochs: epochs)
                    adapterJobs.append(AdapterJob(slot: s, sum: sum, before: dataBefore[s], examples: dataExamples[s], tokensPerExample: dataTokens[s]))
                    share.updatedCount += 1
                    share.updatedTokens += dataTokens[s]
                }
                share.adapterEnd = adapterJobs.count
            }
            share.fresh = TrainingSum()
            if continued {
                // The examples this trigger ships to present languages (the languages as they are after it).
                for a in from..<end where dataPresent[slot[a]] {
                    let s = slot[a]
                    let tokens = newTokens[a].isNaN ? dataTokens[s] : newTokens[a]
                    add(&share.fresh, model: model, slot: s, examples: amount[a], tokensPerExample: tokens, epochs: epochs)
                }
            }
            triggerShare.append(share)
            from = end
        }
    }

    /// The present languages' count and Σ tokens per example (in slot order).
    private func countPresent(_ share: inout Share) {
        share.presentCount = 0
        share.presentTokens = 0
        for s in 0..<slotCount where dataPresent[s] {
            share.presentCount += 1
            share.presentTokens += dataTokens[s]
        }
    }

    /// The data after a trigger (or at the start), as every strategy sees it: the languages
    /// follow one rule whatever the strategy (examples reach present languages; a language
    /// joins when absent).
    struct Share {
        /// Every present language's data, one epoch: a multilingual job and continued's replay.
        var data = TrainingSum()
        /// The present languages and Σ of their tokens per example: the build's evaluation.
        var presentCount = 0
        var presentTokens = 0.0
        /// The examples the trigger ships to present languages, epochs counted (continued's
        /// new data; summed only when a strategy is `continued`).
        var fresh = TrainingSum()
        /// Where the trigger's adapter jobs end in `adapterJobs` (they start where the previous
        /// share's end), and the languages they cover (count, Σ tokens per example): filled
        /// only when a strategy trains adapters.
        var adapterEnd = 0
        var updatedCount = 0
        var updatedTokens = 0.0
    }

    /// One adapter's training in a build: its language's slot, the sum of retraining it on all
    /// its data (epochs counted), and its examples before and after the build with their tokens
    /// per example (what an adapter that continues trains: the new ones plus a replay).
    struct AdapterJob {
        var slot: Int
        var sum: TrainingSum
        var before: Double
        var examples: Double
        var tokensPerExample: Double
    }

    /// Whether `kind` trains each updated language's adapter again on all its data (the initial
    /// build of every adapter strategy does): `merge`, `hybrid`, `adapters` with `update: retrain`.
    static func retrainsAdapters(_ kind: StrategyKind, _ scenario: Scenario) -> Bool {
        kind.trainsAdapters && !(kind == .mergeIncremental || (kind == .adapters && scenario.adapters.update == .continue))
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
