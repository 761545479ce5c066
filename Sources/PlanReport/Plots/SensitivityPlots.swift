import Foundation
import PlanSim

extension GnuplotScript {
    /// Sobol indices of one output as horizontal bars (first order and total effect per input,
    /// with their bootstrap intervals), largest total effect on top. `name` is the file stem.
    public static func sensitivity(_ result: Sensitivity.Result, output: Sensitivity.Output, name: String, title: String) -> (name: String, script: String) {
        var lines = preamble(name: name, title: "\(title): Sobol indices of the \(SensitivityTable.title(output, baseline: result.baseline))")
        let ranked = Array(result.ranked(output).reversed())  // gnuplot draws bottom-up
        lines += [
            "set xlabel 'share of variance (S1: input alone, ST: with interactions; bars: 95% bootstrap interval)'",
            "set xrange [0:1.05]", "set yrange [-0.8:\(ranked.count)-0.2]", "set ytics scale 0", "set grid xtics lc rgb '#dddddd'",
            "set key bottom right box opaque", "set style fill solid 0.85 border -1",
            "$bars << EOD",
        ]
        for (index, entry) in ranked.enumerated() {
            let i = entry.index
            lines.append("\(index) \(number(max(0, i.first))) \(number(i.firstLow)) \(number(i.firstHigh)) "
                + "\(number(max(0, i.total))) \(number(i.totalLow)) \(number(i.totalHigh)) \(dataLabel(entry.input))")
        }
        lines.append("EOD")
        let plot = "plot $bars using ($5/2):($1+0.18):(0):($5):($1+0.02):($1+0.34):ytic(8) with boxxyerror lc rgb '\(palette[1])' title 'ST (total effect)', \\\n"
            + "     $bars using 5:($1+0.18):6:7 with xerrorbars pt -1 lc rgb '#333333' notitle, \\\n"
            + "     $bars using ($2/2):($1-0.18):(0):($2):($1-0.34):($1-0.02) with boxxyerror lc rgb '\(palette[0])' title 'S1 (first order)', \\\n"
            + "     $bars using 2:($1-0.18):3:4 with xerrorbars pt -1 lc rgb '#333333' notitle"
        lines += outputs(name: name, plot: plot)
        return (name, lines.joined(separator: "\n") + "\n")
    }

    /// One plot per cost gap (per total cost when the scenario has a single strategy).
    public static func sensitivity(_ result: Sensitivity.Result, title: String) -> [(name: String, script: String)] {
        let gaps = result.outputs.filter { $0.figure == "cost_gap_usd" }
        return (gaps.isEmpty ? result.outputs : gaps).map { output in
            sensitivity(result, output: output, name: "sensitivity_\(output.strategy.rawValue)", title: title)
        }
    }
}
