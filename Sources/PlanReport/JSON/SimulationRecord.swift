import Foundation
import PlanCore
import PlanSim

/// A simulate run's results as stored: the `plan simulate --format json` document read back
/// into typed values (`init(document:)`), plus the daily series stored beside it. The report
/// renders from this, so a report of a stored run shows what that run computed. `init(result:)`
/// builds the same record from a live simulation (the report of a fresh result, the tests).
public struct SimulationRecord: Sendable, Equatable, Decodable {
    /// Dollars, GPU-hours, hours, kWh, kg and tokens of one phase.
    public struct Figures: Sendable, Equatable, Decodable {
        public var gpuHours: Double
        public var wallClockHours: Double
        public var costUSD: Double
        public var energyKWh: Double
        public var co2Kg: Double
        public var trainedTokens: Double

        enum CodingKeys: String, CodingKey {
            case gpuHours = "gpu_hours", wallClockHours = "wall_clock_hours", costUSD = "cost_usd", energyKWh = "energy_kwh"
            case co2Kg = "co2_kg", trainedTokens = "trained_tokens"
        }

        init(_ totals: PhaseTotals) {
            gpuHours = totals.gpuHours
            wallClockHours = totals.wallClockHours
            costUSD = totals.costUSD
            energyKWh = totals.energyKWh
            co2Kg = totals.co2Kg
            trainedTokens = totals.trainedTokens
        }
    }

    /// Savings as fractions of the baseline (positive = cheaper or faster).
    public struct Fractions: Sendable, Equatable, Decodable {
        public var gpuHours: Double
        public var wallClockHours: Double
        public var costUSD: Double
        public var energyKWh: Double
        public var co2Kg: Double

        enum CodingKeys: String, CodingKey {
            case gpuHours = "gpu_hours", wallClockHours = "wall_clock_hours", costUSD = "cost_usd", energyKWh = "energy_kwh", co2Kg = "co2_kg"
        }

        init(_ s: SavingsFigures) {
            gpuHours = s.gpuHours
            wallClockHours = s.wallClockHours
            costUSD = s.costUSD
            energyKWh = s.energyKWh
            co2Kg = s.co2Kg
        }
    }

    public struct Savings: Sendable, Equatable, Decodable {
        public var total: Fractions
        public var initial: Fractions
        public var maintenance: Fractions
        public var updateLatencyMean: Double

        enum CodingKeys: String, CodingKey { case initial, maintenance, updateLatencyMean = "update_latency_mean" }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            total = try Fractions(from: decoder)  // the total's fractions sit beside initial and maintenance
            initial = try container.decode(Fractions.self, forKey: .initial)
            maintenance = try container.decode(Fractions.self, forKey: .maintenance)
            updateLatencyMean = try container.decode(Double.self, forKey: .updateLatencyMean)
        }

