import Foundation
import PlanSim

extension GnuplotScript {
    /// Sobol indices of one output as horizontal bars (first order and total effect per input,
    /// with their bootstrap intervals), largest total effect on top. `name` is the file stem.
    public static func sensitivity(_ result: SensitivityRecord, output: SensitivityRecord.Output, name: String, title: String) -> (name: String, script: String) {
        var lines = preamble(name: name, title: "\(title): Sobol indices of the \(result.title(output))")
        let ranked = Array(output.ranked.reversed())  // gnuplot draws bottom-up
        lines += [
            "set xlabel 'share of the output variance (fraction; S1: input alone, ST: with interactions; bars: 95% bootstrap interval)'",
            "set ylabel 'input'",
            "set xrange [0:1.05]", "set yrange [-0.8:\(ranked.count)-0.2]", "set ytics scale 0", "set grid xtics lc rgb '#dddddd'",
            "set key bottom right box opaque", "set style fill solid 0.85 border -1",
            "$bars << EOD",
        ]
        for (index, entry) in ranked.enumerated() {
            let firstLow = entry.firstInterval.first ?? entry.first, firstHigh = entry.firstInterval.last ?? entry.first
            let totalLow = entry.totalInterval.first ?? entry.total, totalHigh = entry.totalInterval.last ?? entry.total
            lines.append("\(index) \(number(max(0, entry.first))) \(number(firstLow)) \(number(firstHigh)) "
                + "\(number(max(0, entry.total))) \(number(totalLow)) \(number(totalHigh)) \(dataLabel(entry.input))")
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
    public static func sensitivity(_ result: SensitivityRecord, title: String) -> [(name: String, script: String)] {
        result.gapOutputs.map { output in sensitivity(result, output: output, name: "sensitivity_\(output.strategy)", title: title) }
    }

    /// The same from a live analysis.
    public static func sensitivity(_ result: Sensitivity.Result, title: String) -> [(name: String, script: String)] {
        sensitivity(SensitivityRecord(result), title: title)
    }
}
