import Foundation
import PlanCore

/// Build planning (DESIGN §5): which jobs each strategy runs for each build, reading the
/// training data as it grows from `shareData` (one rule for how arrivals change it).
///
/// | strategy | initial | update of languages S |
/// |---|---|---|
/// | full-retrain | one job on all data | one job on all current data |
/// | merge | one adapter job per language + merge | retrain S's adapters + re-merge |
/// | continued | as full-retrain | new examples + replay fraction of old data |
/// | hybrid | as merge | as merge; plus a full multilingual refresh every N days |
/// | merge-incremental | as merge | continue S's adapters on their new examples + a replay fraction of their old data + re-merge |
/// | adapters | one adapter job per language, never merged | retrain (or continue) S's adapters; evaluate S; hot-load |
///
/// Every build ends with an evaluation on every current language (an `adapters` update: on the
/// updated languages, the other adapters are unchanged); a merge (more than one language) waits
/// for the build's training jobs, the evaluation for the merge or the training. An `adapters`
/// build is deployed `adapters.deploy_minutes` after its evaluation (the hot-load).
extension SimulationEngine {
    /// The merge and evaluation of the last shape priced, as jobs (for the recording and
    /// regions) and as the plain figures the pool and the totals read (no copy of a job's name).
    struct Memo {
        var mergeAdapters = -1
        var merge: JobCost?
        var mergeFigures: JobFigures?
        var evaluationCount = -1
        var evaluationTokens = Double.nan
        var evaluation: JobCost?
        var evaluationFigures: JobFigures?
    }

    /// What the pool and the totals read of a merge or an evaluation.
    struct JobFigures {
        var merge: Bool
        var gpus: Int
        var hours: Double
        var gpuHours: Double
        var usd: Double
        var kwh: Double
        var co2Kg: Double

        init(_ job: JobCost) {
            (merge, gpus, hours, gpuHours) = (job.kind == .merge, job.gpus, job.wallSeconds / 3600, job.gpuHours)
            (usd, kwh, co2Kg) = (job.usd, job.kwh, job.co2Kg)
        }
    }

