import Foundation
import PlanSim

extension GnuplotScript {
    /// Monte Carlo p10–p90 ranges of one figure per strategy: a bar at the median with the
    /// p10–p90 band as an error bar.
    public static func monteCarloBands(_ result: MonteCarlo.Result, strategies: [String], figure: String, label: String, title: String)
        -> (name: String, script: String)
    {
        var bands: [(strategy: String, band: PercentileBand)] = []
        for strategy in strategies {
            guard let kind = result.percentiles.keys.first(where: { $0.rawValue == strategy }), let band = result.percentiles[kind]?[figure]
            else { continue }
            bands.append((strategy, band))
        }
        return monteCarloBands(bands, trials: result.trials, count: strategies.count, figure: figure, label: label, title: title)
    }

    /// The same from a stored simulation's bands.
    public static func monteCarloBands(_ record: SimulationRecord, figure: String, label: String, title: String) -> (name: String, script: String) {
        let bands = record.strategies.compactMap { s in s.percentiles[figure].map { (strategy: s.name, band: $0) } }
        return monteCarloBands(bands, trials: record.trials ?? 0, count: record.strategies.count, figure: figure, label: label, title: title)
    }

    static func monteCarloBands(_ bands: [(strategy: String, band: PercentileBand)], trials: Int, count: Int, figure: String,
                                label: String, title: String) -> (name: String, script: String) {
        let name = "monte_carlo_\(figure)"
        var lines = preamble(name: name, title: "\(title): \(label), Monte Carlo p10 / p50 / p90 over \(trials) trials")
        lines += [
            "set style fill solid 0.6 border -1", "set boxwidth 0.5", "set ylabel \(quote(label))", "set format y \"%g\"",
            "set xlabel 'strategy'", "set yrange [0:*]", "set xrange [-0.6:\(count)-0.4]", "set key off", "$bands << EOD",
        ]
        for (index, entry) in bands.enumerated() {
            lines.append("\(index) \(number(entry.band.p50)) \(number(entry.band.p10)) \(number(entry.band.p90)) \(dataLabel(entry.strategy))")
        }
        lines.append("EOD")
        let plot = "plot $bands using 1:2:xtic(5) with boxes lc rgb '\(palette[0])', \\\n"
            + "     $bands using 1:2:3:4 with yerrorbars lw 2 pt 7 lc rgb '#333333'"
        lines += outputs(name: name, plot: plot)
        return (name, lines.joined(separator: "\n") + "\n")
    }
}
