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
/// Every build ends with an evaluation on every current language.
struct BuildPlanner {
    let strategy: StrategyKind
    let scenario: Scenario
    let cost: CostModel
    private(set) var languages: [Language]
    private(set) var jobs: [PoolJob] = []
    private(set) var builds: [Build] = []

    init(strategy: StrategyKind, scenario: Scenario) {
        self.strategy = strategy
        self.scenario = scenario
        self.cost = CostModel(scenario: scenario)
        self.languages = scenario.languages
    }

    private var trainsAdapters: Bool { strategy == .merge || strategy == .hybrid }

    /// Plans the initial build at day 0.
    mutating func initial() {
        let index = builds.count
        var training: [Int] = []
        if trainsAdapters {
            for language in languages {
                training.append(add(cost.training(name: "adapter \(language.code)", data: [slice(language)]), build: index, day: 0, after: []))
            }
        } else {
            training.append(add(cost.training(name: "multilingual", data: languages.map(slice)), build: index, day: 0, after: []))
        }
        finish(index: index, reason: .initial, day: 0, arrivals: [], training: training, merged: trainsAdapters)
    }

    /// Applies a trigger's arrivals to the data and plans the build that ships them.
    mutating func update(_ trigger: Trigger, refresh: Bool = false) {
        let previous = languages
        for arrival in trigger.arrivals {
            switch arrival.kind {
            case let .examples(count):
                if let i = languages.firstIndex(where: { $0.code == arrival.language }) { languages[i].examples += count }
            case let .newLanguage(examples, tokens):
                if !languages.contains(where: { $0.code == arrival.language }) {
                    languages.append(Language(code: arrival.language, examples: examples, tokensPerExample: tokens))
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
            for code in trigger.languages {
                guard let language = languages.first(where: { $0.code == code }) else { continue }
                training.append(add(cost.training(name: "adapter \(code)", data: [slice(language)]), build: index, day: day, after: []))
            }
            merged = true
        } else {
            training.append(add(cost.training(name: "continued", data: continuedData(trigger, previous: previous)),
                                build: index, day: day, after: []))
        }
        finish(index: index, reason: refresh ? .refresh : .update, day: day, arrivals: trigger.arrivals, training: training, merged: merged)
    }

    /// New examples plus `replay_fraction` of the data the model was trained on before.
    private func continuedData(_ trigger: Trigger, previous: [Language]) -> [CostModel.DataSlice] {
        var data: [CostModel.DataSlice] = []
        for arrival in trigger.arrivals {
            switch arrival.kind {
            case let .examples(count):
                if let language = languages.first(where: { $0.code == arrival.language }) {
                    data.append(.init(examples: count, tokensPerExample: language.tokensPerExample))
                }
            case let .newLanguage(examples, tokens):
                data.append(.init(examples: examples, tokensPerExample: tokens))
            }
        }
        let replay = scenario.continued.replayFraction
        for language in previous where replay > 0 {
            data.append(.init(examples: language.examples * replay, tokensPerExample: language.tokensPerExample))
        }
        return data
    }

    private func slice(_ language: Language) -> CostModel.DataSlice {
        .init(examples: language.examples, tokensPerExample: language.tokensPerExample)
    }

    private mutating func add(_ job: JobCost, build: Int, day: Double, after: [Int]) -> Int {
        jobs.append(PoolJob(cost: job, build: build, releaseHours: day * 24, dependencies: after))
        return jobs.count - 1
    }

    private mutating func finish(index: Int, reason: Build.Reason, day: Double, arrivals: [Arrival], training: [Int], merged: Bool) {
        var members = training
        var last = training
        if merged && languages.count > 1 {
            let merge = add(cost.mergeJob(name: "merge \(languages.count) adapters", adapters: languages.count),
                            build: index, day: day, after: training)
            members.append(merge)
            last = [merge]
        }
        members.append(add(cost.evaluation(name: "evaluate \(languages.count) languages", languages: languages),
                           build: index, day: day, after: last))
        builds.append(Build(reason: reason, day: day, arrivals: arrivals, jobs: members))
    }
}
