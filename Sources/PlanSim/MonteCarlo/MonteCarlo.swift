import Foundation
import PlanCore
import PlanRandom

/// p10 / p50 / p90 of one figure over the Monte Carlo trials.
public struct PercentileBand: Sendable, Equatable {
    public var p10: Double
    public var p50: Double
    public var p90: Double

    /// The band of `samples` (zeros when empty).
    public init(_ samples: [Double]) {
        let sorted = samples.sorted()
        p10 = Percentile.of(sorted, 0.1)
        p50 = Percentile.of(sorted, 0.5)
        p90 = Percentile.of(sorted, 0.9)
    }
}

/// Monte Carlo over a scenario's `uncertainty` inputs and its Poisson arrivals.
///
/// Trial i samples every uncertain input (clamped to the field's valid range) and the arrivals
/// from `Xoshiro256StarStar(seed: seed, stream: i)`, so the same seed always gives the same
/// percentiles, whatever the number of threads. Trials run on all cores.
public struct MonteCarlo: Sendable {
    public var scenario: Scenario
    public var trials: Int
    public var seed: UInt64

    public init(scenario: Scenario, trials: Int, seed: UInt64) {
        self.scenario = scenario
        self.trials = trials
        self.seed = seed
    }

    /// Figures summarised per strategy, in output order.
    public static let figures = [
        "gpu_hours", "wall_clock_hours", "cost_usd", "energy_kwh", "co2_kg",
        "initial_gpu_hours", "initial_wall_clock_hours", "maintenance_gpu_hours", "maintenance_cost_usd",
        "update_latency_mean_hours", "update_latency_p90_hours",
        "savings_gpu_hours", "savings_cost_usd", "savings_maintenance_gpu_hours", "savings_initial_wall_clock_hours",
    ]

    public struct Result: Sendable, Equatable {
        public var trials: Int
        /// strategy → figure → band. Savings figures are absent for the baseline.
        public var percentiles: [StrategyKind: [String: PercentileBand]]
        /// Fraction of trials in which each strategy's total cost is below the baseline's.
        public var probabilityCheaper: [StrategyKind: Double]
        /// Total scheduled arrivals over all trials (trial-events).
        public var events: Int
    }