        init(_ s: PlanSim.Savings) {
            total = Fractions(s.total)
            initial = Fractions(s.initial)
            maintenance = Fractions(s.maintenance)
            updateLatencyMean = s.updateLatencyMean
        }
    }

    /// Hours from data arrival to the deployed model.
    public struct Latency: Sendable, Equatable, Decodable {
        public var meanHours: Double
        public var p90Hours: Double
        public var updates: Int

        enum CodingKeys: String, CodingKey { case meanHours = "mean", p90Hours = "p90", updates }
    }

    /// How the strategy used the pool (see `PoolUsage`).
    public struct Pool: Sendable, Equatable, Decodable {
        public var gpus: Int
        public var gpusPerJob: Int
        /// Absent in runs stored before usable GPUs were counted.
        public var usableGPUs: Int?
        public var pricing: String
        public var utilisation: Double
        public var busyGPUHours: Double
        public var peakQueueJobs: Int
        public var lastJobFinishedHours: Double
        public var maxUpdateLatencyHours: Double
        /// Absent in runs stored before the queue at the horizon's end was counted.
        public var queuedAtHorizonEnd: Int?
        public var backlogHours: Double?
        public var onDemandCostUSD: Double
        /// Stored only under reserved pricing.
        public var reservedCostUSD: Double?

        enum CodingKeys: String, CodingKey {
            case gpus, gpusPerJob = "gpus_per_job", usableGPUs = "usable_gpus", pricing, utilisation, busyGPUHours = "busy_gpu_hours", peakQueueJobs = "peak_queue_jobs"
            case lastJobFinishedHours = "last_job_finished_hours", maxUpdateLatencyHours = "max_update_latency_hours"
            case queuedAtHorizonEnd = "queued_at_horizon_end", backlogHours = "backlog_hours"
            case onDemandCostUSD = "on_demand_cost_usd", reservedCostUSD = "reserved_cost_usd"
        }

        /// The stored figures as a `PoolUsage` (the type the pool table renders), with the
        /// horizon and reserved cost taken from the scenario when the run did not store them.
        public func usage(hardware: Hardware, horizonDays: Int) -> PoolUsage {
            var usage = PoolUsage(hardware: hardware, horizonDays: horizonDays, busyGPUHours: busyGPUHours, onDemandCostUSD: onDemandCostUSD,
                                  peakQueuedJobs: peakQueueJobs, lastFinishHours: lastJobFinishedHours, maxLatencyHours: maxUpdateLatencyHours)
            usage.poolGPUs = gpus
            usage.gpusPerJob = gpusPerJob
            if let usableGPUs { usage.usableGPUs = usableGPUs }
            usage.queuedAtHorizonEnd = queuedAtHorizonEnd ?? 0
            usage.backlogHours = backlogHours ?? 0
            usage.utilisation = utilisation
            usage.pricing = Hardware.Pricing(rawValue: pricing) ?? hardware.pricing
            usage.reservedCostUSD = reservedCostUSD ?? usage.reservedCostUSD
            return usage
        }
    }

    /// A Monte Carlo p10 / p50 / p90.
    public struct Band: Sendable, Equatable, Decodable {
        public var p10: Double
        public var p50: Double
        public var p90: Double
    }

    /// Cumulative GPU-hours and dollars at the end of a day.
    public struct SeriesPoint: Sendable, Equatable {
        public var day: Int
        public var gpuHours: Double
        public var costUSD: Double

        public init(day: Int, gpuHours: Double, costUSD: Double) {
            self.day = day
            self.gpuHours = gpuHours
            self.costUSD = costUSD
        }
    }

    /// Serving, TCO, quality and eligibility of a strategy (absent in runs stored before them).
    public struct Choice: Sendable, Equatable, Decodable {
        public var serving: ServingFigures?
        public var totalCostOfOwnershipUSD: Double
        public var qualityRetention: Double?
        public var qualitySource: String
        public var eligible: Bool
        public var ineligibleReason: String?
        public var qualityCaveat: String?

        enum CodingKeys: String, CodingKey {
            case serving, totalCostOfOwnershipUSD = "total_cost_of_ownership_usd", qualityRetention = "quality_retention"
            case qualitySource = "quality_source", eligible, ineligibleReason = "ineligible_reason", qualityCaveat = "quality_caveat"
        }

        init(_ d: StrategyDecision) {
            serving = d.serving
            totalCostOfOwnershipUSD = d.totalCostOfOwnershipUSD
            qualityRetention = d.qualityRetention
            qualitySource = d.retentionSource
            eligible = d.eligible
            ineligibleReason = d.reason
            qualityCaveat = d.caveat
        }
    }

    /// A strategy's `regions` object (docs/goodput.md).
    public struct RegionSavings: Sendable, Equatable, Decodable {
        public var placement: String
        public var co2SavedKg: Double
        public var costSavedUSD: Double
        public var extraLatencyHours: Double

        enum CodingKeys: String, CodingKey {
            case placement, co2SavedKg = "co2_saved_kg", costSavedUSD = "cost_saved_usd", extraLatencyHours = "extra_latency_hours"
        }

        init(_ r: RegionComparison) {
            (placement, co2SavedKg, costSavedUSD, extraLatencyHours) = (r.placement, r.co2SavedKg, r.costSavedUSD, r.extraLatencyHours)
        }
    }

    public struct Strategy: Sendable, Equatable, Decodable {
        public var name: String
        public var total: Figures
        public var initial: Figures
        public var maintenance: Figures
        public var latency: Latency
        /// nil for the baseline.
        public var savings: Savings?
        public var breakEvenDay: Int?
        public var saturated: Bool
        public var pool: Pool
        public var builds: Int
        public var jobs: Int
        /// Monte Carlo bands per figure (`MonteCarlo.figures`); empty without trials.
        public var percentiles: [String: Band]
        public var probabilityCheaper: Double?
        /// Merge jobs among `jobs` (absent in older runs).
        public var mergeJobs: Int?
        /// Failure-free training compute over expected training time (absent in older runs).
        public var effectiveTrainingTimeRatio: Double?
        public var expectedInterruptions: Double?
        /// Placement over regions against the single-region run (absent without `regions:`).
        public var regions: RegionSavings?
        /// The decision's figures for this strategy (absent in older runs).
        public var choice: Choice?
        /// Not in the document: the run's series rows (`withSeries`), or the live result's.
        public var series: [SeriesPoint] = []

        enum CodingKeys: String, CodingKey {
            case name, initial, maintenance, latency = "update_latency_hours", savings, breakEvenDay = "break_even_day", saturated, pool
            case builds, jobs, percentiles, probabilityCheaper = "probability_cheaper", mergeJobs = "merge_jobs"
            case totalCostOfOwnershipUSD = "total_cost_of_ownership_usd"
            case effectiveTrainingTimeRatio = "effective_training_time_ratio", expectedInterruptions = "expected_interruptions"
            case regions
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            total = try Figures(from: decoder)  // the totals sit at the strategy's top level
            initial = try c.decode(Figures.self, forKey: .initial)
            maintenance = try c.decode(Figures.self, forKey: .maintenance)
            latency = try c.decode(Latency.self, forKey: .latency)
            savings = try c.decodeIfPresent(Savings.self, forKey: .savings)
            breakEvenDay = try c.decodeIfPresent(Int.self, forKey: .breakEvenDay)
            saturated = try c.decode(Bool.self, forKey: .saturated)
            pool = try c.decode(Pool.self, forKey: .pool)
            builds = try c.decode(Int.self, forKey: .builds)
            jobs = try c.decode(Int.self, forKey: .jobs)
            percentiles = try c.decodeIfPresent([String: Band].self, forKey: .percentiles) ?? [:]
            probabilityCheaper = try c.decodeIfPresent(Double.self, forKey: .probabilityCheaper)
            mergeJobs = try c.decodeIfPresent(Int.self, forKey: .mergeJobs)
            effectiveTrainingTimeRatio = try c.decodeIfPresent(Double.self, forKey: .effectiveTrainingTimeRatio)
            expectedInterruptions = try c.decodeIfPresent(Double.self, forKey: .expectedInterruptions)
            regions = try c.decodeIfPresent(RegionSavings.self, forKey: .regions)
            // The choice's keys sit at the strategy's top level.
            choice = c.contains(.totalCostOfOwnershipUSD) ? try Choice(from: decoder) : nil
        }
    }

    public var scenario: String
    public var horizonDays: Int
    public var baseline: String
    public var arrivals: Int
    public var updates: Int
    public var strategies: [Strategy]
    /// Monte Carlo trials (nil: one deterministic run).
    public var trials: Int?
    /// The cheapest eligible strategy by total cost of ownership (nil: none eligible, or an older run).
    public var recommended: String?
    public var qualityFloor: Double?
    /// Whether the run priced serving (nil in older runs).
    public var servingPriced: Bool?

    enum CodingKeys: String, CodingKey {
        case scenario, horizonDays = "horizon_days", baseline, arrivals, updates, strategies, trials, recommended
        case qualityFloor = "quality_floor", servingPriced = "serving_priced"
    }

    public func strategy(_ name: String) -> Strategy? { strategies.first { $0.name == name } }

    /// Reads a stored simulate document.
    /// - Throws: `ReportError.unreadableRun` naming what is missing or mistyped.
    public init(document: String) throws {
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(document.utf8))
        } catch let error as DecodingError {
            throw ReportError.unreadableRun(reason: Self.describe(error))
        }
    }

    /// The record of a live simulation, as its document would store it.
    public init(result: SimulationResult, monteCarlo: MonteCarlo.Result? = nil) {
        scenario = result.scenarioName
        horizonDays = result.horizonDays
        baseline = result.baseline.rawValue
        arrivals = result.arrivals
        updates = result.updates
        trials = monteCarlo?.trials
        recommended = result.decision?.recommended?.rawValue
        qualityFloor = result.decision?.floor
        servingPriced = result.decision.map { $0.strategies.contains { $0.serving != nil } }
        strategies = result.strategies.map { outcome in
            let pool = outcome.pool
            var percentiles: [String: Band] = [:]
            for (figure, band) in monteCarlo?.percentiles[outcome.kind] ?? [:] { percentiles[figure] = Band(p10: band.p10, p50: band.p50, p90: band.p90) }
            var strategy = Strategy(
                name: outcome.kind.rawValue, total: Figures(outcome.total), initial: Figures(outcome.initial), maintenance: Figures(outcome.maintenance),
                latency: Latency(meanHours: outcome.latency.meanHours, p90Hours: outcome.latency.p90Hours, updates: outcome.latency.count),
                savings: outcome.savings.map(Savings.init), breakEvenDay: outcome.breakEvenDay, saturated: pool.saturated,
                pool: Pool(gpus: pool.poolGPUs, gpusPerJob: pool.gpusPerJob, usableGPUs: pool.usableGPUs, pricing: pool.pricing.rawValue,
                           utilisation: pool.utilisation, busyGPUHours: pool.busyGPUHours, peakQueueJobs: pool.peakQueuedJobs,
                           lastJobFinishedHours: pool.lastFinishHours, maxUpdateLatencyHours: pool.maxLatencyHours,
                           queuedAtHorizonEnd: pool.queuedAtHorizonEnd, backlogHours: pool.backlogHours,
                           onDemandCostUSD: pool.onDemandCostUSD,
                           reservedCostUSD: pool.pricing == .reserved ? pool.reservedCostUSD : nil),
                builds: outcome.builds.count, jobs: outcome.total.jobs, percentiles: percentiles,
                probabilityCheaper: monteCarlo?.probabilityCheaper[outcome.kind],
                series: outcome.series.map { SeriesPoint(day: $0.day, gpuHours: $0.gpuHours, costUSD: $0.costUSD) },
                mergeJobs: outcome.total.mergeJobs, choice: result.decision?.strategy(outcome.kind).map(Choice.init),
                effectiveTrainingTimeRatio: outcome.total.effectiveTrainingTimeRatio, expectedInterruptions: outcome.total.expectedInterruptions)
            strategy.regions = outcome.regions.map(RegionSavings.init)
            return strategy
        }
    }

    /// The record with each strategy's series replaced by `series[strategy name]`.
    public func withSeries(_ series: [String: [SeriesPoint]]) -> SimulationRecord {
        var copy = self
        for index in copy.strategies.indices { copy.strategies[index].series = series[copy.strategies[index].name] ?? [] }
        return copy
    }

    /// "missing strategies[0].pool" rather than Foundation's debug text.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case let .keyNotFound(key, context): return "missing \(path(context.codingPath + [key]))"
        case let .typeMismatch(_, context), let .valueNotFound(_, context): return "unexpected value at \(path(context.codingPath))"
        case let .dataCorrupted(context): return context.codingPath.isEmpty ? "not a JSON document" : "unreadable \(path(context.codingPath))"
        @unknown default: return "unreadable document"
        }
    }
}

