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
            let bands = result.points.contains { !$0.costBands.isEmpty }
            if bands {
                for kind in kinds { columns.append(("\(kind.rawValue) cost p10–p90", .right)) }
                columns.append(("P(\(result.compared.rawValue) cheaper)", .right))
            }
            var table = TextTable(columns: columns)
            for point in result.points {
                var row = [NumberFormat.plain(point.value)]
                for entry in point.strategies { row += [NumberFormat.quantity(entry.total.gpuHours), NumberFormat.dollars(entry.total.costUSD)] }
                row.append(NumberFormat.dollars(point.gapUSD))
                if bands {
                    for index in kinds.indices {
                        row.append(index < point.costBands.count
                            ? NumberFormat.dollars(point.costBands[index].p10) + "–" + NumberFormat.dollars(point.costBands[index].p90) : "")
                    }
                    row.append(point.probabilityCheaper.map(NumberFormat.percent) ?? "")
                }
                table.add(row)
            }
            out.append(table.rendered())
            out.append("break-even: " + summary(result))
            out += crossingLines(result).map { "  " + $0 }
            if !result.saturatedValues.isEmpty {
                out.append("  pool saturated (cannot keep up within the horizon) at \(result.range.field) = "
                    + result.saturatedValues.map(NumberFormat.plain).joined(separator: ", "))
            }
            out.append("")
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

    static func word(_ side: Sweep.Side) -> String {
        switch side {
        case .cheaper: return "cheaper"
        case .dearer: return "dearer"
        case .even: return "equal in cost"
        }
    }

    /// "merge is cheaper for FIELD ≤ 360, dearer from 390 (against full-retrain)": one clause
    /// per run of grid values on the same side of the baseline.
    public static func summary(_ result: Sweep.Result) -> String {
        let compared = result.compared.rawValue
        let baseline = result.baseline.rawValue
        let regions = result.regions
        guard regions.count > 1 else {
            switch regions.first?.side ?? .even {
            case .even: return "\(compared) and \(baseline) cost the same over the whole range"
            case let side: return "\(compared) is \(word(side)) than \(baseline) over the whole range"
            }
        }
        let field = result.range.field
        let parts = regions.enumerated().map { index, region -> String in
            let from = NumberFormat.plain(region.from)
            let to = NumberFormat.plain(region.to)
            if index == 0 { return "\(word(region.side)) for \(field) ≤ \(to)" }
            if index == regions.count - 1 { return "\(word(region.side)) from \(from)" }
            return region.from == region.to ? "\(word(region.side)) at \(from)" : "\(word(region.side)) from \(from) to \(to)"
        }
        return "\(compared) is " + parts.joined(separator: ", ") + " (against \(baseline))"
    }

    /// One line per sign change of the cost gap.
    public static func crossingLines(_ result: Sweep.Result) -> [String] {
        SweepRecord(result).crossings.map { crossingLine($0, compared: result.compared.rawValue) }
    }

    /// One crossing, live or stored.
    public static func crossingLine(_ crossing: SweepRecord.Crossing, compared: String) -> String {
        "crossing between \(NumberFormat.plain(crossing.from)) and \(NumberFormat.plain(crossing.to)) "
            + "(≈ \(NumberFormat.plain(crossing.interpolated)) by linear interpolation): \(compared) becomes \(word(Sweep.Side(rawValue: crossing.becomes) ?? .even))"
    }

    /// The stderr warning for a sweep whose pool saturates at some grid values; nil when none does.
    public static func saturationWarning(_ result: Sweep.Result) -> String? {
        guard !result.saturatedValues.isEmpty else { return nil }
        return "the pool cannot keep up within the horizon (saturated) at \(result.range.field) = "
            + result.saturatedValues.map(NumberFormat.plain).joined(separator: ", ") + "; raise hardware.pool_gpus (see plan size)"
    }
}
