import PlanCore

/// The report of a stored `plan quality` run: the answer first, then the setups' summary, the
/// retention plot, the base-competence curve, each setup's rows and what the numbers can say.
public enum QualityReport {
    public static func make(runID: Int64, toolVersion: String, _ s: QualitySummary) -> (ReportDocument, [(name: String, script: String)]) {
        var blocks: [ReportDocument.Block] = [.paragraph(QualityAnswer.sentence(s))]
        blocks.append(.paragraph(
            "Run \(runID) (plan \(toolVersion)): \(s.size) size, \(s.seeds.count) seeds, languages \(s.languages.joined(separator: ", ")). "
                + "Retention is a merge's mean answer accuracy over the combined model's; \(Int(QualitySummary.parityRetention * 100))% or more "
                + "counts as the study's parity."))
        let summary = QualityTable.summary(s)
        blocks.append(.heading(level: 2, text: "Setups"))
        blocks.append(table(summary))
        blocks.append(.image(path: QualityPlots.retentionName + ".png", alt: "Retention per merge method and setup"))
        if !s.competence.isEmpty {
            blocks.append(.heading(level: 2, text: "Base competence"))
            blocks.append(.bullets(s.competence.compactMap { point in
                guard let setup = s.setup(point.setup) else { return nil }
                return "Task share \(QualityTable.percent(point.taskShare)) (\(point.setup)): base \(QualityTable.percent(setup.row("base")?.accuracy.mean)), "
                    + "combined \(QualityTable.percent(setup.row("combined")?.accuracy.mean)), best merge keeps "
                    + QualityTable.percent(setup.bestMerge?.retention)
            }))
        }
        for setup in s.setups {
            blocks.append(.heading(level: 2, text: setup.name))
            blocks.append(.paragraph(setup.changes + "."))
            blocks.append(table(QualityTable.rows(setup, languages: s.languages)))
        }
        blocks.append(.heading(level: 2, text: "Caveat"))
        blocks.append(.paragraph(QualityTable.caveat))
        return (ReportDocument(title: "Merge quality: run \(runID)", blocks: blocks), [QualityPlots.retention(s)])
    }

    static func table(_ table: TextTable) -> ReportDocument.Block {
        .table(header: table.columns.map(\.title), rows: table.rows, numeric: table.columns.map { $0.alignment == .right })
    }
}
