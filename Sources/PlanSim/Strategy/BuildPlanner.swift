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
    /// One slot per language that exists or will join; nil until it joins.
    private(set) var slots: [Language?]
    private(set) var jobs: [PoolJob] = []
    private(set) var costs: [JobCost] = []
    private(set) var builds: [Build] = []
    /// "adapter en", ... made once per language.
    private let adapterNames: [String]

    init(strategy: StrategyKind, scenario: Scenario) {
        self.strategy = strategy
        self.scenario = scenario
        self.cost = CostModel(scenario: scenario)
        var codes = scenario.languages.map(\.code)
        for addition in scenario.schedule.additions where !codes.contains(addition.language) { codes.append(addition.language) }
        slots = scenario.languages.map { $0 } + [Language?](repeating: nil, count: codes.count - scenario.languages.count)
        adapterNames = codes.map { "adapter \($0)" }
    }

    private var trainsAdapters: Bool { strategy == .merge || strategy == .hybrid }

    /// The languages present now, in slot order.
    var languages: [Language] { slots.compactMap { $0 } }

    /// Plans the initial build at day 0.
    mutating func initial() {
        let index = builds.count
        var training: [Int] = []
        if trainsAdapters {
            for (slot, language) in slots.enumerated() {
                guard let language else { continue }
                training.append(add(cost.training(name: adapterNames[slot], data: [slice(language)]), build: index, day: 0, after: []))
            }
        } else {
            training.append(add(cost.training(name: "multilingual", data: languages.map(slice)), build: index, day: 0, after: []))
        }
        finish(index: index, reason: .initial, day: 0, arrivals: [], training: training, merged: trainsAdapters)
    }

    /// Applies a trigger's arrivals to the data and plans the build that ships them.
    mutating func update(_ trigger: Trigger, refresh: Bool = false) {
        let previous = slots
        for arrival in trigger.arrivals where arrival.languageIndex < slots.count {
            switch arrival.kind {
            case let .examples(count):
                slots[arrival.languageIndex]?.examples += count
            case let .newLanguage(examples, tokens):
                if slots[arrival.languageIndex] == nil {
                    slots[arrival.languageIndex] = Language(code: arrival.language, examples: examples, tokensPerExample: tokens)
                }
            }
        }
        let index = builds.count
        let day = trigger.day
        var training: [Int] = []
        var merged = false
        if refresh || strategy == .fullRetrain {
            training.append(add(cost.training(name: refresh ? "refresh" : "multilingual", data: languages.map(slice)),
                                build: index, day: day, after: []))
        } else if trainsAdapters {
            for slot in trigger.languageIndices {
                guard slot < slots.count, let language = slots[slot] else { continue }
                training.append(add(cost.training(name: adapterNames[slot], data: [slice(language)]), build: index, day: day, after: []))
            }
            merged = true
        } else {
            training.append(add(cost.training(name: "continued", data: continuedData(trigger, previous: previous)),
                                build: index, day: day, after: []))
        }
        finish(index: index, reason: refresh ? .refresh : .update, day: day, arrivals: trigger.arrivals, training: training, merged: merged)
    }

    /// New examples plus `replay_fraction` of the data the model was trained on before.
    private func continuedData(_ trigger: Trigger, previous: [Language?]) -> [CostModel.DataSlice] {
        var data: [CostModel.DataSlice] = []
        for arrival in trigger.arrivals where arrival.languageIndex < slots.count {
            switch arrival.kind {
            case let .examples(count):
                if let language = slots[arrival.languageIndex] {
                    data.append(.init(examples: count, tokensPerExample: language.tokensPerExample))
                }
            case let .newLanguage(examples, tokens):
                data.append(.init(examples: examples, tokensPerExample: tokens))
            }
        }
        let replay = scenario.continued.replayFraction
        if replay > 0 {
            for case let language? in previous {
                data.append(.init(examples: language.examples * replay, tokensPerExample: language.tokensPerExample))
            }
        }
        return data
    }

    private func slice(_ language: Language) -> CostModel.DataSlice {
        .init(examples: language.examples, tokensPerExample: language.tokensPerExample)
    }

    private mutating func add(_ job: JobCost, build: Int, day: Double, after: [Int]) -> Int {
        jobs.append(PoolJob(gpus: job.gpus, hours: job.wallSeconds / 3600, build: build, releaseHours: day * 24, dependencies: after))
        costs.append(job)
        return jobs.count - 1
    }

    private mutating func finish(index: Int, reason: Build.Reason, day: Double, arrivals: [Arrival], training: [Int], merged: Bool) {
        var members = training
        var last = training
        let present = languages
        if merged && present.count > 1 {
            let merge = add(cost.mergeJob(name: "merge", adapters: present.count), build: index, day: day, after: training)
            members.append(merge)
            last = [merge]
        }
        members.append(add(cost.evaluation(name: "evaluate", languages: present), build: index, day: day, after: last))
        builds.append(Build(reason: reason, day: day, arrivals: arrivals, jobs: members))
    }
}
