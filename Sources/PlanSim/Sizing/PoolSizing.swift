import Foundation
import PlanCore

/// The cheapest configuration — GPUs per job and pool size — at which each strategy keeps its
/// p90 update latency (data arrival to deployed model) at or below a target over the horizon.
///
/// GPUs per job: with `gpus_per_job: auto` every launch count from the memory model's minimum
/// through whole nodes is tried (`widths`); an explicit `gpus_per_job` (the hardware's or the
/// strategy entry's) is kept. For each width the strategy is planned once (same seed, so the
/// same Poisson arrivals at every size) and only the FIFO pool is rerun per pool size: the
/// search doubles the pool from the strategy's widest job until the target is met, then bisects
/// between the last failing and the first passing size. Bisection assumes latency does not rise
/// when GPUs are added; FIFO list scheduling can break that in contrived cases (Graham's
/// anomalies), so the answer is a size that meets the target with one GPU fewer failing. When
/// even a pool with a GPU for every job at once (no job ever waits) misses the target, no size
/// meets it at that width. Among the widths that meet it, the cheapest wins: busy GPU-hours on
/// demand, or the pool for the whole horizon under reserved pricing (ties: the smaller pool,
/// then the narrower job).
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
        /// Busy GPU-hours / (usable GPUs × horizon hours).
        public var utilisation: Double
        public var saturated: Bool
    }

    /// One GPUs-per-job width tried for a strategy.
    public struct Option: Sendable, Equatable {
        public var gpusPerJob: Int
        /// The smallest pool meeting the target at this width; nil when none does.
        public var poolGPUs: Int?
        public var p90LatencyHours: Double?
        public var busyGPUHours: Double
        /// The configuration's cost (nil when no pool meets the target).
        public var costUSD: Double?
        public var unqueuedP90Hours: Double
    }

    /// The answer for one strategy.
    public struct StrategySize: Sendable, Equatable {
        public var kind: StrategyKind
        /// GPUs per training job of the chosen configuration (the scenario's when none meets the target).
        public var gpusPerJob: Int
        /// Whether GPUs per job were searched (`auto`) or fixed by the scenario.
        public var gpusPerJobSearched: Bool
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
        /// The chosen configuration's cost under the scenario's pricing (nil when none meets the target).
        public var costUSD: Double?
        /// Why no configuration meets the target (nil when one does).
        public var reason: String?
        /// Arrivals whose latency is measured.
        public var updates: Int
        /// p90 latency against pool size at the chosen width, in increasing size (for plots).
        public var curve: [Probe]
        /// Every width tried, narrowest first.
        public var options: [Option]
        /// Whether the strategy reaches the scenario's quality floor (`Decision.quality`).
        public var eligible = true
        /// Why not (nil when eligible).
        public var ineligibleReason: String?
    }

    public struct Result: Sendable, Equatable {
        public var scenarioName: String
        public var seed: UInt64
        public var horizonDays: Int
        public var targetLatencyHours: Double
        public var pricing: Hardware.Pricing
        public var gpuName: String
        public var strategies: [StrategySize]

        /// The cheapest eligible strategy that meets the target (its cost under the scenario's
        /// pricing); nil when none does.
        public var recommended: StrategyKind? {
            strategies.filter { $0.eligible && $0.costUSD != nil }.min { ($0.costUSD ?? 0) < ($1.costUSD ?? 0) }?.kind
        }
    }

    /// Sizes GPUs per job and the pool for every strategy of the scenario.
    /// - Complexity: O(S · W · log P) pool simulations for S strategies, W widths and pool sizes
    ///   up to P, plus up to 64 more per strategy for the curve.
    public func run() -> Result {
        // Widths change only the cost models: the arrivals and builds are expanded once.
        var engine = SimulationEngine()
        engine.prepare(scenario, seed: seed)
        var sizes: [StrategySize] = []
        var chosen: [Scenario] = []
        for (index, kind) in scenario.strategies.enumerated() {
            let hardware = scenario.hardware(for: kind)
            let searched = hardware.gpusPerJobAuto
            let widths = searched
                ? Self.widths(minimum: minimumGPUs(kind), gpusPerNode: hardware.gpu.gpusPerNode, tensorParallel: hardware.tensorParallel)
                : [hardware.gpusPerJob]
            var best: (size: StrategySize, scenario: Scenario)?
            var options: [Option] = []
            for width in widths {
                var variant = scenario
                if searched { variant.strategyOptions[kind, default: StrategyOptions()].gpusPerJob = width }
                engine.prepareModels(variant)
                engine.plan(strategy: index, scenario: variant)
                let size = search(&engine, kind: kind, width: width, searched: searched, scenario: variant)
                options.append(Option(gpusPerJob: width, poolGPUs: size.poolGPUs, p90LatencyHours: size.atSize?.latency.p90Hours,
                                      busyGPUHours: size.busyGPUHours, costUSD: size.costUSD, unqueuedP90Hours: size.unqueuedP90Hours))
                if best == nil || Self.better(size, than: best!.size) { best = (size, variant) }
            }
            guard let best else { continue }
            var size = best.size
            let variant = best.scenario
            size.options = options
            if size.poolGPUs == nil {
                let floor = options.map(\.unqueuedP90Hours).min() ?? size.unqueuedP90Hours
                size.reason = "even when no job ever waits for a GPU, p90 latency is at least \(String(format: "%.1f", floor)) h"
                    + (searched ? " at every GPUs-per-job count tried (\(widths.map(String.init).joined(separator: ", ")))" : "")
            }
            let quality = Decision.quality(kind, in: scenario)
            size.eligible = quality.eligible
            size.ineligibleReason = quality.reason
            sizes.append(size)
            chosen.append(variant)
        }
        // One grid of pool sizes for every curve: up to twice the largest answer (at least 16).
        let largest = sizes.map { $0.poolGPUs ?? $0.minimumPoolGPUs }.max() ?? 1
        let grid = Self.grid(upTo: min(1_000_000, max(16, 2 * largest)))
        let horizonHours = Double(scenario.schedule.horizonDays) * 24
        for index in sizes.indices {
            engine.prepareModels(chosen[index])
            engine.plan(strategy: index, scenario: chosen[index])
            var points = Dictionary(uniqueKeysWithValues: sizes[index].curve.map { ($0.poolGPUs, $0) }).filter { $0.key <= grid.last ?? 1 }
            for gpus in grid where gpus >= sizes[index].minimumPoolGPUs && points[gpus] == nil {
                points[gpus] = Self.probe(&engine, kind: sizes[index].kind, gpus: gpus, width: sizes[index].gpusPerJob,
                                          busyGPUHours: sizes[index].busyGPUHours, horizonHours: horizonHours)
            }
            sizes[index].curve = points.values.sorted { $0.poolGPUs < $1.poolGPUs }
        }
        return Result(scenarioName: scenario.name, seed: seed, horizonDays: scenario.schedule.horizonDays,
                      targetLatencyHours: targetLatencyHours, pricing: scenario.hardware.pricing,
                      gpuName: scenario.hardware.gpu.name, strategies: sizes)
    }

    /// The memory model's smallest GPU count for `kind`'s training jobs.
    func minimumGPUs(_ kind: StrategyKind) -> Int {
        let hardware = scenario.hardware(for: kind)
        let cost = CostModel(model: scenario.model, finetune: scenario.finetune, hardware: hardware, overheads: scenario.overheads,
                             merge: scenario.merge)
        return cost.rate(context: scenario.finetune.sequenceLength).minimumGPUs ?? hardware.gpusPerJob
    }

    /// GPUs-per-job counts worth trying from `minimum`: the minimum, the launch counts above it
    /// (powers of two within a node, then whole nodes) up to eight nodes; with tensor
    /// parallelism only those that hold whole groups of `tensorParallel` (`minimum` is one).
    public static func widths(minimum: Int, gpusPerNode: Int, tensorParallel: Int = 1) -> [Int] {
        let node = max(1, gpusPerNode)
        let t = max(1, tensorParallel)
        var result = [max(1, minimum)]
        var count = Hardware.launchGPUs(atLeast: max(1, minimum), gpusPerNode: node)
        while count <= max(8 * node, minimum) {
            if count > result[result.count - 1] && count % t == 0 { result.append(count) }
            count = count < node ? min(count * 2, node) : count + node
        }
        return result
    }

    /// Whether `a` is the better configuration: meets the target where `b` does not, or both
    /// meet it and `a` is cheaper (ties: smaller pool, narrower jobs); when neither meets it,
    /// the lower latency floor.
    static func better(_ a: StrategySize, than b: StrategySize) -> Bool {
        switch (a.costUSD, b.costUSD) {
        case (nil, nil): return a.unqueuedP90Hours < b.unqueuedP90Hours
        case (_?, nil): return true
        case (nil, _?): return false
        case let (ca?, cb?):
            if ca != cb { return ca < cb }
            if a.poolGPUs != b.poolGPUs { return (a.poolGPUs ?? 0) < (b.poolGPUs ?? 0) }
            return a.gpusPerJob < b.gpusPerJob
        }
    }

    /// The smallest pool for the strategy planned in `engine` at one width.
    func search(_ engine: inout SimulationEngine, kind: StrategyKind, width: Int, searched: Bool, scenario: Scenario) -> StrategySize {
        let horizonHours = Double(scenario.schedule.horizonDays) * 24
        let price = scenario.hardware.reservedRate
        let (busy, dollars) = engine.plannedTotals()
        var probes: [Int: Probe] = [:]
        func probe(_ gpus: Int) -> Probe {
            if let known = probes[gpus] { return known }
            let result = Self.probe(&engine, kind: kind, gpus: gpus, width: width, busyGPUHours: busy, horizonHours: horizonHours)
            probes[gpus] = result
            return result
        }
        let minimum = max(1, engine.pool.jobs.map(\.gpus).max() ?? 1)
        let unqueued = max(minimum, min(1_000_000, engine.pool.jobs.reduce(0) { $0 + $1.gpus }))
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
        let reserved = scenario.hardware.pricing == .reserved ? answer.map { Double($0) * horizonHours * price } : nil
        return StrategySize(
            kind: kind, gpusPerJob: width, gpusPerJobSearched: searched, minimumPoolGPUs: minimum, poolGPUs: answer,
            atSize: answer.map(probe), unqueuedP90Hours: floor, busyGPUHours: busy, onDemandCostUSD: dollars,
            reservedCostUSD: reserved, costUSD: answer == nil ? nil : (reserved ?? dollars), reason: nil, updates: updates,
            curve: probes.values.sorted { $0.poolGPUs < $1.poolGPUs }, options: [])
    }

    /// The planned strategy of `engine` scheduled on `gpus` GPUs (utilisation over the GPUs
    /// whole jobs of `width` GPUs can use).
    static func probe(_ engine: inout SimulationEngine, kind: StrategyKind, gpus: Int, width: Int, busyGPUHours: Double,
                      horizonHours: Double) -> Probe {
        engine.pool.schedule(gpus: gpus)
        let outcome = engine.summarise(kind)
        let usable = Double(PoolUsage.usableGPUs(pool: gpus, gpusPerJob: width))
        let utilisation = busyGPUHours / (usable * horizonHours)
        return Probe(poolGPUs: gpus, latency: outcome.latency, utilisation: utilisation,
                     saturated: PoolUsage.isSaturated(utilisation: utilisation, backlogHours: outcome.backlogHours,
                                                      maxLatencyHours: outcome.maxLatencyHours, horizonHours: horizonHours))
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
