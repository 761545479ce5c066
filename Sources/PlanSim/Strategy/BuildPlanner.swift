import Foundation
import PlanCore

/// Decides which jobs each strategy runs for each build (DESIGN §5), tracking the training
/// data as it grows.
///
/// | strategy | initial | update of languages S |
/// |---|---|---|
/// | full-retrain | one job on all data | one job on all current data |
/// | merge | one adapter job per language + merge | retrain S's adapters + re-merge |
/// | continued | as full-retrain | new examples + replay fraction of old data |
/// | hybrid | as merge | as merge; plus a full multilingual refresh every N days |
///
/// Every build ends with an evaluation on every current language. Languages are addressed by
/// index (scenario languages, then additions): Monte Carlo plans thousands of builds per second.
struct BuildPlanner {
    let strategy: StrategyKind
    let scenario: Scenario
    let cost: CostModel
    /// One slot per language that exists or will join (scenario languages, then additions):
    /// its current data (0 examples until it joins) and whether it has joined. Plain values,
    /// no strings: this is the Monte Carlo hot loop.
    private(set) var data: [CostModel.DataSlice]
    private(set) var present: [Bool]
    private let codes: [String]
    private(set) var jobs: [PoolJob] = []
    private(set) var costs: [JobCost] = []
    private(set) var builds: [Build] = []
    /// "adapter en", ... made once per language.
    private let adapterNames: [String]

    init(strategy: StrategyKind, scenario: Scenario) {
        self.strategy = strategy
        self.scenario = scenario
        // A strategy's own gpus_per_job (a `strategies` entry) replaces the hardware's.
        self.cost = CostModel(model: scenario.model, finetune: scenario.finetune, hardware: scenario.hardware(for: strategy),
                              overheads: scenario.overheads, merge: scenario.merge)
        var codes = scenario.languages.map(\.code)
        for addition in scenario.schedule.additions where !codes.contains(addition.language) { codes.append(addition.language) }
        let absent = codes.count - scenario.languages.count
        data = scenario.languages.map { .init(examples: $0.examples, tokensPerExample: $0.tokensPerExample) }
            + [CostModel.DataSlice](repeating: .init(examples: 0, tokensPerExample: 1), count: absent)
        present = [Bool](repeating: true, count: scenario.languages.count) + [Bool](repeating: false, count: absent)
        self.codes = codes
        adapterNames = codes.map { "adapter \($0)" }
    }

    private var trainsAdapters: Bool { strategy == .merge || strategy == .hybrid }

    /// Training data of every present language (absent slots hold 0 examples).
    private var allData: [CostModel.DataSlice] { data }

    /// Plans the initial build at day 0.
    mutating func initial() {
        let index = builds.count
        var training: [Int] = []
        if trainsAdapters {
            for slot in data.indices where present[slot] {
                training.append(add(cost.training(name: adapterNames[slot], data: [data[slot]]), build: index, day: 0, after: []))
            }
        } else {
            training.append(add(cost.training(name: "multilingual", data: allData), build: index, day: 0, after: []))
        }
        finish(index: index, reason: .initial, day: 0, arrivals: [], training: training, merged: trainsAdapters)
    }

    /// Applies a trigger's arrivals to the data and plans the build that ships them.
    mutating func update(_ trigger: Trigger, refresh: Bool = false) {
        let previous = data
        for arrival in trigger.arrivals where arrival.languageIndex < data.count {
            let slot = arrival.languageIndex
            switch arrival.kind {
            case let .examples(count):
                if present[slot] { data[slot].examples += count }
            case let .newLanguage(examples, tokens):
                if !present[slot] {
                    present[slot] = true
                    data[slot] = .init(examples: examples, tokensPerExample: tokens)
                }
            }
        }
        let index = builds.count
        let day = trigger.day
        var training: [Int] = []
        var merged = false
        if refresh || strategy == .fullRetrain {
            training.append(add(cost.training(name: refresh ? "refresh" : "multilingual", data: allData),
                                build: index, day: day, after: []))
        } else if trainsAdapters {
            for slot in trigger.languageIndices where slot < data.count && present[slot] {
                training.append(add(cost.training(name: adapterNames[slot], data: [data[slot]]), build: index, day: day, after: []))
            }
            merged = true
        } else {
            training.append(add(cost.training(name: "continued", data: continuedData(trigger, previous: previous)),
                                build: index, day: day, after: []))
        }
        finish(index: index, reason: refresh ? .refresh : .update, day: day, arrivals: trigger.arrivals, training: training, merged: merged)
    }

    /// New examples plus `replay_fraction` of the data the model was trained on before.
    /// `previous` is the data before this update (absent languages hold 0 examples).
    private func continuedData(_ trigger: Trigger, previous: [CostModel.DataSlice]) -> [CostModel.DataSlice] {
        var slices: [CostModel.DataSlice] = []
        for arrival in trigger.arrivals where arrival.languageIndex < data.count && present[arrival.languageIndex] {
            switch arrival.kind {
            case let .examples(count):
                slices.append(.init(examples: count, tokensPerExample: data[arrival.languageIndex].tokensPerExample))
            case let .newLanguage(examples, tokens):
                slices.append(.init(examples: examples, tokensPerExample: tokens))
            }
        }
        let replay = scenario.continued.replayFraction
        if replay > 0 {
            for old in previous where old.examples > 0 {
                slices.append(.init(examples: old.examples * replay, tokensPerExample: old.tokensPerExample))
            }
        }
        return slices
    }

    private mutating func add(_ job: JobCost, build: Int, day: Double, after: [Int]) -> Int {
        jobs.append(PoolJob(gpus: job.gpus, hours: job.wallSeconds / 3600, releaseHours: day * 24, dependencies: after))
        costs.append(job)
        return jobs.count - 1
    }

    private mutating func finish(index: Int, reason: Build.Reason, day: Double, arrivals: [Arrival], training: [Int], merged: Bool) {
        var members = training
        var last = training
        var count = 0
        var tokensPerExample = 0.0
        for slot in data.indices where present[slot] {
            count += 1
            tokensPerExample += data[slot].tokensPerExample
        }
        if merged && count > 1 {
            let merge = add(cost.mergeJob(name: "merge", adapters: count), build: index, day: day, after: training)
            members.append(merge)
            last = [merge]
        }
        members.append(add(cost.evaluation(name: "evaluate", languages: count, tokensPerExample: tokensPerExample),
                           build: index, day: day, after: last))
        builds.append(Build(reason: reason, day: day, arrivals: arrivals, jobs: members))
    }
}
