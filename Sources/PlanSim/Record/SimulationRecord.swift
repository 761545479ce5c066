import Foundation
import PlanCore

/// The one result record of a simulation: what `plan simulate` computed, in the simulation's own
/// types. PlanSim produces it (`init(result:monteCarlo:)`); the JSON document is written from it
/// (PlanReport's `SimulationDocument`), a stored document reads back into it (`Decodable`, older
/// documents included), and the store's rows, the CSV, the terminal table, the plots and the
/// report all read it. Builds and jobs are not part of it: a stored run keeps figures, not jobs.
public struct SimulationRecord: Sendable, Equatable, Decodable {
    public struct Strategy: Sendable, Equatable, Decodable {
        public var name: String
        public var initial: PhaseTotals
        public var maintenance: PhaseTotals
        /// The whole horizon (the strategy's top-level figures; `jobs` and `merge_jobs` included).
        public var total: PhaseTotals
        public var latency: LatencySummary
        /// nil for the baseline.
        public var savings: Savings?
        public var breakEvenDay: Int?
        public var saturated: Bool
        public var pool: PoolRecord
        public var builds: Int
        /// Merge jobs among the total's jobs (nil in runs stored before they were counted).
        public var mergeJobs: Int?
        /// Failure-free training compute over expected training time (nil in older runs).
        public var effectiveTrainingTimeRatio: Double?
        /// Placement over regions against the single-region run (nil without `regions:`).
        public var regions: RegionComparison?
        /// Monte Carlo bands per figure (`MonteCarlo.figures`); empty without trials.
        public var percentiles: [String: PercentileBand]
        public var probabilityCheaper: Double?
        /// Serving, TCO, quality and eligibility (nil in runs stored before the decision).
        public var choice: StrategyDecision?
        /// Cumulative cost per day: the live result's, or a stored run's series rows (`withSeries`).
        public var series: [DailyPoint] = []

        enum CodingKeys: String, CodingKey {
            case name, initial, maintenance, latency = "update_latency_hours", savings, breakEvenDay = "break_even_day", saturated, pool
            case builds, percentiles, probabilityCheaper = "probability_cheaper", mergeJobs = "merge_jobs"
            case totalCostOfOwnershipUSD = "total_cost_of_ownership_usd"
            case effectiveTrainingTimeRatio = "effective_training_time_ratio"
            case regions, capacity
        }

        /// The `capacity` object: the training jobs' capacity counts, which belong to the total.
        struct CapacityCounts: Decodable {
            var spotJobs: Int, reservedJobs: Int, onDemandJobs: Int, spotGPUHours: Double
            enum CodingKeys: String, CodingKey {
                case spotJobs = "spot_jobs", reservedJobs = "reserved_jobs", onDemandJobs = "on_demand_jobs", spotGPUHours = "spot_gpu_hours"
            }
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            total = try PhaseTotals(from: decoder)  // the totals sit at the strategy's top level
            initial = try c.decode(PhaseTotals.self, forKey: .initial)
            maintenance = try c.decode(PhaseTotals.self, forKey: .maintenance)
            latency = try c.decode(LatencySummary.self, forKey: .latency)
            savings = try c.decodeIfPresent(Savings.self, forKey: .savings)
            breakEvenDay = try c.decodeIfPresent(Int.self, forKey: .breakEvenDay)
            saturated = try c.decode(Bool.self, forKey: .saturated)
            pool = try c.decode(PoolRecord.self, forKey: .pool)
            builds = try c.decode(Int.self, forKey: .builds)
            mergeJobs = try c.decodeIfPresent(Int.self, forKey: .mergeJobs)
            effectiveTrainingTimeRatio = try c.decodeIfPresent(Double.self, forKey: .effectiveTrainingTimeRatio)
            regions = try c.decodeIfPresent(RegionComparison.self, forKey: .regions)
            if let counts = try c.decodeIfPresent(CapacityCounts.self, forKey: .capacity) {
                (total.spotJobs, total.reservedJobs, total.onDemandJobs, total.spotGPUHours) =
                    (counts.spotJobs, counts.reservedJobs, counts.onDemandJobs, counts.spotGPUHours)
            }
            percentiles = try c.decodeIfPresent([String: PercentileBand].self, forKey: .percentiles) ?? [:]
            probabilityCheaper = try c.decodeIfPresent(Double.self, forKey: .probabilityCheaper)
            choice = c.contains(.totalCostOfOwnershipUSD) ? try StrategyDecision(from: decoder) : nil
        }

