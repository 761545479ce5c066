import Foundation
import PlanSim

extension GnuplotScript {
    /// Total cost per strategy against the swept field, with the break-even marked.
    public static func sweep(_ result: Sweep.Result, title: String) -> (name: String, script: String) {
        sweep(SweepRecord(result), title: title)
    }

    /// The same from a stored sweep. The legend sits right of the plot, so that it cannot cover
    /// the break-even labels drawn at the top of the crossing lines.
    public static func sweep(_ result: SweepRecord, title: String) -> (name: String, script: String) {
        let safeField = result.field.map { $0.isLetter || $0.isNumber ? $0 : "_" }
        let name = "sweep_" + String(safeField)
        var lines = preamble(name: name, title: "\(title): total cost vs \(result.field)")
        lines += ["set key outside right top vertical box opaque", "set xlabel \(quote(FieldUnits.label(result.field)))",
                  "set ylabel 'total cost (USD)'", "set format y \"%g\"", "set yrange [0:*]"]
        let kinds = result.strategyNames
        for (index, _) in kinds.enumerated() {
            lines.append("$s\(index) << EOD")
            for point in result.points where index < point.strategies.count {
                lines.append("\(number(point.value)) \(number(point.strategies[index].costUSD))")
            }
            lines.append("EOD")
        }
        // Every sign change of the gap, at its interpolated crossing.
        for (index, crossing) in result.crossings.enumerated() {
            let value = crossing.interpolated
            let label = "\(result.compared) \(SweepTable.word(Sweep.Side(rawValue: crossing.becomes) ?? .even)) ≈ " + String(format: "%.3g", value)
            lines.append("set arrow from \(number(value)), graph 0 to \(number(value)), graph 1 nohead dt 2 lc rgb '#555555'")
            lines.append("set label \(quote(label)) at \(number(value)), graph \(number(0.95 - 0.05 * Double(index % 4))) offset 1,0")
        }
        var plots: [String] = []
        // Monte Carlo at every point: a translucent p10–p90 band under each strategy's curve.
        if !kinds.isEmpty && result.points.allSatisfy({ $0.strategies.count == kinds.count && $0.strategies.allSatisfy { $0.costP10 != nil } }) {
            lines.append("set style fill transparent solid 0.18 noborder")
            for (index, _) in kinds.enumerated() {
                lines.append("$b\(index) << EOD")
                for point in result.points {
                    let entry = point.strategies[index]
                    lines.append("\(number(point.value)) \(number(entry.costP10 ?? 0)) \(number(entry.costP50 ?? 0)) \(number(entry.costP90 ?? 0))")
                }
                lines.append("EOD")
                plots.append("$b\(index) using 1:2:4 with filledcurves lc rgb '\(palette[index % palette.count])' notitle")
            }
        }
        plots += kinds.enumerated().map { index, kind in
            "$s\(index) using 1:2 with linespoints lw 2 pt 7 ps 0.6 lc rgb '\(palette[index % palette.count])' title \(quote(kind))"
        }
        lines += outputs(name: name, plot: "plot " + plots.joined(separator: ", \\\n     "))
        return (name, lines.joined(separator: "\n") + "\n")
    }

    /// Horizontal bars: the cost gap with each input at −25% and +25%, largest swing on top.
    public static func tornado(_ result: Tornado.Result, title: String) -> (name: String, script: String) {
        tornado(TornadoRecord(result), title: title)
    }

    /// The same from a stored tornado.
    public static func tornado(_ result: TornadoRecord, title: String) -> (name: String, script: String) {
        let name = "tornado"
        var lines = preamble(name: name, title: "\(title): sensitivity of \(result.compared) - \(result.baseline) total cost (inputs ±25%)")
        let bars = Array(result.bars.reversed())  // gnuplot draws bottom-up; largest swing on top
        lines += [
            "set xlabel \(quote("cost gap (USD, negative = \(result.compared) cheaper)"))", "set ylabel 'input (moved ±25%)'", "set format x \"%g\"",
            "set yrange [-0.8:\(bars.count)-0.2]", "set ytics scale 0", "set grid xtics lc rgb '#dddddd'", "set key outside right top vertical box opaque",
            "set style fill solid 0.85 border -1",
            "set arrow from \(number(result.baseGapUSD)), graph 0 to \(number(result.baseGapUSD)), graph 1 nohead lc rgb '#333333'",
            "$bars << EOD",
        ]
        for (index, bar) in bars.enumerated() {
            lines.append("\(index) \(number(bar.gapLowUSD)) \(number(bar.gapHighUSD)) \(number(result.baseGapUSD)) \(dataLabel(bar.field))")
        }
        lines.append("EOD")
        let plot = "plot $bars using (($2+$4)/2):1:(($2<$4)?$2:$4):(($2<$4)?$4:$2):($1-0.35):($1+0.35):ytic(5) with boxxyerror lc rgb '\(palette[0])' title 'input -25%', \\\n"
            + "     $bars using (($3+$4)/2):1:(($3<$4)?$3:$4):(($3<$4)?$4:$3):($1-0.35):($1+0.35) with boxxyerror lc rgb '\(palette[1])' title 'input +25%'"
        lines += outputs(name: name, plot: plot)
        return (name, lines.joined(separator: "\n") + "\n")
    }
}
