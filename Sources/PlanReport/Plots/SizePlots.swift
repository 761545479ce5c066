import Foundation
import PlanSim

extension GnuplotScript {
    /// p90 update latency against pool size per strategy (log scale), with the target as a
    /// horizontal line and each strategy's smallest pool marked. Nil when no strategy has a
    /// positive latency to draw (no update within the horizon).
    public static func poolSize(_ result: PoolSizing.Result) -> (name: String, script: String)? {
        let name = "pool_size_latency"
        guard result.strategies.contains(where: { $0.curve.contains { $0.latency.p90Hours > 0 } }) else { return nil }
        var lines = preamble(name: name, title: "\(result.scenarioName): p90 update latency vs pool size (\(result.gpuName))")
        lines += [
            "set key top right box opaque", "set xlabel 'pool GPUs'", "set ylabel 'p90 update latency (hours, log scale)'",
            "set logscale y", "set format y \"%g\"",
            "set xrange [0:*]",
            "set arrow from graph 0, first \(number(result.targetLatencyHours)) to graph 1, first \(number(result.targetLatencyHours)) nohead dt 2 lc rgb '#555555'",
            "set label \(quote("target " + String(format: "%g", result.targetLatencyHours) + " h")) at graph 0.02, first \(number(result.targetLatencyHours)) offset 0,0.7",
        ]
        for (index, size) in result.strategies.enumerated() {
            lines.append("$s\(index) << EOD")
            // Log scale: a zero latency (no update) cannot be drawn.
            for probe in size.curve { lines.append("\(probe.poolGPUs) \(probe.latency.p90Hours > 0 ? number(probe.latency.p90Hours) : "NaN")") }
            lines.append("EOD")
            if let gpus = size.poolGPUs, let at = size.atSize, at.latency.p90Hours > 0 {
                lines += ["$a\(index) << EOD", "\(gpus) \(number(at.latency.p90Hours))", "EOD"]
            }
        }
        var plots: [String] = []
        for (index, size) in result.strategies.enumerated() {
            let colour = palette[index % palette.count]
            plots.append("$s\(index) using 1:2 with linespoints lw 2 pt 7 ps 0.5 lc rgb '\(colour)' title \(quote(size.kind.rawValue))")
            if let gpus = size.poolGPUs, let at = size.atSize, at.latency.p90Hours > 0 {
                plots.append("$a\(index) using 1:2 with points pt 6 ps 2.5 lw 2 lc rgb '\(colour)' "
                    + "title \(quote("\(size.kind.rawValue): smallest pool \(gpus)"))")
            }
        }
        lines += outputs(name: name, plot: "plot " + plots.joined(separator: ", \\\n     "))
        return (name, lines.joined(separator: "\n") + "\n")
    }
}
