import Foundation
import PlanCore
import PlanRandom

/// The schedule: languages, arrivals, builds.
extension SimulationEngine {
    mutating func layout(_ scenario: Scenario) {
        // Monte Carlo trials of one scenario share their languages: keep the last layout.
        if hasLayout(of: scenario) { return }
        layoutCodes = scenario.languages.map(\.code) + scenario.schedule.additions.map(\.language)
        layoutAdditionDays = scenario.schedule.additions.map(\.day)
        var position: [String: Int] = [:]
        joinDay.removeAll(keepingCapacity: true)
        everySlot.removeAll(keepingCapacity: true)
        for language in scenario.languages where position[language.code] == nil {
            position[language.code] = joinDay.count
            joinDay.append(0)
        }
        for addition in scenario.schedule.additions where position[addition.language] == nil {
            position[addition.language] = joinDay.count
            joinDay.append(addition.day)
        }
        for language in scenario.languages { everySlot.append(position[language.code] ?? 0) }
        for addition in scenario.schedule.additions { everySlot.append(position[addition.language] ?? 0) }
        slotCount = joinDay.count
        self.position = position
        codes.removeAll(keepingCapacity: true)
        codes.append(contentsOf: repeatElement("", count: slotCount))
        for (code, slot) in position { codes[slot] = code }
    }

    /// Whether the last layout was of the same languages and additions (codes and days).
    func hasLayout(of scenario: Scenario) -> Bool {
        let languages = scenario.languages
        let additions = scenario.schedule.additions
        guard layoutCodes.count == languages.count + additions.count, layoutAdditionDays.count == additions.count else { return false }
        for i in languages.indices where languages[i].code != layoutCodes[i] { return false }
        for i in additions.indices where additions[i].language != layoutCodes[languages.count + i] || additions[i].day != layoutAdditionDays[i] {
            return false
        }
        return true
    }

    mutating func selectionSlots(_ selection: LanguageSelection) {
        ruleSlots.removeAll(keepingCapacity: true)
        switch selection {
        case .all: ruleSlots.append(contentsOf: everySlot)
        case let .some(codes): for code in codes { if let s = position[code] { ruleSlots.append(s) } }
        }
    }

    @inline(__always) mutating func append(_ day: Double, _ slot: Int, _ amount: Double, _ tokens: Double) {
        raw.append(RawArrival(day: day, slot: slot, amount: amount, newTokens: tokens))
    }

    /// Every arrival (explicit events, then periodic, Poisson and additions in file order; a
    /// periodic or Poisson rule reaches a language only once it has joined), capped at
    /// `WorkLimits.arrivalsPerScenario` arrivals and loop steps (the loader and Monte Carlo check
    /// the expected count first; the cap bounds an extreme draw), then sorted by day.
    mutating func expand(_ scenario: Scenario, rng: inout Xoshiro256StarStar) {
        let schedule = scenario.schedule
        let horizon = Double(schedule.horizonDays)
        raw.removeAll(keepingCapacity: true)
        let cap = WorkLimits.arrivalsPerScenario
        var steps = 0
        for event in schedule.events {
            if let s = position[event.language] { append(event.day, s, event.addExamples, .nan) }
        }
        for rule in schedule.periodic {
            selectionSlots(rule.languages)
            var day = rule.startDay ?? rule.everyDays
            while day <= horizon && raw.count < cap && steps < cap {
                steps += 1
                for s in ruleSlots where joinDay[s] <= day { append(day, s, rule.addExamples, .nan) }
                day += rule.everyDays
            }
        }
        for rule in schedule.poisson where rule.perYear > 0 {
            selectionSlots(rule.languages)
            for index in ruleSlots.indices {
                let s = ruleSlots[index]
                var day = joinDay[s] + rng.exponential(rate: rule.perYear / 365)
                while day <= horizon && raw.count < cap && steps < cap {
                    steps += 1
                    append(day, s, rule.addExamples, .nan)
                    day += rng.exponential(rate: rule.perYear / 365)
                }
            }
        }
        for addition in schedule.additions {
            append(addition.day, position[addition.language] ?? 0, addition.examples, addition.tokensPerExample)
        }
        arrivals = raw.count
        sortArrivals(horizon: horizon)
    }

