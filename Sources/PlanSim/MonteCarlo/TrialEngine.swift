import Foundation
import PlanCore

/// The Monte Carlo hot path: one trial of every strategy of a scenario, totals and update
/// latency only, on struct-of-arrays state that one thread reuses across all its trials.
///
/// It computes exactly what `Simulator.run(seed:detailed: false)` computes, with the same
/// floating-point operations in the same order (the tests compare the two bit for bit), but:
/// arrivals are plain arrays (no strings, no per-arrival values with payloads), sorted by a
/// bucket pass plus insertion sort instead of a general stable sort; per-language training
/// rates are priced once per cost model and trial (`CostModel.sliceRate`), merges and
/// evaluations once per distinct shape; builds keep index ranges instead of job lists; the
/// FIFO pool runs on the job arrays with a single dependent per job (training → merge →
/// evaluation); the p90 latency comes from a selection instead of a sort; no daily series.
/// After the first trials have grown the buffers, a trial allocates nothing here.
struct TrialEngine {
    /// One strategy's figures for one trial.
    struct Outcome: Equatable {
        var kind: StrategyKind
        var initial = PhaseTotals()
        var maintenance = PhaseTotals()
        var latency = LatencySummary(meanHours: 0, p90Hours: 0, count: 0)
        var total: PhaseTotals { initial + maintenance }
    }

    /// Per strategy, in the scenario's order (valid after `run`).
    private(set) var outcomes: [Outcome] = []
    /// Arrivals of the last trial (within the horizon or not), as `SimulationResult.arrivals`.
    private(set) var arrivals = 0

    // Languages: one slot per scenario language, then per added language (first occurrence).
    private var slotCount = 0
    private var joinDay: [Double] = []
    private var everySlot: [Int] = []  // `languages: all`: scenario codes then additions, repeats kept
    private var ruleSlots: [Int] = []

    // Arrivals in generation order, then sorted by (day, generation index).
    private var rawDay: [Double] = []
    private var rawSlot: [Int] = []
    private var rawAmount: [Double] = []  // examples added, or the new language's examples
    private var rawNewTokens: [Double] = []  // tokens per example of a new language; NaN for added examples
    private var bucketStart: [Int] = []
    private var sorted: [Int] = []
    private var day: [Double] = []
    private var slot: [Int] = []
    private var amount: [Double] = []
    private var newTokens: [Double] = []

    // Builds that ship arrivals: [previous end, end) of the sorted arrivals.
    private var triggerDay: [Double] = []
    private var triggerEnd: [Int] = []
    // The hybrid timeline: trigger index (-1: refresh only), refresh flag, day.
    private var stepTrigger: [Int] = []
    private var stepRefresh: [Bool] = []
    private var stepDay: [Double] = []

    // Training data per slot.
    private var examples: [Double] = []
    private var tokensPerExample: [Double] = []
    private var present: [Bool] = []
    private var previous: [Double] = []
    private var stamp: [Int] = []

    // Priced slices, per cost model × slot (keyed by tokens per example; NaN: not yet priced).
    private var models: [CostModel] = []
    private var rateKey: [Double] = []
    private var rates: [CostModel.SliceRate] = []

    // Jobs of the strategy being run.
    private var jobGPUs: [Int] = []
    private var jobHours: [Double] = []
    private var jobRelease: [Double] = []
    private var jobDependent: [Int] = []
    private var jobWaiting: [Int] = []
    private var jobReleased: [Bool] = []
    private var jobFinish: [Double] = []
    // Builds: job range, subtotal (without wall clock), step.
    private var buildJobEnd: [Int] = []
    private var buildTotals: [PhaseTotals] = []
    private var buildStep: [Int] = []  // -1: the initial build

    // Pool scratch.
    private var heap: [Finish] = []
    private var queue: [Int] = []
    private var latencies: [Double] = []

    private struct Finish {
        var time: Double
        var sequence: Int
        var job: Int
        @inline(__always) static func before(_ a: Finish, _ b: Finish) -> Bool {
            a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
        }
    }

    init() {}

