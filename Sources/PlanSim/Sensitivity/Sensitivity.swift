import Foundation
import PlanCore
import PlanRandom

/// Variance-based (Sobol) global sensitivity of a scenario's costs to its uncertain inputs.
///
/// Saltelli sampling: two independent matrices A and B of `baseSamples` rows over the inputs
/// (each point of the unit hypercube mapped through the input's inverse CDF, clamped to the
/// field's valid range as in Monte Carlo), and for each input i the matrix AB_i (A with column
/// i from B): baseSamples × (inputs + 2) simulations. The inputs are the scenario's
/// `uncertainty` block and, when the schedule has Poisson updates, the Poisson arrivals
/// themselves (`poisson arrivals`: the arrival seed is a column like any other, so its index
/// says how much of the variance is chance). Outputs: each strategy's total cost and each
/// non-baseline strategy's cost gap (its total − the baseline's; negative = cheaper), with
/// first-order and total-effect indices (`SobolEstimator`).
///
/// Row r draws its A and B points from `Xoshiro256StarStar(seed: seed, stream: r)`, so the
/// result depends only on (scenario, baseSamples, seed), never on the number of threads.
public struct Sensitivity: Sendable {
    /// The name of the arrivals input.
    public static let arrivalsInput = "poisson arrivals"

    public var scenario: Scenario
    public var baseSamples: Int
    public var seed: UInt64
    public var resamples: Int

    public init(scenario: Scenario, baseSamples: Int, seed: UInt64, resamples: Int = 200) {
        self.scenario = scenario
        self.baseSamples = baseSamples
        self.seed = seed
        self.resamples = resamples
    }

    /// One output's indices, one per input (in `Result.inputs` order).
    public struct Output: Sendable, Equatable {
        /// `cost_usd` or `cost_gap_usd`.
        public var figure: String
        public var strategy: StrategyKind
        public var mean: Double
        public var standardDeviation: Double
        public var indices: [SobolEstimator.Index]
    }

    public struct Result: Sendable, Equatable {
        public var baseSamples: Int
        /// Simulations run: baseSamples × (inputs + 2).
        public var evaluations: Int
        public var inputs: [String]
        public var baseline: StrategyKind
        /// Total cost per strategy, then the gap of every other strategy.
        public var outputs: [Output]

        /// Inputs by decreasing total-effect index on `output` (ties: input order).
        public func ranked(_ output: Output) -> [(input: String, index: SobolEstimator.Index)] {
            zip(inputs, output.indices).enumerated()
                .sorted { ($0.element.1.total, -$0.offset) > ($1.element.1.total, -$1.offset) }
                .map { ($0.element.0, $0.element.1) }
        }
    }

    /// The inputs analysed: the uncertainty paths, then the Poisson arrivals when they are random.
    public var inputs: [String] {
        scenario.uncertainty.map(\.path) + (hasRandomArrivals ? [Self.arrivalsInput] : [])
    }

    var hasRandomArrivals: Bool { scenario.schedule.poisson.contains { $0.perYear > 0 } }

    /// Simulations the analysis runs.
    public var evaluations: Int { baseSamples * (inputs.count + 2) }

    /// Throws `PlanCoreError.invalidArgument` for fewer than 2 base samples or a scenario
    /// without uncertain inputs, and `workLimit` past the Monte Carlo limits.
    public func check() throws {
        guard baseSamples >= 2 else {
            throw PlanCoreError.invalidArgument("--trials must be at least 2 base samples for a sensitivity analysis, got \(baseSamples)")
        }
        guard !inputs.isEmpty else {
            throw PlanCoreError.invalidArgument(
                "the scenario has no uncertain inputs: add an uncertainty block (see scenarios/README.md) or Poisson updates")
        }
        let (product, overflow) = baseSamples.multipliedReportingOverflow(by: inputs.count + 2)
        if overflow { throw PlanCoreError.workLimit("--trials \(baseSamples) is more than the limit of \(WorkLimits.trials)") }
        try scenario.checkMonteCarloWork(trials: product)
    }

    /// Runs the analysis; `progress` gets the number of finished simulations (from any thread).
    /// - Complexity: O(evaluations × arrivals) on all cores, plus O(resamples × baseSamples × inputs) per output.
    public func run(progress: (@Sendable (Int) -> Void)? = nil) throws -> Result {
        try check()
        let names = inputs
        let k = names.count
        let uncertain = scenario.uncertainty
        let strategies = scenario.strategies
        let baseline = MonteCarlo.baseline(of: strategies)
        let others = strategies.indices.filter { strategies[$0] != baseline }
        let outputCount = strategies.count + others.count
        let n = baseSamples
        let matrices = k + 2
        let total = n * matrices
        let outputs = SampleBuffer(count: total * outputCount)
        let done = Counter()
        let scenario = self.scenario
        let seed = self.seed
        let chunks = max(1, min(total, ProcessInfo.processInfo.activeProcessorCount * 4))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var engine = SimulationEngine()
            var a = [Double](repeating: 0, count: k)
            var b = [Double](repeating: 0, count: k)
            var point = [Double](repeating: 0, count: k)
            var costs = [Double](repeating: 0, count: strategies.count)
            var row = chunk
            while row < n {
                // The row's A and B points; the arrivals column holds a seed drawn from the unit value.
                var rng = Xoshiro256StarStar(seed: seed, stream: UInt64(row))
                for c in 0..<k { a[c] = rng.unit() }
                for c in 0..<k { b[c] = rng.unit() }
                for matrix in 0..<matrices {
                    for c in 0..<k { point[c] = matrix == 0 ? a[c] : matrix == 1 ? b[c] : (c == matrix - 2 ? b[c] : a[c]) }
                    var sampled = scenario
                    for (c, input) in uncertain.enumerated() {
                        if let updated = sampled.settingClamped(input.path, to: input.distribution.quantile(point[c])) { sampled = updated }
                    }
                    let arrivalSeed = k > uncertain.count ? UInt64(point[k - 1] * 0x1p53) : seed
                    engine.run(sampled, seed: arrivalSeed)
                    let offset = (matrix * n + row) * outputCount
                    for (s, outcome) in engine.outcomes.enumerated() { costs[s] = outcome.total.costUSD }
                    let base = strategies.firstIndex(of: baseline).map { costs[$0] } ?? 0
                    for s in strategies.indices { outputs[offset + s] = costs[s] }
                    for (o, s) in others.enumerated() { outputs[offset + strategies.count + o] = costs[s] - base }
                    progress?(done.increment())
                }
                row += chunks
            }
        }
        let all = outputs.values
        let estimator = SobolEstimator(resamples: resamples, seed: seed)
        var results: [Output] = []
        for o in 0..<outputCount {
            func column(_ matrix: Int) -> [Double] { (0..<n).map { all[(matrix * n + $0) * outputCount + o] } }
            let a = column(0)
            let b = column(1)
            let ab = (0..<k).map { column($0 + 2) }
            let both = a + b
            let mean = both.reduce(0, +) / Double(both.count)
            let sd = (both.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(both.count - 1, 1))).squareRoot()
            let isCost = o < strategies.count
            results.append(Output(
                figure: isCost ? "cost_usd" : "cost_gap_usd", strategy: strategies[isCost ? o : others[o - strategies.count]],
                mean: mean, standardDeviation: sd, indices: estimator.indices(a: a, b: b, ab: ab)))
        }
        return Result(baseSamples: n, evaluations: total, inputs: names, baseline: baseline, outputs: results)
    }
}
