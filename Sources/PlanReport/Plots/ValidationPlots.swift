import Foundation

/// gnuplot scripts for `plan validate`: the parity plot (predicted vs measured seconds per job,
/// log-log, with y = x and ±25% guides) and held-out losses per language and model.
public enum ValidationPlots {
    /// One job: its name and both timings, seconds.
    public struct Point: Sendable, Equatable {
        public var name: String
        public var predictedSeconds: Double
        public var measuredSeconds: Double
        public init(name: String, predictedSeconds: Double, measuredSeconds: Double) {
            self.name = name
            self.predictedSeconds = predictedSeconds
            self.measuredSeconds = measuredSeconds
        }
    }

    /// Held-out losses of one language, by model, in `models` order.
    public struct LossRow: Sendable, Equatable {
        public var language: String
        public var losses: [Double]
        public init(language: String, losses: [Double]) {
            self.language = language
            self.losses = losses
        }
    }

    /// Predicted (y) against measured (x) seconds, log-log, one labelled point per job.
    public static func parity(_ points: [Point], title: String) -> String {
        let name = "validation_parity"
        let values = points.flatMap { [$0.predictedSeconds, $0.measuredSeconds] }.filter { $0 > 0 && $0.isFinite }
        let low = (values.min() ?? 1e-3) / 2, high = (values.max() ?? 1) * 2
        var lines = GnuplotScript.preamble(name: name, title: title)
        lines += [
            "set logscale xy", "set xlabel 'measured seconds'", "set ylabel 'predicted seconds'",
            "set xrange [\(GnuplotScript.number(low)):\(GnuplotScript.number(high))]",
            "set yrange [\(GnuplotScript.number(low)):\(GnuplotScript.number(high))]", "set size square", "set key top left box opaque",
            "$jobs << EOD",
        ]
        for point in points {
            let label = GnuplotScript.dataLabel(point.name)
            lines.append("\(GnuplotScript.number(point.measuredSeconds)) \(GnuplotScript.number(point.predictedSeconds)) \(label)")
        }
        lines.append("EOD")
        let plot = "plot x title 'y = x' lc rgb '#555555' dt 1, 1.25*x title '±25%' lc rgb '#aaaaaa' dt 2, 0.75*x notitle lc rgb '#aaaaaa' dt 2, \\\n"
            + "     $jobs using 1:2 with points pt 7 ps 1.3 lc rgb '\(GnuplotScript.palette[0])' title 'job', \\\n"
            + "     $jobs using 1:2:3 with labels offset char 1,0.6 left font ',9' notitle"
        lines += GnuplotScript.outputs(name: name, plot: plot)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Held-out loss per language (clusters) for each model (bars).
    public static func losses(_ rows: [LossRow], models: [String], title: String) -> String {
        clusteredBars(rows, bars: models, name: "validation_losses", title: title, block: "losses",
                      settings: ["set ylabel 'held-out loss (nats per answer token)'"])
    }

    /// Quality per model (clusters: base, combined, single adapters, each merge method, the
    /// update's two outcomes) with one bar per language: `rows[i].losses` holds model i's value
    /// per language, in `languages` order. `name` is the file stem, `label` the y axis.
    public static func quality(_ rows: [LossRow], languages: [String], name: String, label: String, title: String) -> String {
        clusteredBars(rows, bars: languages, name: name, title: title, block: "quality",
                      settings: ["set ylabel \(GnuplotScript.quote(label))"], layout: ["set xtics rotate by 35 right", "set bmargin 10"])
    }

    /// A clustered histogram: one cluster per row (labelled by `row.language`), one bar per entry
    /// of `bars` (its values in `row.losses`), the data in the inline block `$block`. `settings`
    /// come before the shared y-axis and key settings, `layout` after them.
    private static func clusteredBars(_ rows: [LossRow], bars: [String], name: String, title: String, block: String,
                                      settings: [String], layout: [String] = []) -> String {
        var lines = GnuplotScript.preamble(name: name, title: title)
        lines += ["set style data histogram", "set style histogram cluster gap 1", "set style fill solid 0.85 border -1", "set boxwidth 0.9"]
        lines += settings + ["set format y \"%g\"", "set yrange [0:*]", "set key top right"] + layout + ["$\(block) << EOD"]
        for row in rows {
            let label = GnuplotScript.dataLabel(row.language)
            lines.append(([label] + row.losses.map(GnuplotScript.number)).joined(separator: " "))
        }
        lines.append("EOD")
        let plotted = bars.enumerated().map { index, bar in
            (index == 0 ? "$\(block) using 2:xtic(1)" : "'' using \(index + 2)")
                + " title \(GnuplotScript.quote(bar)) lc rgb '\(GnuplotScript.palette[index % GnuplotScript.palette.count])'"
        }
        lines += GnuplotScript.outputs(name: name, plot: "plot " + plotted.joined(separator: ", "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Both scripts, by file stem.
    public static func all(points: [Point], losses rows: [LossRow], models: [String], setup: String) -> [(name: String, script: String)] {
        [
            ("validation_parity", parity(points, title: "plan validate (\(setup)): predicted vs measured seconds per job")),
            ("validation_losses", losses(rows, models: models, title: "plan validate (\(setup)): held-out loss per language")),
        ]
    }

    /// Every plot of a validation run: parity and losses (`all`), then answer accuracy and
    /// held-out loss by model and merge method, per language.
    public static func all(_ view: ValidationView, setup: String) -> [(name: String, script: String)] {
        let points = view.jobs.map { Point(name: $0.name, predictedSeconds: $0.predictedSeconds, measuredSeconds: $0.measuredSeconds) }
        let rows = view.losses.map { LossRow(language: $0.language, losses: [$0.base, $0.combined, $0.merged, $0.single]) }
        func quality(_ name: String, label: String, what: String, _ values: (ValidationView.QualityRow) -> [Double]) -> (name: String, script: String) {
            (name, Self.quality(view.quality.map { LossRow(language: $0.model, losses: values($0)) }, languages: view.languages, name: name,
                                label: label, title: "plan validate (\(setup)): \(what) by model and merge method, per language"))
        }
        return all(points: points, losses: rows, models: ValidationTable.lossModels, setup: setup) + [
            quality("validation_quality_accuracy", label: "held-out answer-token accuracy", what: "answer accuracy", \.accuracies),
            quality("validation_quality_loss", label: "held-out loss (nats per answer token)", what: "held-out loss", \.losses),
        ]
    }
}
