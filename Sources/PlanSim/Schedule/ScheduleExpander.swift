import Foundation
import PlanCore
import PlanRandom

/// Turns a scenario's schedule into dated arrivals and groups them into builds.
public enum ScheduleExpander {
    /// Every arrival within the horizon, sorted by day (stable: explicit events first, then
    /// periodic, Poisson and additions in file order). Poisson arrivals use `rng`.
    public static func arrivals(_ scenario: Scenario, rng: inout Xoshiro256StarStar) -> [Arrival] {
        let schedule = scenario.schedule
        let horizon = Double(schedule.horizonDays)
        var joined: [String: Double] = Dictionary(uniqueKeysWithValues: scenario.languages.map { ($0.code, 0.0) })
        for addition in schedule.additions where joined[addition.language] == nil {
            joined[addition.language] = addition.day
        }
        let initial = scenario.languages.map(\.code) + schedule.additions.map(\.language)
        var position: [String: Int] = [:]
        for code in initial where position[code] == nil { position[code] = position.count }
        func arrival(_ day: Double, _ code: String, _ kind: Arrival.Kind) -> Arrival {
            Arrival(day: day, language: code, languageIndex: position[code] ?? 0, kind: kind)
        }
        func present(_ selection: LanguageSelection, on day: Double) -> [String] {
            let codes: [String]
            switch selection {
            case .all: codes = initial
            case let .some(list): codes = list
            }
            return codes.filter { code in joined[code].map { $0 <= day } ?? false }
        }

        var result: [Arrival] = []
        // A hard cap on arrivals and loop steps (the loader and Monte Carlo check the expected
        // count first; this bounds memory and time for an extreme draw, and a step so small
        // that `day += every` no longer advances).
        let cap = WorkLimits.arrivalsPerScenario
        var steps = 0
        for event in schedule.events where joined[event.language] != nil {
            result.append(arrival(event.day, event.language, .examples(event.addExamples)))
        }
        for rule in schedule.periodic {
            var day = rule.startDay ?? rule.everyDays
            while day <= horizon && result.count < cap && steps < cap {
                steps += 1
                for code in present(rule.languages, on: day) {
                    result.append(arrival(day, code, .examples(rule.addExamples)))
                }
                day += rule.everyDays
            }
        }
        for rule in schedule.poisson where rule.perYear > 0 {
            let codes: [String]
            switch rule.languages {
            case .all: codes = initial
            case let .some(list): codes = list
            }
            for code in codes {
                guard let start = joined[code] else { continue }
                var day = start + rng.exponential(rate: rule.perYear / 365)
                while day <= horizon && result.count < cap && steps < cap {
                    steps += 1
                    result.append(arrival(day, code, .examples(rule.addExamples)))
                    day += rng.exponential(rate: rule.perYear / 365)
                }
            }
        }
        for addition in schedule.additions {
            result.append(arrival(
                addition.day, addition.language, .newLanguage(examples: addition.examples, tokensPerExample: addition.tokensPerExample)))
        }
        // Stable sort by day keeps the file order among same-day arrivals.
        return result.enumerated().sorted { ($0.element.day, $0.offset) < ($1.element.day, $1.offset) }.map(\.element)
    }

    /// Groups arrivals into builds: all arrivals on the same day, or, with release windows of
    /// `releaseEveryDays`, all arrivals up to the next window day. Builds after the horizon
    /// are dropped.
    public static func triggers(_ arrivals: [Arrival], releaseEveryDays: Int, horizonDays: Int) -> [Trigger] {
        var result: [Trigger] = []
        for arrival in arrivals {
            let day: Double
            if releaseEveryDays > 0 {
                let window = Double(releaseEveryDays)
                day = (arrival.day / window).rounded(.up) * window
            } else {
                day = arrival.day
            }
            guard day <= Double(horizonDays) else { continue }
            if let last = result.last, last.day == day {
                result[result.count - 1].arrivals.append(arrival)
            } else {
                result.append(Trigger(day: day, arrivals: [arrival]))
            }
        }
        return result
    }
}
