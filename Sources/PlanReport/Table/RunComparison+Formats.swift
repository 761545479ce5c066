import Foundation
import PlanCore

extension RunComparison {
    /// `plan runs compare --format json`: both runs, the inputs that differ and, per strategy and
    /// phase in common, each figure on both sides with its relative change (null from zero).
    public static func json(_ a: Side, _ b: Side) -> JSONValue {
        func side(_ s: Side) -> JSONValue {
            .object([("run_id", .number(Double(s.id))), ("kind", .string(s.kind.rawValue)), ("scenario", .string(s.scenarioName))])
        }
        return .object([
            ("first", side(a)), ("second", side(b)),
            ("inputs", .array(differingInputs(a, b).map { input in
                .object([("path", .string(input.path)), ("first", input.first.map(JSONValue.string) ?? .null),
                         ("second", input.second.map(JSONValue.string) ?? .null), ("unit", .string(input.unit))])
            })),
            ("results", .array(commonResults(a, b).map { row in
                .object([("strategy", .string(row.strategy)), ("phase", .string(row.phase))] + row.figures.map { figure in
                    (figure.name, .object([("first", .rounded(figure.first)), ("second", .rounded(figure.second)),
                                           ("change", relativeChange(figure.first, figure.second).map { .rounded($0, digits: 4) } ?? .null)]))
                })
            })),
            ("strategies", .array(commonStrategies(a, b).map { row in
                .object([("strategy", .string(row.strategy))] + row.figures.map { figure in
                    (figure.name, .object([("first", .rounded(figure.first)), ("second", .rounded(figure.second)),
                                           ("change", relativeChange(figure.first, figure.second).map { .rounded($0, digits: 4) } ?? .null)]))
                })
            })),
        ])
    }

    /// `plan runs compare --format csv`: `strategy,phase,figure,first,second,change`.
    public static func csv(_ a: Side, _ b: Side) -> String {
        var lines = ["first_run_id,second_run_id,strategy,phase,figure,first,second,change"]
        for row in commonResults(a, b) {
            for figure in row.figures {
                let change = relativeChange(figure.first, figure.second).map { JSONValue.rounded($0, digits: 4).rendered() } ?? ""
                lines.append(["\(a.id)", "\(b.id)", ResultCSV.field(row.strategy), ResultCSV.field(row.phase), figure.name,
                              JSONValue.rounded(figure.first).rendered(), JSONValue.rounded(figure.second).rendered(), change]
                    .joined(separator: ","))
            }
        }
        for row in commonStrategies(a, b) {
            for figure in row.figures {
                let change = relativeChange(figure.first, figure.second).map { JSONValue.rounded($0, digits: 4).rendered() } ?? ""
                lines.append(["\(a.id)", "\(b.id)", ResultCSV.field(row.strategy), "strategy", figure.name,
                              JSONValue.rounded(figure.first).rendered(), JSONValue.rounded(figure.second).rendered(), change]
                    .joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// (to − from) / from; nil when `from` is zero.
    static func relativeChange(_ from: Double, _ to: Double) -> Double? { from == 0 ? nil : (to - from) / from }

    /// Inputs whose values differ, in the first run's order, then the second's new ones.
    static func differingInputs(_ a: Side, _ b: Side) -> [(path: String, first: String?, second: String?, unit: String)] {
        let left = Dictionary(a.assumptions.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let right = Dictionary(b.assumptions.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var paths = a.assumptions.map(\.path)
        for path in b.assumptions.map(\.path) where !paths.contains(path) { paths.append(path) }
        return paths.compactMap { path in
            let l = left[path]?.value
            let r = right[path]?.value
            return l == r ? nil : (path, l, r, left[path]?.unit ?? right[path]?.unit ?? "")
        }
    }

    /// The strategies both runs have, with their strategy-wide figures side by side.
    static func commonStrategies(_ a: Side, _ b: Side) -> [(strategy: String, figures: [(name: String, first: Double, second: Double)])] {
        a.strategies.compactMap { row in
            guard let other = b.strategies.first(where: { $0.strategy == row.strategy }) else { return nil }
            let figures = row.figures.compactMap { figure -> (name: String, first: Double, second: Double)? in
                other.figures.first { $0.name == figure.name }.map { (figure.name, figure.value, $0.value) }
            }
            return (row.strategy, figures)
        }
    }

    /// The strategy-and-phase rows both runs have, with their figures side by side.
    static func commonResults(_ a: Side, _ b: Side)
        -> [(strategy: String, phase: String, figures: [(name: String, first: Double, second: Double)])]
    {
        a.results.compactMap { row in
            guard let other = b.results.first(where: { $0.strategy == row.strategy && $0.phase == row.phase }) else { return nil }
            return (row.strategy, row.phase, [
                ("gpu_hours", row.gpuHours, other.gpuHours), ("cost_usd", row.costUSD, other.costUSD),
                ("co2_kg", row.co2Kg, other.co2Kg), ("wall_clock_hours", row.wallClockHours, other.wallClockHours),
            ])
        }
    }
}
