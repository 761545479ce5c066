import PlanCore

/// `plan quality`'s text output: the answer, one summary line per setup, then each setup's rows
/// (accuracy with its 95% interval, loss, retention, accuracy per language) and diagnostics.
public enum QualityTable {
    public static func render(_ s: QualitySummary) -> String {
        var out = QualityAnswer.sentence(s) + "\n\n"
        out += "Setups (\(s.size), \(s.seeds.count) seeds, languages \(s.languages.joined(separator: " ")); retention = accuracy / combined accuracy:\n"
        out += summary(s).rendered() + "\n"
        if !s.competence.isEmpty {
            let points = s.competence.compactMap { point -> String? in
                guard let setup = s.setup(point.setup) else { return nil }
                return "\(percent(point.taskShare)) → base \(percent(setup.row("base")?.accuracy.mean)), best merge keeps "
                    + percent(setup.bestMerge?.retention)
            }
            out += "Base competence (task share of pretraining): " + points.joined(separator: "; ") + "\n"
        }
        for setup in s.setups {
            out += "\n\(setup.name): \(setup.changes)\n"
            out += "  task share \(percent(setup.taskShare)), \(setup.lexicon) lexicons, \(setup.sameInit ? "one LoRA A init" : "own LoRA A init per job"), "
                + "lr \(number(setup.learningRate)) × \(setup.epochs) epochs, weights \(setup.weighting); adapter cosine "
                + "\(fixed(setup.adapterCosine.mean, 3)), cross-language accuracy \(percent(setup.crossLanguageAccuracy.mean)), "
                + "‖ΔW‖/‖W‖ \(fixed(setup.relativeUpdateNorm.mean, 4))\n"
            out += rows(setup, languages: s.languages).rendered()
        }
        return out + "\n" + caveat + "\n"
    }

    /// One line per setup: base, combined, single, best merge and its retention, diagnostics.
    static func summary(_ s: QualitySummary) -> TextTable {
        var table = TextTable(columns: [
            ("setup", .left), ("base", .right), ("combined", .right), ("single", .right), ("best merge", .left), ("accuracy", .right),
            ("retention", .right), ("95% CI", .right), ("gain kept", .right), ("re-merge/retrain", .right), ("cosine", .right), ("cross-lang", .right),
        ])
        for setup in s.setups {
            let best = setup.bestMerge
            table.add([
                setup.name, percent(setup.row("base")?.accuracy.mean), percent(setup.row("combined")?.accuracy.mean),
                percent(setup.row("single")?.accuracy.mean), best.map { String($0.model.dropFirst("merge/".count)) } ?? "-",
                percent(best?.accuracy.mean), percent(best?.retention), best.map { interval($0.retentionInterval) } ?? "-", percent(best?.gainRetention),
                percent(setup.updateRetention), fixed(setup.adapterCosine.mean, 3), percent(setup.crossLanguageAccuracy.mean),
            ])
        }
        return table
    }

    /// A setup's rows.
    static func rows(_ setup: QualitySummary.Setup, languages: [String]) -> TextTable {
        var table = TextTable(columns: [("model", .left), ("weight", .right), ("accuracy", .right), ("95% CI", .right), ("loss", .right),
                                        ("retention", .right), ("gain kept", .right)] + languages.map { ("\($0) acc", .right) })
        for row in setup.rows {
            table.add([row.model, row.weight.map { fixed($0, 2) } ?? "-", percent(row.accuracy.mean), interval(row.accuracy),
                       fixed(row.loss.mean, 3), percent(row.retention), percent(row.gainRetention)] + row.languages.map { percent($0.accuracy) })
        }
        return table
    }

    public static let caveat = "Toy scale: a transformer of well under a million to a few million parameters on synthetic languages and one "
        + "synthetic task (reverse and map); the study used 8B Llamas on real tasks. Read which ingredient matters, not the exact sizes. "
        + "Intervals are 95% t-intervals over the seeds (fine-tuning data, LoRA init and order; the base is pretrained once per run)."

    static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return String(format: "%.1f%%", value * 100)
    }
    static func interval(_ m: MeanInterval) -> String {
        m.lower.isFinite && m.upper.isFinite ? "\(String(format: "%.1f", m.lower * 100))–\(String(format: "%.1f", m.upper * 100))%" : "n/a"
    }
    static func fixed(_ value: Double, _ digits: Int) -> String { value.isFinite ? String(format: "%.\(digits)f", value) : "n/a" }
    static func number(_ value: Double) -> String { String(format: "%g", value) }
}
