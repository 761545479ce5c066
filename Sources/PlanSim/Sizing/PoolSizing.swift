import Foundation
import PlanCore

/// The smallest GPU pool at which each strategy keeps its p90 update latency (data arrival to
/// deployed model) at or below a target over the horizon.
///
/// A strategy's jobs do not depend on the pool's size, so each strategy is planned once (same
/// seed, so the same Poisson arrivals at every size) and only the FIFO pool is rerun per size.
/// The search doubles the pool from the strategy's widest job until the target is met, then
/// bisects between the last failing and the first passing size. Bisection assumes latency does
/// not rise when GPUs are added; FIFO list scheduling can break that in contrived cases
/// (Graham's anomalies), so the answer is a size that meets the target with one GPU fewer failing.
/// When even a pool with a GPU for every job at once (no job ever waits) misses the target, no
/// size meets it and the result says so with that unqueued latency.
public struct PoolSizing: Sendable {
    public var scenario: Scenario
    public var seed: UInt64
    public var targetLatencyHours: Double

    public init(scenario: Scenario, seed: UInt64, targetLatencyHours: Double) {
        self.scenario = scenario
        self.seed = seed
        self.targetLatencyHours = targetLatencyHours
    }

    /// One pool size tried.
    public struct Probe: Sendable, Equatable {
        public var poolGPUs: Int
        public var latency: LatencySummary
        /// Busy GPU-hours / (pool GPUs × horizon hours).
        public var utilisation: Double
        public var saturated: Bool
    }

    /// The answer for one strategy.
    public struct StrategySize: Sendable, Equatable {
        public var kind: StrategyKind
        /// GPUs of the strategy's widest job: the smallest pool that can run it at all.
        public var minimumPoolGPUs: Int
        /// The smallest pool meeting the target; nil when no pool does.
        public var poolGPUs: Int?
        /// Figures at `poolGPUs` (nil when no pool meets the target).
        public var atSize: Probe?
        /// p90 latency when no job ever waits for a GPU: the floor no pool can beat.
        public var unqueuedP90Hours: Double
        public var busyGPUHours: Double
        /// Busy GPU-hours at `usd_per_gpu_hour` (the same at every pool size).
        public var onDemandCostUSD: Double
        /// `poolGPUs` × horizon hours × `usd_per_gpu_hour`, when the scenario's pricing is
        /// reserved and a size was found.
        public var reservedCostUSD: Double?
        /// Arrivals whose latency is measured.
        public var updates: Int
        /// p90 latency against pool size, in increasing size (for plots).
        public var curve: [Probe]
    }

    public struct Result: Sendable, Equatable {
        public var scenarioName: String
        public var seed: UInt64
        public var horizonDays: Int
        public var targetLatencyHours: Double
        public var pricing: Hardware.Pricing
        public var gpuName: String
        public var strategies: [StrategySize]
    }

    /// Sizes the pool for every strategy of the scenario.
    /// - Complexity: O(S · log P) pool simulations for S strategies and pool sizes up to P, plus
    ///   up to 64 more per strategy for the curve.
    public func run() -> Result {
        let simulator = Simulator(scenario: scenario)
        let triggers = simulator.triggers(seed: seed).triggers
        let horizonHours = Double(scenario.schedule.horizonDays) * 24
        let price = scenario.hardware.usdPerGPUHour
        var searches: [(StrategySize, BuildPlanner, Double, [Int: Probe])] = []
        for kind in scenario.strategies {
            let planner = simulator.plan(kind, triggers: triggers)
            var busy = 0.0
            var dollars = 0.0
            for cost in planner.costs {
                busy += cost.gpuHours
                dollars += cost.usd
            }
            var probes: [Int: Probe] = [:]
            func probe(_ gpus: Int) -> Probe {
                if let known = probes[gpus] { return known }
                let timings = GPUPool(gpus: gpus).run(planner.jobs)
                let latencies = Simulator.latencies(planner, timings: timings)
                let utilisation = busy / (Double(gpus) * horizonHours)
                let result = Probe(poolGPUs: gpus, latency: LatencySummary(latencies), utilisation: utilisation,
                                   saturated: utilisation > 1 || (latencies.max() ?? 0) > horizonHours)
                probes[gpus] = result
                return result
            }
            let minimum = max(1, planner.jobs.map(\.gpus).max() ?? 1)
            let unqueued = max(minimum, min(1_000_000, planner.jobs.reduce(0) { $0 + $1.gpus }))
            let floor = probe(unqueued).latency.p90Hours
            let updates = probe(unqueued).latency.count
            var answer: Int?
            if floor <= targetLatencyHours {
                if probe(minimum).latency.p90Hours <= targetLatencyHours {
                    answer = minimum
                } else {
                    var failing = minimum
                    var passing = min(minimum * 2, unqueued)
                    while probe(passing).latency.p90Hours > targetLatencyHours {
                        failing = passing
                        passing = min(passing * 2, unqueued)
                    }
                    while passing - failing > 1 {
                        let middle = failing + (passing - failing) / 2
                        if probe(middle).latency.p90Hours <= targetLatencyHours { passing = middle } else { failing = middle }
                    }
                    answer = passing
                }
            }
            let size = StrategySize(
                kind: kind, minimumPoolGPUs: minimum, poolGPUs: answer, atSize: answer.map(probe), unqueuedP90Hours: floor,
                busyGPUHours: busy, onDemandCostUSD: dollars,
                reservedCostUSD: scenario.hardware.pricing == .reserved ? answer.map { Double($0) * horizonHours * price } : nil,
                updates: updates, curve: [])
            searches.append((size, planner, busy, probes))
        }
        // One grid of pool sizes for every curve: up to twice the largest answer (at least 16).
        let largest = searches.map { $0.0.poolGPUs ?? $0.0.minimumPoolGPUs }.max() ?? 1
        let grid = Self.grid(upTo: min(1_000_000, max(16, 2 * largest)))
        var sizes: [StrategySize] = []
        for (var size, planner, busy, probes) in searches {
            var points = probes.filter { $0.key <= grid.last ?? 1 }
            for gpus in grid where gpus >= size.minimumPoolGPUs && points[gpus] == nil {
                let timings = GPUPool(gpus: gpus).run(planner.jobs)
                let latencies = Simulator.latencies(planner, timings: timings)
                let utilisation = busy / (Double(gpus) * horizonHours)
                points[gpus] = Probe(poolGPUs: gpus, latency: LatencySummary(latencies), utilisation: utilisation,
                                     saturated: utilisation > 1 || (latencies.max() ?? 0) > horizonHours)
            }
            size.curve = points.values.sorted { $0.poolGPUs < $1.poolGPUs }
            sizes.append(size)
        }
        return Result(scenarioName: scenario.name, seed: seed, horizonDays: scenario.schedule.horizonDays,
                      targetLatencyHours: targetLatencyHours, pricing: scenario.hardware.pricing,
                      gpuName: scenario.hardware.gpu.name, strategies: sizes)
    }

    /// 1...limit when that is at most 64 sizes, else 64 sizes spaced evenly on a log scale.
    static func grid(upTo limit: Int) -> [Int] {
        guard limit > 64 else { return Array(1...max(1, limit)) }
        var result: [Int] = []
        for index in 0..<64 {
            let value = Int((pow(Double(limit), Double(index) / 63)).rounded())
            if result.last != value { result.append(value) }
        }
        return result
    }
}
