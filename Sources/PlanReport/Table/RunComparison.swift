import Foundation
import PlanCore

/// `plan runs compare A B`: what changed in the inputs, and what that did to the results.
public enum RunComparison {
    /// One side of the comparison.
    public struct Side: Sendable {
        public var id: Int64
        public var kind: RunKind
        public var scenarioName: String
        public var assumptions: [Assumption]
        /// (strategy, phase, GPU-hours, dollars, kg CO2, wall-clock hours)
        public var results: [(strategy: String, phase: String, gpuHours: Double, costUSD: Double, co2Kg: Double, wallClockHours: Double)]

        public init(id: Int64, kind: RunKind, scenarioName: String, assumptions: [Assumption],
                    results: [(strategy: String, phase: String, gpuHours: Double, costUSD: Double, co2Kg: Double, wallClockHours: Double)]) {
            self.id = id
            self.kind = kind
            self.scenarioName = scenarioName
            self.assumptions = assumptions
            self.results = results
        }
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
        return out.joined(separator: "\n") + "\n"
    }

    static func change(_ from: Double, _ to: Double) -> String {
        guard from != 0 else { return to == 0 ? "0%" : "new" }
        let fraction = (to - from) / from
        return (fraction >= 0 ? "+" : "") + NumberFormat.percent(fraction)
    }
}