        /// A live strategy's record.
        init(_ outcome: StrategyOutcome, monteCarlo: MonteCarlo.Result?, choice: StrategyDecision?) {
            name = outcome.kind.rawValue
            initial = outcome.initial
            maintenance = outcome.maintenance
            total = outcome.total
            latency = outcome.latency
            savings = outcome.savings
            breakEvenDay = outcome.breakEvenDay
            saturated = outcome.pool.saturated
            pool = PoolRecord(outcome.pool)
            builds = outcome.builds.count
            mergeJobs = outcome.total.mergeJobs
            effectiveTrainingTimeRatio = outcome.total.effectiveTrainingTimeRatio
            regions = outcome.regions
            percentiles = monteCarlo?.percentiles[outcome.kind] ?? [:]
            probabilityCheaper = monteCarlo?.probabilityCheaper[outcome.kind]
            self.choice = choice
            series = outcome.series
        }

        /// The stored pool figures as the `PoolUsage` the pool table renders.
        public func poolUsage(hardware: Hardware, horizonDays: Int) -> PoolUsage {
            var usage = pool.usage(hardware: hardware, horizonDays: horizonDays)
            usage.saturated = saturated
            return usage
        }
    }

    public var scenario: String
    /// The simulation's seed (not read back from a document: stored runs keep it in their row).
    public var seed: UInt64? = nil
    public var horizonDays: Int
    public var baseline: String
    public var arrivals: Int
    public var updates: Int
    public var strategies: [Strategy]
    /// Monte Carlo trials (nil: one deterministic run) and the events they simulated.
    public var trials: Int?
    public var trialEvents: Int?
    /// The cheapest eligible strategy by total cost of ownership (nil: none eligible, no decision, or an older run).
    public var recommended: String?
    /// The quality floor and whether serving was priced (nil when the run had no decision, or in older runs).
    public var qualityFloor: Double?
    public var servingPriced: Bool?

    enum CodingKeys: String, CodingKey {
        case scenario, horizonDays = "horizon_days", baseline, arrivals, updates, strategies, trials, trialEvents = "trial_events", recommended
        case qualityFloor = "quality_floor", servingPriced = "serving_priced"
    }

    public func strategy(_ name: String) -> Strategy? { strategies.first { $0.name == name } }

    /// The record of a live simulation (and its Monte Carlo, if any).
    public init(result: SimulationResult, monteCarlo: MonteCarlo.Result? = nil) {
        scenario = result.scenarioName
        seed = result.seed
        horizonDays = result.horizonDays
        baseline = result.baseline.rawValue
        arrivals = result.arrivals
        updates = result.updates
        trials = monteCarlo?.trials
        trialEvents = monteCarlo?.events
        recommended = result.decision?.recommended?.rawValue
        qualityFloor = result.decision?.floor
        servingPriced = result.decision.map { $0.strategies.contains { $0.serving != nil } }
        strategies = result.strategies.map { Strategy($0, monteCarlo: monteCarlo, choice: result.decision?.strategy($0.kind)) }
    }

    /// The record with each strategy's series replaced by `series[strategy name]`.
    public func withSeries(_ series: [String: [DailyPoint]]) -> SimulationRecord {
        var copy = self
        for index in copy.strategies.indices { copy.strategies[index].series = series[copy.strategies[index].name] ?? [] }
        return copy
    }

    /// The rows the store keeps beside the document: each strategy's phase totals.
    public var resultRows: [ResultRow] {
        strategies.flatMap { s in
            [("initial", s.initial), ("maintenance", s.maintenance), ("total", s.total)].map { phase, t in
                ResultRow(strategy: s.name, phase: phase, gpuHours: t.gpuHours, wallClockHours: t.wallClockHours, costUSD: t.costUSD,
                          energyKWh: t.energyKWh, co2Kg: t.co2Kg, trainedTokens: t.trainedTokens)
            }
        }
    }

    /// The daily series rows the store keeps for the plots.
    public var seriesRows: [SeriesRow] {
        strategies.flatMap { s in s.series.map { SeriesRow(strategy: s.name, day: $0.day, gpuHours: $0.gpuHours, costUSD: $0.costUSD) } }
    }
}