    /// Plans strategy `index` of `scenario` into the pool's job list and `builds` (after `prepare`).
    mutating func plan(strategy index: Int, scenario: Scenario) {
        let kind = scenario.strategies[index]
        let model = modelIndex[index]
        let cost = models[model]
        let energy = cost.rates
        let epochs = scenario.finetune.epochs
        let fixed = cost.fixedTrainingSeconds
        let defaultGPUs = cost.trainingGPUs
        let replay = scenario.continued.replayFraction
        let adapters = kind.trainsAdapters
        let routed = kind == .adapters
        let adapterReplay = routed ? scenario.adapters.replayFraction : scenario.mergeIncremental.replayFraction
        deployHours = routed ? scenario.adapters.deployMinutes / 60 : 0
        let recording = self.recording
        let evaluating = cost.finetune.evaluation != nil
        let capacity = cost.hardware.capacity
        let spot = capacity == .spot ? cost.hardware.spot : nil
        let spotRates = spot.map { spot in
            var rates = energy
            rates.usdPerGPUHour = spot.usdPerGPUHour
            return rates
        } ?? energy
        let reliable = cost.hardware.reliability != nil || spot != nil
        let placing = regionPlacement.isActive
        let regionPlacement = self.regionPlacement
        buildRegion = 0
        timeline(hybrid: kind == .hybrid, scenario: scenario)

        // Adapters that continue from their last training (`merge-incremental`, `adapters` with
        // `update: continue`) train their new examples plus a replay of the old ones; the others
        // retrain on all their data. Every strategy reads the languages from `shareData`.
        let continues = adapters && !Self.retrainsAdapters(kind, scenario)

        pool.removeAll()
        builds.removeAll(keepingCapacity: true)
        recordedCosts.removeAll(keepingCapacity: true)
        recordedBuilds.removeAll(keepingCapacity: true)

        // The planning state lives on the engine (`PlanState`), not in locals the helpers below
        // capture: captured locals cost a dynamic exclusivity check on every access.
        state = PlanState()
        shareData(model: model, scenario: scenario)
        state.data = initialShare.data
        (state.presentCount, state.presentTokens) = (initialShare.presentCount, initialShare.presentTokens)

        func addTraining(_ sum: TrainingSum, day: Double, name: @autoclosure () -> String) {
            let gpus = sum.tokens == 0 ? defaultGPUs : sum.gpus
            // The job's periodic evaluation (finetune.eval_every_examples) runs inside it.
            let evaluation = evaluating ? cost.inJobEvaluation(examples: sum.examples, tokens: sum.tokens) : nil
            let workSeconds = sum.seconds + (evaluation?.seconds ?? 0)
            var running = workSeconds
            // A spot job within the market's limits is priced at spot and preempted; the rest on-demand.
            let onSpot = spot?.admits(wallHours: (workSeconds + fixed) / 3600, gpus: gpus) ?? false
            if reliable {
                let goodput = cost.goodput(workSeconds: workSeconds, gpus: gpus, preemptionsPerNodeHour: onSpot ? spot?.preemptionsPerHour ?? 0 : 0)
                if var rng = failures {
                    let draw = goodput.drawn(rng: &rng)
                    failures = rng
                    running = draw.hours * 3600
                    state.totals.expectedInterruptions += draw.interruptions
                } else {
                    running = goodput.expectedHours * 3600
                    state.totals.expectedInterruptions += goodput.expectedInterruptions
                }
            }
            let wallSeconds = running + fixed
            var release = day * 24
            var rates = onSpot ? spotRates : energy
            if placing {
                let choice = regionPlacement.place(releaseHours: release, hours: wallSeconds / 3600)
                release += choice.waitHours
                rates = regionPlacement.rates(rates, region: choice.region, kgCO2PerKWh: choice.kgCO2PerKWh, onDemand: !onSpot && capacity != .reserved)
                buildRegion = choice.region
            }
            pool.append(gpus: gpus, hours: wallSeconds / 3600, releaseHours: release)
            let gpuHours = wallSeconds * Double(gpus) / 3600
            let footprint = rates.footprint(gpuHours: gpuHours)
            state.totals.add(gpuHours: gpuHours, usd: footprint.usd, kwh: footprint.kwh, co2Kg: footprint.co2Kg, trainedTokens: sum.tokens)
            if onSpot {
                state.totals.spotJobs += 1
                state.totals.spotGPUHours += gpuHours
            } else if capacity == .reserved {
                state.totals.reservedJobs += 1
            } else {
                state.totals.onDemandJobs += 1
            }
            state.totals.trainingWorkGPUHours += workSeconds * Double(gpus) / 3600
            state.totals.trainingRunGPUHours += running * Double(gpus) / 3600
            if recording {
                let evaluated = evaluation?.flops ?? 0
                var job = JobCost(kind: .training, name: name(), flops: sum.work + evaluated, bytesMoved: 0, tokens: sum.tokens, gpus: gpus,
                                  wallSeconds: wallSeconds, rates: rates)
                job.hardwareFlops = sum.executed + evaluated
                recordedCosts.append(job)
            }
        }
        // Merges and evaluations: priced once per shape (`state.memo`); outside regions only
        // their plain figures are read, and the job itself only when recording.
        func addJob(_ figures: JobFigures, day: Double, waiting: Int) {
            guard placing else {
                pool.append(gpus: figures.gpus, hours: figures.hours, releaseHours: day * 24, dependencies: waiting)
                if figures.merge { state.totals.mergeJobs += 1 }
                state.totals.add(gpuHours: figures.gpuHours, usd: figures.usd, kwh: figures.kwh, co2Kg: figures.co2Kg, trainedTokens: nil)
                if recording, let job = figures.merge ? state.memo.merge : state.memo.evaluation { recordedCosts.append(job) }
                return
            }
            // In the build's region (its last training job's) at the daily mean intensity.
            guard var placed = figures.merge ? state.memo.merge : state.memo.evaluation else { return }
            let region = regionPlacement.regions[buildRegion]
            let footprint = regionPlacement.rates(energy, region: buildRegion, kgCO2PerKWh: region.dailyMeanKgCO2PerKWh,
                                                  onDemand: capacity != .reserved).footprint(gpuHours: placed.gpuHours)
            (placed.usd, placed.kwh, placed.co2Kg) = (footprint.usd, footprint.kwh, footprint.co2Kg)
            pool.append(gpus: placed.gpus, hours: placed.wallSeconds / 3600, releaseHours: day * 24, dependencies: waiting)
            state.totals.add(placed)
            if recording { recordedCosts.append(placed) }
        }
        // Ends a build whose training jobs are [first, jobs.count): merge (when `merged` and
        // more than one language), then the evaluation.
        // `evaluated`: the languages the evaluation covers when not every current one (an
        // `adapters` update: the updated ones), as (count, Σ tokens per example).
        func finish(first: Int, day: Double, merged: Bool, step: Int, evaluated: (count: Int, tokens: Double)? = nil) {
            let trainingEnd = pool.jobs.count
            var lastFirst = first
            if merged && state.presentCount > 1 {
                if state.memo.mergeAdapters != state.presentCount {
                    state.memo.merge = cost.mergeJob(name: "merge", adapters: state.presentCount)
                    state.memo.mergeFigures = state.memo.merge.map(JobFigures.init)
                    state.memo.mergeAdapters = state.presentCount
                }
                if let merge = state.memo.mergeFigures {
                    pool.link(first..<trainingEnd, to: trainingEnd)
                    addJob(merge, day: day, waiting: trainingEnd - first)
                    lastFirst = trainingEnd
                }
            }
            let evaluatedCount = evaluated?.count ?? state.presentCount
            let evaluatedTokens = evaluated?.tokens ?? state.presentTokens
            if state.memo.evaluationCount != evaluatedCount || state.memo.evaluationTokens != evaluatedTokens {
                state.memo.evaluation = cost.evaluation(name: "evaluate", languages: evaluatedCount, tokensPerExample: evaluatedTokens)
                state.memo.evaluationFigures = state.memo.evaluation.map(JobFigures.init)
                state.memo.evaluationCount = evaluatedCount
                state.memo.evaluationTokens = evaluatedTokens
            }
            if let evaluation = state.memo.evaluationFigures {
                let lastEnd = pool.jobs.count
                pool.link(lastFirst..<lastEnd, to: lastEnd)
                addJob(evaluation, day: day, waiting: lastEnd - lastFirst)
            }
            builds.append(BuildEntry(jobEnd: pool.jobs.count, step: step))
            if recording { recordBuild(first: first, step: step, scenario: scenario) }
            // The jobs' figures add straight into the phase's totals: the initial build's,
            // then every update's.
            if step < 0 {
                state.initial = state.totals
                state.totals = PhaseTotals()
            }
        }

        // Initial build.
        if adapters {
            for job in 0..<initialShare.adapterEnd {
                addTraining(adapterJobs[job].sum, day: 0, name: "adapter \(codes[adapterJobs[job].slot])")
            }
        } else {
            addTraining(state.data.scaled(by: epochs), day: 0, name: "multilingual")
        }
        finish(first: 0, day: 0, merged: adapters && !routed, step: -1)

        for step in stepDay.indices {
            let trigger = stepTrigger[step]
            let refresh = stepRefresh[step]
            let day = stepDay[step]
            // The data before this build (continued's replay).
            let before = state.data
            var share = Share()
            var adapterStart = 0
            if trigger >= 0 {
                share = triggerShare[trigger]
                adapterStart = trigger > 0 ? triggerShare[trigger - 1].adapterEnd : initialShare.adapterEnd
                state.data = share.data
                (state.presentCount, state.presentTokens) = (share.presentCount, share.presentTokens)
            }
            let first = pool.jobs.count
            var merged = false
            if refresh || kind == .fullRetrain {
                addTraining(state.data.scaled(by: epochs), day: day, name: refresh ? "refresh" : "multilingual")
            } else if adapters {
                for job in adapterStart..<share.adapterEnd {
                    let entry = adapterJobs[job]
                    var sum = entry.sum
                    if continues {
                        // The adapter continues from its last training: the examples added since
                        // (all of a new language's) plus a replay of the ones it had.
                        sum = TrainingSum()
                        add(&sum, model: model, slot: entry.slot, examples: entry.examples - entry.before + adapterReplay * entry.before,
                            tokensPerExample: entry.tokensPerExample, epochs: epochs)
                    }
                    addTraining(sum, day: day, name: "adapter \(codes[entry.slot])")
                }
                if routed {
                    finish(first: first, day: day, merged: false, step: step, evaluated: (share.updatedCount, share.updatedTokens))
                    continue
                }
                merged = true
            } else {
                // The trigger's new examples (`Share.fresh`), then a replay of the data before.
                var sum = share.fresh
                if replay > 0 { sum.add(before.scaled(by: replay * epochs)) }
                addTraining(sum, day: day, name: "continued")
            }
            finish(first: first, day: day, merged: merged, step: step)
        }
        state.maintenance = state.totals
    }

    /// Records the build just planned: its reason, day, the arrivals it ships and its jobs.
    private mutating func recordBuild(first: Int, step: Int, scenario: Scenario) {
        var reason = Build.Reason.initial
        var buildDay = 0.0
        var shipped: [Arrival] = []
        if step >= 0 {
            buildDay = stepDay[step]
            reason = stepRefresh[step] ? .refresh : .update
            let trigger = stepTrigger[step]
            if trigger >= 0 {
                let from = trigger > 0 ? triggerEnd[trigger - 1] : 0
                for a in from..<triggerEnd[trigger] {
                    let kind: Arrival.Kind = newTokens[a].isNaN
                        ? .examples(amount[a]) : .newLanguage(examples: amount[a], tokensPerExample: newTokens[a])
                    shipped.append(Arrival(day: day[a], language: codes[slot[a]], languageIndex: slot[a], kind: kind))
                }
            }
        }
        recordedBuilds.append(Build(reason: reason, day: buildDay, arrivals: shipped, jobs: Array(first..<pool.jobs.count)))
    }
}
