import PlanCore

/// The plot of a quality run: retention (merge accuracy / combined accuracy) per merge method
/// (clusters) and setup (bars).
public enum QualityPlots {
    public static let retentionName = "quality_retention"

    public static func retention(_ s: QualitySummary) -> (name: String, script: String) {
        var methods: [String] = []
        for setup in s.setups {
            for row in setup.rows where row.isMerge && !methods.contains(row.model) { methods.append(row.model) }
        }
        let rows = methods.map { method in
            ValidationPlots.LossRow(
                language: String(method.dropFirst("merge/".count)),
                losses: s.setups.map { $0.row(method)?.retention ?? .nan })
        }
        let script = ValidationPlots.quality(
            rows, languages: s.setups.map(\.name), name: retentionName, label: "retention (merge accuracy / combined accuracy)",
            title: "plan quality (\(s.size), \(s.seeds.count) seeds): retention per merge method and setup")
        return (retentionName, script)
    }
}
