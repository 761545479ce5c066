import Foundation
import PlanCore
import PlanSim

/// The terminal output of `plan sweep`.
public enum SweepTable {
    public static func render(runID: Int64?, scenario: Scenario, sweeps: [Sweep.Result], tornado: Tornado.Result?) -> String {
        var out = ["sweep of \(scenario.name)\(runID.map { " (run \($0))" } ?? "")", ""]
        for result in sweeps {
            let kinds = result.points.first?.strategies.map(\.kind) ?? []
            var columns: [(String, TextTable.Alignment)] = [(result.range.field, .right)]
            for kind in kinds { columns += [("\(kind.rawValue) GPU-h", .right), ("\(kind.rawValue) cost", .right)] }
            columns.append(("\(result.compared.rawValue) - \(result.baseline.rawValue)", .right))
            var table = TextTable(columns: columns)
            for point in result.points {
                var row = [NumberFormat.plain(point.value)]
                for entry in point.strategies { row += [NumberFormat.quantity(entry.total.gpuHours), NumberFormat.dollars(entry.total.costUSD)] }
                row.append(NumberFormat.dollars(point.gapUSD))
                table.add(row)
            }
            out.append(table.rendered())
            let verdict: String
            if result.cheaperThroughout {
                verdict = "\(result.compared.rawValue) is cheaper than \(result.baseline.rawValue) over the whole range"
            } else if let value = result.breakEven {
                verdict = "\(result.compared.rawValue) becomes cheaper than \(result.baseline.rawValue) at \(result.range.field) = \(NumberFormat.plain(value))"
                    + (result.breakEvenInterpolated.map { " (first grid value; the gap crosses zero at ≈ \(NumberFormat.plain($0)) by linear interpolation)" } ?? "")
            } else {
                verdict = "\(result.compared.rawValue) never becomes cheaper than \(result.baseline.rawValue) in this range"
            }
            out += ["break-even: " + verdict, ""]
        }
        if let tornado {
            out.append("sensitivity (each input ±25%, others fixed): \(tornado.compared.rawValue) - \(tornado.baseline.rawValue) total cost, base \(NumberFormat.dollars(tornado.baseGapUSD))")
            var table = TextTable(columns: [("input", .left), ("low", .right), ("high", .right), ("gap at low", .right), ("gap at high", .right), ("swing", .right)])
            for bar in tornado.bars {
                table.add([bar.field, NumberFormat.plain(bar.low), NumberFormat.plain(bar.high), NumberFormat.dollars(bar.gapLowUSD),
                           NumberFormat.dollars(bar.gapHighUSD), NumberFormat.dollars(bar.swingUSD)])
            }
            out.append(table.rendered())
        }
        return out.joined(separator: "\n") + "\n"
    }
}
