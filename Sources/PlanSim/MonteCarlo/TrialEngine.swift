import Foundation
import PlanCore
import PlanRandom

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
    private var jobs: [Job] = []
    private var jobFinish: [Double] = []
    // Builds: job range, subtotal (without wall clock), step.
    private var builds: [BuildEntry] = []

    // Pool scratch.
    private var heap: [Finish] = []
    private var queue: [Int] = []
    private var latencies: [Double] = []

    /// A job as the pool sees it; its only dependent is the build's merge or evaluation.
    private struct Job {
        var gpus: Int
        var hours: Double
        var releaseHours: Double
        var dependent: Int  // -1: none
        var waiting: Int
        var released = false
    }

    /// A planned build: its jobs end at `jobEnd`; `step` is -1 for the initial build.
    private struct BuildEntry {
        var jobEnd: Int
        var totals: PhaseTotals
        var step: Int
    }

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

    /// The slice rate of `slot` at `tokens` per example. The first price of a slot is kept (it
    /// is primed when the language becomes present, at its own tokens per example, which never
    /// change afterwards); another value (a repeated addition's slice) is priced without caching.
    @inline(__always) private mutating func sliceRate(model: Int, slot: Int, tokensPerExample tokens: Double) -> CostModel.SliceRate {
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
    private func allSlotsSum(model: Int, epochs: Double) -> TrainingSum {
        var sum = TrainingSum()
        let base = model * slotCount
        examples.withUnsafeBufferPointer { examples in
            tokensPerExample.withUnsafeBufferPointer { tokensPerExample in
                rates.withUnsafeBufferPointer { rates in
                    for s in 0..<examples.count {
                        let sliceTokens = examples[s] * tokensPerExample[s] * epochs
                        guard sliceTokens > 0 else { continue }
                        sum.add(sliceTokens, at: rates[base + s])
                    }
                }
            }
        }
        return sum
    }

    /// One training data slice's contribution, as in `CostModel.training(name:data:epochs:)`.
    private struct TrainingSum {
        var tokens = 0.0
        var work = 0.0
        var seconds = 0.0
        var gpus = 1

        /// Adds `sliceTokens` trained at `rate`.
        @inline(__always) mutating func add(_ sliceTokens: Double, at rate: CostModel.SliceRate) {
            tokens += sliceTokens
            work += sliceTokens * rate.flopsPerToken
            seconds += sliceTokens / rate.tokensPerSecond
            gpus = max(gpus, rate.gpus)
        }
    }

    @inline(__always) private mutating func add(_ sum: inout TrainingSum, model: Int, slot: Int, examples: Double,
                                                tokensPerExample tokens: Double, epochs: Double) {
        let sliceTokens = examples * tokens * epochs
        guard sliceTokens > 0 else { return }
        sum.add(sliceTokens, at: sliceRate(model: model, slot: slot, tokensPerExample: tokens))
    }

    /// Adds `replay` of the data before the update (slots that had data were present, so
    /// their primed rate applies), in slot order.
    private func replaySum(_ sum: inout TrainingSum, model: Int, replay: Double, epochs: Double) {
        let base = model * slotCount
        previous.withUnsafeBufferPointer { previous in
            tokensPerExample.withUnsafeBufferPointer { tokensPerExample in
                rates.withUnsafeBufferPointer { rates in
                    for s in 0..<previous.count where previous[s] > 0 {
                        let sliceTokens = previous[s] * replay * tokensPerExample[s] * epochs
                        guard sliceTokens > 0 else { continue }
                        sum.add(sliceTokens, at: rates[base + s])
                    }
                }
            }
        }
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
        let defaultGPUs = cost.trainingGPUs
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
        for s in 0..<scenario.languages.count { _ = sliceRate(model: model, slot: s, tokensPerExample: tokensPerExample[s]) }

        jobs.removeAll(keepingCapacity: true)
        builds.removeAll(keepingCapacity: true)

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
            jobs.append(Job(gpus: gpus, hours: wallSeconds / 3600, releaseHours: day * 24, dependent: -1, waiting: waiting))
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
            let trainingEnd = jobs.count
            var lastFirst = first
            if merged && presentCount > 1 {
                if memo.mergeAdapters != presentCount {
                    memo.merge = cost.mergeJob(name: "merge", adapters: presentCount)
                    memo.mergeAdapters = presentCount
                }
                if let merge = memo.merge {
                    for j in first..<trainingEnd { jobs[j].dependent = trainingEnd }
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
                let lastEnd = jobs.count
                for j in lastFirst..<lastEnd { jobs[j].dependent = lastEnd }
                addJob(evaluation, day: day, waiting: lastEnd - lastFirst)
            }
            builds.append(BuildEntry(jobEnd: jobs.count, totals: totals, step: step))
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
            addTraining(allSlotsSum(model: model, epochs: epochs), day: 0)
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
                    _ = sliceRate(model: model, slot: s, tokensPerExample: newTokens[a])
                }
            }
            let first = jobs.count
            var merged = false
            if refresh || kind == .fullRetrain {
                addTraining(allSlotsSum(model: model, epochs: epochs), day: day)
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
                if replay > 0 { replaySum(&sum, model: model, replay: replay, epochs: epochs) }
                addTraining(sum, day: day)
            }
            finish(first: first, day: day, merged: merged, step: step)
        }

        schedulePool(gpus: scenario.hardware.poolGPUs)
        return summarise(kind)
    }

    // MARK: - Pool and figures

    /// `GPUPool.schedule` on the job arrays; fills `jobFinish`.
    /// Every job enters the ready queue and the heap of running jobs at most once, so both are
    /// fixed-size buffers of `count` slots.
    private mutating func schedulePool(gpus: Int) {
        let count = jobs.count
        jobFinish.removeAll(keepingCapacity: true)
        jobFinish.append(contentsOf: repeatElement(.nan, count: count))
        heap.removeAll(keepingCapacity: true)
        heap.append(contentsOf: repeatElement(Finish(time: 0, sequence: 0, job: 0), count: count))
        queue.removeAll(keepingCapacity: true)
        queue.append(contentsOf: repeatElement(0, count: count))
        jobs.withUnsafeMutableBufferPointer { jobs in
            jobFinish.withUnsafeMutableBufferPointer { jobFinish in
                heap.withUnsafeMutableBufferPointer { heap in
                    queue.withUnsafeMutableBufferPointer { queue in
                        Self.schedule(gpus: gpus, jobs: jobs, jobFinish: jobFinish, heap: heap, queue: queue)
                    }
                }
            }
        }
    }

    // Builds are planned in day order, so releases are already in time order.
    private static func schedule(
        gpus: Int, jobs: UnsafeMutableBufferPointer<Job>, jobFinish: UnsafeMutableBufferPointer<Double>,
        heap: UnsafeMutableBufferPointer<Finish>, queue: UnsafeMutableBufferPointer<Int>
    ) {
        let count = jobs.count
        var heapCount = 0
        var head = 0
        var tail = 0
        var nextRelease = 0
        var sequence = 0
        var free = gpus
        while true {
            let releaseTime = nextRelease < count ? jobs[nextRelease].releaseHours : .infinity
            let finishTime = heapCount > 0 ? heap[0].time : .infinity
            let now = min(releaseTime, finishTime)
            guard now.isFinite else { break }
            while heapCount > 0, heap[0].time == now {
                let top = heap[0]
                heapCount -= 1
                heap[0] = heap[heapCount]
                siftDown(heap, count: heapCount)
                free += jobs[top.job].gpus
                let next = jobs[top.job].dependent
                if next >= 0 {
                    jobs[next].waiting -= 1
                    if jobs[next].waiting == 0 && jobs[next].released {
                        queue[tail] = next
                        tail += 1
                    }
                }
            }
            while nextRelease < count, jobs[nextRelease].releaseHours == now {
                let index = nextRelease
                nextRelease += 1
                jobs[index].released = true
                if jobs[index].waiting == 0 {
                    queue[tail] = index
                    tail += 1
                }
            }
            while head < tail, jobs[queue[head]].gpus <= free {
                let index = queue[head]
                head += 1
                free -= jobs[index].gpus
                let finish = now + jobs[index].hours
                jobFinish[index] = finish
                // Push and sift up.
                var child = heapCount
                heapCount += 1
                let element = Finish(time: finish, sequence: sequence, job: index)
                while child > 0 {
                    let parent = (child - 1) / 2
                    guard Finish.before(element, heap[parent]) else { break }
                    heap[child] = heap[parent]
                    child = parent
                }
                heap[child] = element
                sequence += 1
            }
        }
    }

    @inline(__always) private static func siftDown(_ heap: UnsafeMutableBufferPointer<Finish>, count: Int) {
        guard count > 1 else { return }
        let element = heap[0]
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let right = left + 1
            let smaller = right < count && Finish.before(heap[right], heap[left]) ? right : left
            guard Finish.before(heap[smaller], element) else { break }
            heap[parent] = heap[smaller]
            parent = smaller
        }
        heap[parent] = element
    }

    /// Phase totals and latency, as `Simulator.simulate(_:triggers:detailed:)`.
    private mutating func summarise(_ kind: StrategyKind) -> Outcome {
        var outcome = Outcome(kind: kind)
        latencies.removeAll(keepingCapacity: true)
        var first = 0
        for build in builds.indices {
            let end = builds[build].jobEnd
            let step = builds[build].step
            let buildDay = step >= 0 ? stepDay[step] : 0
            var deployed = jobFinish[first]
            for j in (first + 1)..<max(end, first + 1) where deployed < jobFinish[j] { deployed = jobFinish[j] }
            var totals = builds[build].totals
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

    /// The `k`-th smallest of `values` (Wirth's selection: Hoare partitions around the
    /// current k-th element, which stop on equal keys, so runs of ties stay O(n)); afterwards
    /// everything from `k + 1` on is at least that value.
    static func select(_ values: inout [Double], _ k: Int) -> Double {
        values.withUnsafeMutableBufferPointer { a in
            var low = 0
            var high = a.count - 1
            while low < high {
                let pivot = a[k]
                var i = low
                var j = high
                repeat {
                    while a[i] < pivot { i += 1 }
                    while pivot < a[j] { j -= 1 }
                    if i <= j {
                        a.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                } while i <= j
                if j < k { low = i }
                if k < i { high = j }
            }
            return a[k]
        }
    }
}