extension SimulationRecord.Strategy {
    /// The stored pool figures as the `PoolUsage` the pool table renders.
    public func poolUsage(hardware: Hardware, horizonDays: Int) -> PoolUsage {
        var usage = pool.usage(hardware: hardware, horizonDays: horizonDays)
        usage.saturated = saturated
        return usage
    }

    init(name: String, total: SimulationRecord.Figures, initial: SimulationRecord.Figures, maintenance: SimulationRecord.Figures,
         latency: SimulationRecord.Latency, savings: SimulationRecord.Savings?, breakEvenDay: Int?, saturated: Bool, pool: SimulationRecord.Pool,
         builds: Int, jobs: Int, percentiles: [String: SimulationRecord.Band], probabilityCheaper: Double?, series: [SimulationRecord.SeriesPoint],
         mergeJobs: Int?, choice: SimulationRecord.Choice?, effectiveTrainingTimeRatio: Double?, expectedInterruptions: Double?) {
        self.mergeJobs = mergeJobs
        self.effectiveTrainingTimeRatio = effectiveTrainingTimeRatio
        self.expectedInterruptions = expectedInterruptions
        self.choice = choice
        self.name = name
        self.total = total
        self.initial = initial
        self.maintenance = maintenance
        self.latency = latency
        self.savings = savings
        self.breakEvenDay = breakEvenDay
        self.saturated = saturated
        self.pool = pool
        self.builds = builds
        self.jobs = jobs
        self.percentiles = percentiles
        self.probabilityCheaper = probabilityCheaper
        self.series = series
    }
}