    /// Simulates every strategy of `scenario` with Poisson arrivals drawn from `seed` (as
    /// `Simulator(scenario:).run(seed:detailed: false)`); read `outcomes` and `arrivals`.
    mutating func run(_ scenario: Scenario, seed: UInt64) {
        layout(scenario)
        var rng = Xoshiro256StarStar(seed: seed)
        expand(scenario, rng: &rng)
        group(scenario)
        prepareModels(scenario)
        outcomes.removeAll(keepingCapacity: true)
        for (index, kind) in scenario.strategies.enumerated() {
            outcomes.append(simulate(kind, model: modelIndex[index], scenario: scenario))
        }
    }

    // MARK: - Schedule

    private mutating func layout(_ scenario: Scenario) {
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
    }

    private var position: [String: Int] = [:]
    private var modelIndex: [Int] = []

    private mutating func selectionSlots(_ selection: LanguageSelection) {
        ruleSlots.removeAll(keepingCapacity: true)
        switch selection {
        case .all: ruleSlots.append(contentsOf: everySlot)
        case let .some(codes): for code in codes { if let s = position[code] { ruleSlots.append(s) } }
        }
    }

    private mutating func append(_ day: Double, _ slot: Int, _ amount: Double, _ tokens: Double) {
        rawDay.append(day)
        rawSlot.append(slot)
        rawAmount.append(amount)
        rawNewTokens.append(tokens)
    }

    /// `ScheduleExpander.arrivals`, on arrays.
    private mutating func expand(_ scenario: Scenario, rng: inout Xoshiro256StarStar) {
        let schedule = scenario.schedule
        let horizon = Double(schedule.horizonDays)
        rawDay.removeAll(keepingCapacity: true)
        rawSlot.removeAll(keepingCapacity: true)
        rawAmount.removeAll(keepingCapacity: true)
        rawNewTokens.removeAll(keepingCapacity: true)
        let cap = WorkLimits.arrivalsPerScenario
        var steps = 0
        for event in schedule.events {
            if let s = position[event.language] { append(event.day, s, event.addExamples, .nan) }
        }
        for rule in schedule.periodic {
            selectionSlots(rule.languages)
            var day = rule.startDay ?? rule.everyDays
            while day <= horizon && rawDay.count < cap && steps < cap {
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
                while day <= horizon && rawDay.count < cap && steps < cap {
                    steps += 1
                    append(day, s, rule.addExamples, .nan)
                    day += rng.exponential(rate: rule.perYear / 365)
                }
            }
        }
        for addition in schedule.additions {
            append(addition.day, position[addition.language] ?? 0, addition.examples, addition.tokensPerExample)
        }
        arrivals = rawDay.count
        sortArrivals(horizon: horizon)
    }

    /// Orders arrivals by (day, generation index): a stable counting pass into day buckets,
    /// then a stable insertion sort inside each bucket (buckets are monotone in the day, so the
    /// result equals a stable sort by day).
    private mutating func sortArrivals(horizon: Double) {
        let n = rawDay.count
        let buckets = max(1, min(n, Int(min(max(horizon, 0), 1e7)) + 1))
        let scale = Double(buckets) / (max(horizon, 0) + 1)
        bucketStart.removeAll(keepingCapacity: true)
        bucketStart.append(contentsOf: repeatElement(0, count: buckets + 1))
        @inline(__always) func bucket(_ d: Double) -> Int {
            let b = d * scale
            return b >= Double(buckets - 1) ? buckets - 1 : (b > 0 ? Int(b) : 0)
        }
        for i in 0..<n { bucketStart[bucket(rawDay[i]) + 1] += 1 }
        for b in 0..<buckets { bucketStart[b + 1] += bucketStart[b] }
        sorted.removeAll(keepingCapacity: true)
        sorted.append(contentsOf: repeatElement(0, count: n))
        for i in 0..<n {
            let b = bucket(rawDay[i])
            sorted[bucketStart[b]] = i
            bucketStart[b] += 1
        }
        // Insertion sort by day (strict comparison keeps equal days in generation order).
        var i = 1
        while i < n {
            let item = sorted[i]
            let key = rawDay[item]
            var j = i - 1
            if rawDay[sorted[j]] > key {
                while j >= 0 && rawDay[sorted[j]] > key {
                    sorted[j + 1] = sorted[j]
                    j -= 1
                }
                sorted[j + 1] = item
            }
            i += 1
        }
        day.removeAll(keepingCapacity: true)
        slot.removeAll(keepingCapacity: true)
        amount.removeAll(keepingCapacity: true)
        newTokens.removeAll(keepingCapacity: true)
        for index in sorted {
            day.append(rawDay[index])
            slot.append(rawSlot[index])
            amount.append(rawAmount[index])
            newTokens.append(rawNewTokens[index])
        }
    }