    /// Runs the trials; `progress` is called with the number of finished trials (from any thread).
    ///
    /// - Complexity: O(trials × arrivals) on all cores; each thread reuses one `SimulationEngine`,
    ///   so a trial allocates nothing once the engine's buffers have grown.
    public func run(progress: (@Sendable (Int) -> Void)? = nil) -> Result {
        let strategies = scenario.strategies
        let figureCount = Self.figures.count
        let width = strategies.count * figureCount
        let samples = SampleBuffer(count: trials * width)
        let events = SampleBuffer(count: trials)
        let done = Counter()
        let scenario = self.scenario
        let seed = self.seed
        let trials = self.trials
        let chunks = max(1, min(trials, ProcessInfo.processInfo.activeProcessorCount * 4))
        let uncertain = Self.resolved(scenario)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var engine = SimulationEngine()
            var values = [Double](repeating: 0, count: width)
            var trial = chunk
            while trial < trials {
                Self.trial(scenario, uncertain: uncertain, seed: seed, index: trial, engine: &engine)
                events[trial] = Double(engine.arrivals)
                Self.values(engine.outcomes, baseline: Self.baseline(of: strategies), into: &values)
                samples.write(values, at: trial * width)
                progress?(done.increment())
                trial += chunks
            }
        }
        var percentiles: [StrategyKind: [String: PercentileBand]] = [:]
        var cheaper: [StrategyKind: Double] = [:]
        let baseline = Self.baseline(of: strategies)
        let all = samples.values
        for (s, kind) in strategies.enumerated() {
            var bands: [String: PercentileBand] = [:]
            for (f, name) in Self.figures.enumerated() {
                if name.hasPrefix("savings_") && kind == baseline { continue }
                bands[name] = PercentileBand((0..<trials).map { all[$0 * width + s * figureCount + f] })
            }
            percentiles[kind] = bands
            if kind != baseline, let costIndex = Self.figures.firstIndex(of: "savings_cost_usd") {
                let wins = (0..<trials).filter { all[$0 * width + s * figureCount + costIndex] > 0 }.count
                cheaper[kind] = Double(wins) / Double(max(trials, 1))
            }
        }
        return Result(trials: trials, percentiles: percentiles, probabilityCheaper: cheaper,
                      events: Int(events.values.reduce(0, +)))
    }

    /// The strategy savings are measured against: full-retrain when simulated, else the first.
    static func baseline(of strategies: [StrategyKind]) -> StrategyKind {
        strategies.contains(.fullRetrain) ? StrategyKind.fullRetrain : strategies[0]
    }

    /// Trial `index` of a run seeded with `seed`: draws the uncertain inputs, the arrivals and
    /// each training job's interruptions (failures, spot preemptions; `Goodput.drawn`) from
    /// `Xoshiro256StarStar(seed: seed, stream: index)` and simulates every strategy; the figures
    /// are in `engine.outcomes`.
    static func trial(_ scenario: Scenario, uncertain: [Uncertain]? = nil, seed: UInt64, index: Int, engine: inout SimulationEngine) {
        var rng = Xoshiro256StarStar(seed: seed, stream: UInt64(index))
        let sampled = sample(scenario, uncertain: uncertain ?? resolved(scenario), rng: &rng)
        let arrivals = rng.next()
        engine.run(sampled, seed: arrivals, failureSeed: rng.next())
    }

    /// One uncertain input, its path resolved once for every trial (nil: a path the scenario
    /// cannot set, which the loader rejects; skipped, its draw still taken).
    struct Uncertain: Sendable {
        var field: Scenario.VariableField?
        var distribution: Distribution
    }

    static func resolved(_ scenario: Scenario) -> [Uncertain] {
        scenario.uncertainty.map { Uncertain(field: try? scenario.variableField($0.path), distribution: $0.distribution) }
    }

    /// A copy of `scenario` with every uncertain input drawn from its distribution, clamped
    /// into the field's valid range (a draw outside it is truncated, never an error).
    static func sample(_ scenario: Scenario, rng: inout Xoshiro256StarStar) -> Scenario {
        sample(scenario, uncertain: resolved(scenario), rng: &rng)
    }

    static func sample(_ scenario: Scenario, uncertain: [Uncertain], rng: inout Xoshiro256StarStar) -> Scenario {
        var result = scenario
        for input in uncertain {
            let value = rng.sample(input.distribution)
            if let field = input.field { _ = result.setClamped(field, to: value) }
        }
        return result
    }

    /// `values(_:)` of every strategy of one trial, side by side, without building
    /// `StrategyOutcome`s (savings as `Simulator.savings`).
    static func values(_ outcomes: [SimulationEngine.Outcome], baseline: StrategyKind, into values: inout [Double]) {
        let base = outcomes.first { $0.kind == baseline }
        let count = figures.count
        for (s, outcome) in outcomes.enumerated() {
            let total = outcome.total
            var savings: (SavingsFigures, SavingsFigures, SavingsFigures)?
            if let base, outcome.kind != baseline {
                savings = (SavingsFigures(total, baseline: base.total), SavingsFigures(outcome.maintenance, baseline: base.maintenance),
                           SavingsFigures(outcome.initial, baseline: base.initial))
            }
            let row = s * count
            values[row + 0] = total.gpuHours
            values[row + 1] = total.wallClockHours
            values[row + 2] = total.costUSD
            values[row + 3] = total.energyKWh
            values[row + 4] = total.co2Kg
            values[row + 5] = outcome.initial.gpuHours
            values[row + 6] = outcome.initial.wallClockHours
            values[row + 7] = outcome.maintenance.gpuHours
            values[row + 8] = outcome.maintenance.costUSD
            values[row + 9] = outcome.latency.meanHours
            values[row + 10] = outcome.latency.p90Hours
            values[row + 11] = savings?.0.gpuHours ?? 0
            values[row + 12] = savings?.0.costUSD ?? 0
            values[row + 13] = savings?.1.gpuHours ?? 0
            values[row + 14] = savings?.2.wallClockHours ?? 0
        }
    }

    static func values(_ outcome: StrategyOutcome) -> [Double] {
        let total = outcome.total
        return [
            total.gpuHours, total.wallClockHours, total.costUSD, total.energyKWh, total.co2Kg,
            outcome.initial.gpuHours, outcome.initial.wallClockHours, outcome.maintenance.gpuHours, outcome.maintenance.costUSD,
            outcome.latency.meanHours, outcome.latency.p90Hours,
            outcome.savings?.total.gpuHours ?? 0, outcome.savings?.total.costUSD ?? 0,
            outcome.savings?.maintenance.gpuHours ?? 0, outcome.savings?.initial.wallClockHours ?? 0,
        ]
    }
}

/// A fixed-size buffer written from several threads at disjoint indices (no lock: each
/// index has one writer, and `values` is read after every writer has finished).
final class SampleBuffer: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Double>
    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: 0)
    }
    deinit { storage.deallocate() }
    subscript(index: Int) -> Double {
        get { storage[index] }
        set { storage[index] = newValue }
    }
    func write(_ values: [Double], at offset: Int) {
        for (i, value) in values.enumerated() { storage[offset + i] = value }
    }
    var values: [Double] { Array(storage) }
}

/// A thread-safe counter for progress reporting.
final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
