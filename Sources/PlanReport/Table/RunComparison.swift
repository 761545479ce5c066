import Foundation
import PlanCore
import PlanSim

/// `plan runs compare A B`: what changed in the inputs, and what that did to the results.
public enum RunComparison {
    /// One side of the comparison.
    public struct Side: Sendable {
        public var id: Int64
        public var kind: RunKind
        public var scenarioName: String
        public var assumptions: [Assumption]
        /// The run's stored phase totals.
        public var results: [ResultRow]
        /// Per strategy of a simulate run: update latency and the pool (`strategyFigures`).
        public var strategies: [(strategy: String, figures: [(name: String, value: Double)])]

        public init(id: Int64, kind: RunKind, scenarioName: String, assumptions: [Assumption],
                    results: [ResultRow],
                    strategies: [(strategy: String, figures: [(name: String, value: Double)])] = []) {
            self.id = id
            self.kind = kind
            self.scenarioName = scenarioName
            self.assumptions = assumptions
            self.results = results
            self.strategies = strategies
        }
    }

    /// The strategy-wide figures `runs compare` puts side by side for a stored simulate run:
    /// update latency (mean, p90), the pool's reserved cost for the horizon, its busy-hour
    /// (on-demand) cost and its utilisation.
    /// With the decision (runs stored since it exists): serving cost, total cost of ownership and
    /// quality retention when known.
    public static func strategyFigures(_ strategy: SimulationRecord.Strategy, pool: PoolUsage) -> [(name: String, value: Double)] {
        var figures: [(name: String, value: Double)] = [
            ("update_latency_mean_hours", strategy.latency.meanHours), ("update_latency_p90_hours", strategy.latency.p90Hours),
            ("reserved_pool_cost_usd", pool.reservedCostUSD), ("on_demand_cost_usd", pool.onDemandCostUSD),
            ("utilisation", pool.utilisation),
        ]
        if let choice = strategy.choice {
            if let serving = choice.serving { figures.append(("serving_cost_usd", serving.costUSD)) }
            figures.append(("total_cost_of_ownership_usd", choice.totalCostOfOwnershipUSD))
            if let retention = choice.qualityRetention { figures.append(("quality_retention", retention)) }
        }
        return figures
    }

    public static func render(_ a: Side, _ b: Side) -> String {
        var out = ["run \(a.id) (\(a.kind), \(a.scenarioName))  vs  run \(b.id) (\(b.kind), \(b.scenarioName))", ""]
        let left = Dictionary(a.assumptions.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let right = Dictionary(b.assumptions.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var paths = a.assumptions.map(\.path)
        for path in b.assumptions.map(\.path) where !paths.contains(path) { paths.append(path) }
        var changes = TextTable(columns: [("input", .left), ("run \(a.id)", .right), ("run \(b.id)", .right), ("unit", .left)])
        for path in paths {
            let l = left[path]?.value ?? "—"
            let r = right[path]?.value ?? "—"
            if l != r { changes.add([path, l, r, left[path]?.unit ?? right[path]?.unit ?? ""]) }
        }
        if changes.rows.isEmpty {
            out.append("inputs: identical")
        } else {
            out += ["inputs that differ:", changes.rendered()]
        }
        out.append("")
        var table = TextTable(columns: [
            ("strategy", .left), ("phase", .left), ("GPU-h \(a.id)", .right), ("GPU-h \(b.id)", .right), ("change", .right),
            ("cost \(a.id)", .right), ("cost \(b.id)", .right), ("change", .right), ("wall-clock h \(a.id)", .right), ("wall-clock h \(b.id)", .right),
        ])
        for row in a.results {
            guard let other = b.results.first(where: { $0.strategy == row.strategy && $0.phase == row.phase }) else { continue }
            table.add([row.strategy, row.phase, NumberFormat.quantity(row.gpuHours), NumberFormat.quantity(other.gpuHours),
                       change(row.gpuHours, other.gpuHours), NumberFormat.dollars(row.costUSD), NumberFormat.dollars(other.costUSD),
                       change(row.costUSD, other.costUSD), NumberFormat.quantity(row.wallClockHours), NumberFormat.quantity(other.wallClockHours)])
        }
        if table.rows.isEmpty {
            out.append("results: nothing to compare (no strategy and phase in common)")
        } else {
            out += ["results:", table.rendered()]
        }
        let strategies = commonStrategies(a, b)
        if !strategies.isEmpty {
            var figures = TextTable(columns: [("strategy", .left), ("figure", .left), ("run \(a.id)", .right), ("run \(b.id)", .right),
                                              ("change", .right)])
            for row in strategies {
                for figure in row.figures {
                    func format(_ value: Double) -> String {
                        if figure.name.hasSuffix("_usd") { return NumberFormat.dollars(value) }
                        return figure.name == "utilisation" || figure.name == "quality_retention"
                            ? NumberFormat.percent(value) : NumberFormat.quantity(value)
                    }
                    figures.add([row.strategy, figure.name.replacingOccurrences(of: "_", with: " "), format(figure.first),
                                 format(figure.second), change(figure.first, figure.second)])
                }
            }
            out += ["", "update latency, pool and decision (reserved pool cost: every pool GPU for the horizon at the reserved rate):",
                    figures.rendered()]
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func change(_ from: Double, _ to: Double) -> String {
        guard from != 0 else { return to == 0 ? "0%" : "new" }
        let fraction = (to - from) / from
        return (fraction >= 0 ? "+" : "") + NumberFormat.percent(fraction)
    }
}
