import Foundation
import PlanCore

/// The quality retention per merge method that a stored `plan quality` run measured, for a
/// scenario's `quality.from_run`: per method, the best density's retention in each setup,
/// averaged over the setups (docs/decision.md).
public enum MeasuredRetention {
    /// Per merge method; nil when `document` is not a quality document or holds no merge rows.
    public static func of(document: String) -> [String: Double]? {
        guard let summary = QualityDocument.parse(document) else { return nil }
        var sums: [String: (total: Double, count: Int)] = [:]
        for setup in summary.setups {
            var best: [String: Double] = [:]
            for row in setup.rows {
                guard let method = row.method, row.retention.isFinite else { continue }
                best[method] = max(best[method] ?? -.infinity, row.retention)
            }
            for (method, value) in best { sums[method, default: (0, 0)] = (sums[method, default: (0, 0)].total + value, sums[method, default: (0, 0)].count + 1) }
        }
        guard !sums.isEmpty else { return nil }
        return sums.mapValues { $0.total / Double($0.count) }
    }
}
