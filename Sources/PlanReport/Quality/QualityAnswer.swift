import PlanCore

/// The answer a quality run gives, in one sentence: how much of the combined model's accuracy the
/// best merge keeps in the study's setup, and which changed ingredient breaks merging.
public enum QualityAnswer {
    /// An ablation "breaks" merging when its best merge keeps less than the parity retention
    /// (0.85) and at least this much less than `study`'s best merge.
    public static let breakMargin = 0.05

    /// Retention only means something when the combined model learned the task: at least this
    /// much above the base (and the random base).
    public static let learningMargin = 0.05

    /// Whether the setup's combined model beats the base by `learningMargin`.
    public static func learns(_ setup: QualitySummary.Setup) -> Bool {
        guard let combined = setup.row("combined")?.accuracy.mean else { return false }
        let floor = max(setup.row("base")?.accuracy.mean ?? 0, setup.row("random-base")?.accuracy.mean ?? 0)
        return combined >= floor + learningMargin
    }

    /// The ablations whose best merge breaks, worst first, with their best retention (setups whose
    /// combined model did not learn the task are left out: see `notLearning`).
    public static func breaking(_ s: QualitySummary) -> [(setup: QualitySummary.Setup, retention: Double)] {
        guard let study = s.setup("study")?.bestMerge?.retention else { return [] }
        return s.setups.filter { $0.name != "study" && learns($0) }.compactMap { setup -> (QualitySummary.Setup, Double)? in
            guard let retention = setup.bestMerge?.retention, retention.isFinite,
                retention < QualitySummary.parityRetention, retention <= study - breakMargin
            else { return nil }
            return (setup, retention)
        }.sorted { $0.1 < $1.1 }
    }

    public static func sentence(_ s: QualitySummary) -> String {
        guard let study = s.setup("study"), let best = study.bestMerge else {
            let shown = s.setups.compactMap { setup in setup.bestMerge.map { "\(setup.name) \(percent($0.retention))" } }
            return "The study's setup was not run; best merge retention per setup: " + (shown.isEmpty ? "none" : shown.joined(separator: ", ")) + "."
        }
        guard learns(study) else {
            return "In the study's setup the combined model does not learn the task at this size (combined "
                + "\(percent(study.row("combined")?.accuracy.mean ?? .nan)) against the base's \(percent(study.row("base")?.accuracy.mean ?? .nan))), "
                + "so retention says nothing; run a larger size."
        }
        let method = String(best.model.dropFirst("merge/".count))
        var text = "In the study's setup the best merge (\(method)) keeps \(percent(best.retention)) of the combined model's accuracy "
            + "(95% interval \(percent(best.retentionInterval.lower))–\(percent(best.retentionInterval.upper)) over \(s.seeds.count) seeds; "
            + "\(percent(best.gainRetention)) of the fine-tuning gain over the base): "
        text += best.retention >= QualitySummary.parityRetention
            ? "the study's finding (merging about as good as training on all languages together) is reproduced"
            : "below the \(percent(QualitySummary.parityRetention)) at which the study's finding counts as reproduced"
        let breaking = breaking(s)
        if breaking.isEmpty {
            let others = s.setups.filter { $0.name != "study" && learns($0) }.compactMap { $0.bestMerge?.retention }
            text += others.isEmpty ? "." : "; no single changed ingredient breaks merging (the ablations' best merges keep at least \(percent(others.min()!)))."
        } else {
            text += "; merging breaks when " + breaking.map { "\($0.setup.changes) (\(percent($0.retention)))" }.joined(separator: "; when ") + "."
        }
        let silent = s.setups.filter { !learns($0) }
        if !silent.isEmpty {
            text += " Where " + silent.map { "\($0.changes) (\($0.name))" }.joined(separator: " or where ")
                + ", fine-tuning does not learn the task at all at this size (combined within \(percent(learningMargin)) of the base), "
                + "so nothing is left to merge."
        }
        return text
    }

    static func percent(_ value: Double) -> String { value.isFinite ? String(format: "%.0f%%", value * 100) : "n/a" }
}