    /// Orders arrivals by (day, generation index): a stable counting pass into day buckets,
    /// then a stable insertion sort inside each bucket (buckets are monotone in the day, so the
    /// result equals a stable sort by day).
    mutating func sortArrivals(horizon: Double) {
        let n = raw.count
        let buckets = max(1, min(n, Int(min(max(horizon, 0), 1e7)) + 1))
        let scale = Double(buckets) / (max(horizon, 0) + 1)
        bucketStart.removeAll(keepingCapacity: true)
        bucketStart.append(contentsOf: repeatElement(0, count: buckets + 1))
        sorted.removeAll(keepingCapacity: true)
        sorted.append(contentsOf: repeatElement(0, count: n))
        raw.withUnsafeBufferPointer { raw in
            bucketStart.withUnsafeMutableBufferPointer { start in
                sorted.withUnsafeMutableBufferPointer { sorted in
                    @inline(__always) func bucket(_ d: Double) -> Int {
                        let b = d * scale
                        return b >= Double(buckets - 1) ? buckets - 1 : (b > 0 ? Int(b) : 0)
                    }
                    for i in 0..<n { start[bucket(raw[i].day) + 1] += 1 }
                    for b in 0..<buckets { start[b + 1] += start[b] }
                    for i in 0..<n {
                        let b = bucket(raw[i].day)
                        sorted[start[b]] = i
                        start[b] += 1
                    }
                    // Insertion sort by day (strict comparison keeps equal days in generation order).
                    var i = 1
                    while i < n {
                        let item = sorted[i]
                        let key = raw[item].day
                        var j = i - 1
                        if raw[sorted[j]].day > key {
                            while j >= 0 && raw[sorted[j]].day > key {
                                sorted[j + 1] = sorted[j]
                                j -= 1
                            }
                            sorted[j + 1] = item
                        }
                        i += 1
                    }
                }
            }
        }
        resize(&day, n)
        resize(&slot, n)
        resize(&amount, n)
        resize(&newTokens, n)
        raw.withUnsafeBufferPointer { raw in
            sorted.withUnsafeBufferPointer { sorted in
                day.withUnsafeMutableBufferPointer { day in
                    slot.withUnsafeMutableBufferPointer { slot in
                        amount.withUnsafeMutableBufferPointer { amount in
                            newTokens.withUnsafeMutableBufferPointer { newTokens in
                                for (i, index) in sorted.enumerated() {
                                    let arrival = raw[index]
                                    (day[i], slot[i], amount[i], newTokens[i]) = (arrival.day, arrival.slot, arrival.amount, arrival.newTokens)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `array` with exactly `count` elements (new ones zero; every one is then overwritten).
    private func resize<T: Numeric>(_ array: inout [T], _ count: Int) {
        if array.count > count { array.removeLast(array.count - count) }
        if array.count < count { array.append(contentsOf: repeatElement(0, count: count - array.count)) }
    }

    /// Groups the sorted arrivals into builds: one per day, or per release window (an arrival
    /// ships at the end of its window); builds after the horizon are dropped.
    mutating func group(_ scenario: Scenario) {
        timelineIsPlain = false
        let releaseEveryDays = scenario.schedule.releaseEveryDays
        let horizonDays = scenario.schedule.horizonDays
        triggerDay.removeAll(keepingCapacity: true)
        triggerEnd.removeAll(keepingCapacity: true)
        for index in day.indices {
            let buildDay: Double
            if releaseEveryDays > 0 {
                let window = Double(releaseEveryDays)
                buildDay = (day[index] / window).rounded(.up) * window
            } else {
                buildDay = day[index]
            }
            guard buildDay <= Double(horizonDays) else { continue }
            if let last = triggerDay.last, last == buildDay {
                triggerEnd[triggerEnd.count - 1] = index + 1
            } else {
                triggerDay.append(buildDay)
                triggerEnd.append(index + 1)
            }
        }
    }

    /// The builds a strategy runs: the data triggers, plus (hybrid) a refresh every
    /// `refresh_every_days`; a refresh on the day of an update ships that update too.
    mutating func timeline(hybrid: Bool, scenario: Scenario) {
        // Every strategy but hybrid runs the triggers as they are: built once per run.
        if !hybrid && timelineIsPlain { return }
        timelineIsPlain = !hybrid
        stepTrigger.removeAll(keepingCapacity: true)
        stepRefresh.removeAll(keepingCapacity: true)
        stepDay.removeAll(keepingCapacity: true)
        func add(_ trigger: Int, _ refresh: Bool, _ day: Double) {
            stepTrigger.append(trigger)
            stepRefresh.append(refresh)
            stepDay.append(day)
        }
        guard hybrid else {
            stepTrigger.append(contentsOf: triggerDay.indices)
            stepRefresh.append(contentsOf: repeatElement(false, count: triggerDay.count))
            stepDay.append(contentsOf: triggerDay)
            return
        }
        let every = Double(scenario.hybrid.refreshEveryDays)
        let horizon = Double(scenario.schedule.horizonDays)
        var next = every
        for index in triggerDay.indices {
            let day = triggerDay[index]
            while next <= horizon, next < day {
                add(-1, true, next)
                next += every
            }
            if next <= horizon, next == day {
                add(index, true, day)
                next += every
            } else {
                add(index, false, day)
            }
        }
        while next <= horizon {
            add(-1, true, next)
            next += every
        }
    }
}