    /// `ScheduleExpander.triggers`, then `Simulator.timeline` for hybrid.
    private mutating func group(_ scenario: Scenario) {
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

    private mutating func timeline(hybrid: Bool, scenario: Scenario) {
        stepTrigger.removeAll(keepingCapacity: true)
        stepRefresh.removeAll(keepingCapacity: true)
        stepDay.removeAll(keepingCapacity: true)
        func add(_ trigger: Int, _ refresh: Bool, _ day: Double) {
            stepTrigger.append(trigger)
            stepRefresh.append(refresh)
            stepDay.append(day)
        }
        guard hybrid else {
            for index in triggerDay.indices { add(index, false, triggerDay[index]) }
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

    // MARK: - Pricing

    private mutating func prepareModels(_ scenario: Scenario) {
        models.removeAll(keepingCapacity: true)
        modelIndex.removeAll(keepingCapacity: true)
        var hardwares: [Hardware] = []
        for kind in scenario.strategies {
            let hardware = scenario.hardware(for: kind)
            if let existing = hardwares.firstIndex(of: hardware) {
                modelIndex.append(existing)
            } else {
                hardwares.append(hardware)
                models.append(CostModel(model: scenario.model, finetune: scenario.finetune, hardware: hardware,
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

    @inline(__always) private mutating func sliceRate(model: Int, slot: Int, tokensPerExample tokens: Double) -> CostModel.SliceRate {
        let key = model * slotCount + slot
        if rateKey[key] == tokens { return rates[key] }
        let rate = models[model].sliceRate(tokensPerExample: tokens)
        rateKey[key] = tokens
        rates[key] = rate
        return rate
    }

    /// One training data slice's contribution, as in `CostModel.training(name:data:epochs:)`.
    private struct TrainingSum {
        var tokens = 0.0
        var work = 0.0
        var seconds = 0.0
        var gpus = 1
    }

    @inline(__always) private mutating func add(_ sum: inout TrainingSum, model: Int, slot: Int, examples: Double,
                                                tokensPerExample tokens: Double, epochs: Double) {
        let sliceTokens = examples * tokens * epochs
        guard sliceTokens > 0 else { return }
        sum.tokens += sliceTokens
        let rate = sliceRate(model: model, slot: slot, tokensPerExample: tokens)
        sum.work += sliceTokens * rate.flopsPerToken
        sum.seconds += sliceTokens / rate.tokensPerSecond
        sum.gpus = max(sum.gpus, rate.gpus)
    }

    // MARK: - One strategy

    private struct Memo {
        var mergeAdapters = -1
        var merge: JobCost?
        var evaluationCount = -1
        var evaluationTokens = Double.nan
        var evaluation: JobCost?
    }

    private mutating func simulate(_ kind: StrategyKind, model: Int, scenario: Scenario) -> Outcome {
        let cost = models[model]
        let energy = cost.rates
        let epochs = scenario.finetune.epochs
        let fixed = cost.fixedTrainingSeconds
        let defaultGPUs = cost.rate(context: scenario.finetune.sequenceLength).job.gpus
        let replay = scenario.continued.replayFraction
        let adapters = kind == .merge || kind == .hybrid
        timeline(hybrid: kind == .hybrid, scenario: scenario)

        examples.removeAll(keepingCapacity: true)
        tokensPerExample.removeAll(keepingCapacity: true)
        present.removeAll(keepingCapacity: true)
        for language in scenario.languages {
            examples.append(language.examples)
            tokensPerExample.append(language.tokensPerExample)
            present.append(true)
        }
        // Duplicate codes cannot load; the layout gave one slot per distinct code.
        let absent = slotCount - scenario.languages.count
        examples.append(contentsOf: repeatElement(0, count: absent))
        tokensPerExample.append(contentsOf: repeatElement(1, count: absent))
        present.append(contentsOf: repeatElement(false, count: absent))
        stamp.removeAll(keepingCapacity: true)
        stamp.append(contentsOf: repeatElement(-1, count: slotCount))

        jobGPUs.removeAll(keepingCapacity: true)
        jobHours.removeAll(keepingCapacity: true)
        jobRelease.removeAll(keepingCapacity: true)
        jobDependent.removeAll(keepingCapacity: true)
        jobWaiting.removeAll(keepingCapacity: true)
        buildJobEnd.removeAll(keepingCapacity: true)
        buildTotals.removeAll(keepingCapacity: true)
        buildStep.removeAll(keepingCapacity: true)

        var memo = Memo()
        var presentCount = 0
        var presentTokens = 0.0
        var presentDirty = true
        var totals = PhaseTotals()

        func addTraining(_ sum: TrainingSum, day: Double) {
            let gpus = sum.tokens == 0 ? defaultGPUs : sum.gpus
            let wallSeconds = sum.seconds + fixed
            addJob(gpus: gpus, wallSeconds: wallSeconds, day: day, waiting: 0)
            let gpuHours = wallSeconds * Double(gpus) / 3600
            let footprint = energy.footprint(gpuHours: gpuHours)
            totals.add(gpuHours: gpuHours, usd: footprint.usd, kwh: footprint.kwh, co2Kg: footprint.co2Kg, trainedTokens: sum.tokens)
        }
        func addJob(_ job: JobCost, day: Double, waiting: Int) {
            addJob(gpus: job.gpus, wallSeconds: job.wallSeconds, day: day, waiting: waiting)
            totals.add(job)
        }
        func addJob(gpus: Int, wallSeconds: Double, day: Double, waiting: Int) {
            jobGPUs.append(gpus)
            jobHours.append(wallSeconds / 3600)
            jobRelease.append(day * 24)
            jobDependent.append(-1)
            jobWaiting.append(waiting)
        }
        // Ends a build whose training jobs are [first, jobs.count): merge (when `merged` and
        // more than one language), then the evaluation.
        func finish(first: Int, day: Double, merged: Bool, step: Int) {
            if presentDirty {
                presentCount = 0
                presentTokens = 0
                for s in 0..<slotCount where present[s] {
                    presentCount += 1
                    presentTokens += tokensPerExample[s]
                }
                presentDirty = false
            }
            let trainingEnd = jobGPUs.count
            var lastFirst = first
            if merged && presentCount > 1 {
                if memo.mergeAdapters != presentCount {
                    memo.merge = cost.mergeJob(name: "merge", adapters: presentCount)
                    memo.mergeAdapters = presentCount
                }
                if let merge = memo.merge {
                    for j in first..<trainingEnd { jobDependent[j] = trainingEnd }
                    addJob(merge, day: day, waiting: trainingEnd - first)
                    lastFirst = trainingEnd
                }
            }
            if memo.evaluationCount != presentCount || memo.evaluationTokens != presentTokens {
                memo.evaluation = cost.evaluation(name: "evaluate", languages: presentCount, tokensPerExample: presentTokens)
                memo.evaluationCount = presentCount
                memo.evaluationTokens = presentTokens
            }
            if let evaluation = memo.evaluation {
                let lastEnd = jobGPUs.count
                for j in lastFirst..<lastEnd { jobDependent[j] = lastEnd }
                addJob(evaluation, day: day, waiting: lastEnd - lastFirst)
            }
            buildJobEnd.append(jobGPUs.count)
            buildTotals.append(totals)
            buildStep.append(step)
            totals = PhaseTotals()
        }

        // Initial build.
        if adapters {
            for s in 0..<slotCount where present[s] {
                var sum = TrainingSum()
                add(&sum, model: model, slot: s, examples: examples[s], tokensPerExample: tokensPerExample[s], epochs: epochs)
                addTraining(sum, day: 0)
            }
        } else {
            var sum = TrainingSum()
            for s in 0..<slotCount {
                add(&sum, model: model, slot: s, examples: examples[s], tokensPerExample: tokensPerExample[s], epochs: epochs)
            }
            addTraining(sum, day: 0)
        }
        finish(first: 0, day: 0, merged: adapters, step: -1)

        for step in stepDay.indices {
            let trigger = stepTrigger[step]
            let refresh = stepRefresh[step]
            let day = stepDay[step]
            let from = trigger > 0 ? triggerEnd[trigger - 1] : 0
            let to = trigger >= 0 ? triggerEnd[trigger] : 0
            if kind == .continued {
                previous.removeAll(keepingCapacity: true)
                previous.append(contentsOf: examples)
            }
            for a in from..<to {
                let s = slot[a]
                if newTokens[a].isNaN {
                    if present[s] { examples[s] += amount[a] }
                } else if !present[s] {
                    present[s] = true
                    examples[s] = amount[a]
                    tokensPerExample[s] = newTokens[a]
                    presentDirty = true
                }
            }
            let first = jobGPUs.count
            var merged = false
            if refresh || kind == .fullRetrain {
                var sum = TrainingSum()
                for s in 0..<slotCount {
                    add(&sum, model: model, slot: s, examples: examples[s], tokensPerExample: tokensPerExample[s], epochs: epochs)
                }
                addTraining(sum, day: day)
            } else if adapters {
                for a in from..<to {
                    let s = slot[a]
                    guard stamp[s] != step else { continue }
                    stamp[s] = step
                    guard present[s] else { continue }
                    var sum = TrainingSum()
                    add(&sum, model: model, slot: s, examples: examples[s], tokensPerExample: tokensPerExample[s], epochs: epochs)
                    addTraining(sum, day: day)
                }
                merged = true
            } else {
                var sum = TrainingSum()
                for a in from..<to where present[slot[a]] {
                    let s = slot[a]
                    let tokens = newTokens[a].isNaN ? tokensPerExample[s] : newTokens[a]
                    add(&sum, model: model, slot: s, examples: amount[a], tokensPerExample: tokens, epochs: epochs)
                }
                if replay > 0 {
                    for s in 0..<slotCount where previous[s] > 0 {
                        add(&sum, model: model, slot: s, examples: previous[s] * replay, tokensPerExample: tokensPerExample[s], epochs: epochs)
                    }
                }
                addTraining(sum, day: day)
            }
            finish(first: first, day: day, merged: merged, step: step)
        }

        let peak = schedulePool(gpus: scenario.hardware.poolGPUs)
        _ = peak
        return summarise(kind)
    }

    // MARK: - Pool and figures

    /// `GPUPool.schedule` on the job arrays; fills `jobFinish`, returns the peak queue.
    private mutating func schedulePool(gpus: Int) -> Int {
        let count = jobGPUs.count
        jobFinish.removeAll(keepingCapacity: true)
        jobFinish.append(contentsOf: repeatElement(.nan, count: count))
        jobReleased.removeAll(keepingCapacity: true)
        jobReleased.append(contentsOf: repeatElement(false, count: count))
        // Builds are planned in day order, so releases are already in time order.
        heap.removeAll(keepingCapacity: true)
        queue.removeAll(keepingCapacity: true)
        var head = 0
        var nextRelease = 0
        var sequence = 0
        var free = gpus
        var peak = 0
        while true {
            let releaseTime = nextRelease < count ? jobRelease[nextRelease] : .infinity
            let finishTime = heap.first?.time ?? .infinity
            let now = min(releaseTime, finishTime)
            guard now.isFinite else { break }
            while let top = heap.first, top.time == now {
                popHeap()
                free += jobGPUs[top.job]
                let next = jobDependent[top.job]
                if next >= 0 {
                    jobWaiting[next] -= 1
                    if jobWaiting[next] == 0 && jobReleased[next] { queue.append(next) }
                }
            }
            while nextRelease < count, jobRelease[nextRelease] == now {
                let index = nextRelease
                nextRelease += 1
                jobReleased[index] = true
                if jobWaiting[index] == 0 { queue.append(index) }
            }
            while head < queue.count, jobGPUs[queue[head]] <= free {
                let index = queue[head]
                head += 1
                free -= jobGPUs[index]
                let finish = now + jobHours[index]
                jobFinish[index] = finish
                pushHeap(Finish(time: finish, sequence: sequence, job: index))
                sequence += 1
            }
            peak = max(peak, queue.count - head)
        }
        return peak
    }

    private mutating func pushHeap(_ element: Finish) {
        heap.append(element)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Finish.before(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popHeap() {
        let last = heap.count - 1
        heap.swapAt(0, last)
        heap.removeLast()
        var parent = 0
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < count && Finish.before(heap[left], heap[smallest]) { smallest = left }
            if right < count && Finish.before(heap[right], heap[smallest]) { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    /// Phase totals and latency, as `Simulator.simulate(_:triggers:detailed:)`.
    private mutating func summarise(_ kind: StrategyKind) -> Outcome {
        var outcome = Outcome(kind: kind)
        latencies.removeAll(keepingCapacity: true)
        var first = 0
        for build in buildJobEnd.indices {
            let end = buildJobEnd[build]
            let step = buildStep[build]
            let buildDay = step >= 0 ? stepDay[step] : 0
            var deployed = jobFinish[first]
            for j in (first + 1)..<max(end, first + 1) where deployed < jobFinish[j] { deployed = jobFinish[j] }
            var totals = buildTotals[build]
            totals.wallClockHours = deployed - buildDay * 24
            if step >= 0 {
                let trigger = stepTrigger[step]
                if trigger >= 0 {
                    let from = trigger > 0 ? triggerEnd[trigger - 1] : 0
                    for a in from..<triggerEnd[trigger] { latencies.append(deployed - day[a] * 24) }
                }
                outcome.maintenance = outcome.maintenance + totals
            } else {
                outcome.initial = outcome.initial + totals
            }
            first = end
        }
        outcome.latency = Self.summary(&latencies)
        return outcome
    }

    /// `LatencySummary(samples)`: the mean in sample order, the p90 by selection (the same
    /// order statistics a sort gives). Reorders `samples`.
    static func summary(_ samples: inout [Double]) -> LatencySummary {
        let n = samples.count
        guard n > 0 else { return LatencySummary(meanHours: 0, p90Hours: 0, count: 0) }
        let mean = samples.reduce(0, +) / Double(n)
        guard n > 1 else { return LatencySummary(meanHours: mean, p90Hours: samples[0], count: 1) }
        let position = 0.9 * Double(n - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, n - 1)
        let fraction = position - Double(lower)
        let low = select(&samples, lower)
        var high = low
        if upper > lower {
            high = samples[upper]
            for i in (lower + 1)..<n where samples[i] < high { high = samples[i] }
        }
        return LatencySummary(meanHours: mean, p90Hours: low + (high - low) * fraction, count: n)
    }

    /// The `k`-th smallest of `values` (three-way quickselect); afterwards everything from
    /// `k + 1` on is at least that value.
    static func select(_ values: inout [Double], _ k: Int) -> Double {
        var low = 0
        var high = values.count - 1
        while low < high {
            let pivot = values[low + (high - low) / 2]
            var lt = low
            var i = low
            var gt = high
            while i <= gt {
                if values[i] < pivot {
                    values.swapAt(lt, i)
                    lt += 1
                    i += 1
                } else if values[i] > pivot {
                    values.swapAt(i, gt)
                    gt -= 1
                } else {
                    i += 1
                }
            }
            if k < lt { high = lt - 1 } else if k > gt { low = gt + 1 } else { return values[k] }
        }
        return values[k]
    }
}
