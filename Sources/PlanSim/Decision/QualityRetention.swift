import Foundation
import PlanCore

/// Each strategy's quality retention relative to the combined (full-retrain) model, and where
/// it comes from (docs/decision.md).
public enum QualityRetention {
    /// Retention of a merged model when the scenario gives none: the mean over the study's three
    /// tasks (arXiv 2601.16127): parity (1.0) on summarization and on commonsense reasoning, and
    /// English sentiment about 15 macro-F1 points below the combined model, taken as 0.80 of its
    /// score (a combined F1 near 0.75). (1 + 1 + 0.80) / 3 ≈ 0.93.
    public static let mergedDefault = 0.93
    /// Routed, unmerged adapters: each language is served by its own adapter, so no other
    /// language's update interferes with it; the study's merges start from these adapters.
    public static let adaptersDefault = 1.0
    /// The combined model is the reference.
    public static let reference = 1.0

    /// The retention of `kind` on `scenario` and a short note of its source; nil retention when
    /// nothing is known (`continued` without a scenario value: forgetting is not modelled).
    /// A merged strategy (merge, merge-incremental, hybrid) takes, in order: its own entry, its
    /// merge method's, `merge`'s, the `from_run` measurement for its method, the default.
    public static func of(_ kind: StrategyKind, in scenario: Scenario) -> (value: Double?, source: String) {
        let quality = scenario.quality
        if let value = quality.retention[kind.rawValue] { return (value, "scenario") }
        if kind.servesMerge {
            let method = scenario.merge.method
            if let value = quality.retention[method] { return (value, "scenario (merge method \(method))") }
            if let value = quality.retention[StrategyKind.merge.rawValue] { return (value, "scenario (as merge)") }
            if let value = quality.measured[method], let run = quality.fromRun { return (value, "run \(run) (\(method))") }
            return (mergedDefault, "default: the study's mean over three tasks")
        }
        switch kind {
        case .fullRetrain: return (reference, "reference: the combined model")
        case .adapters: return (adaptersDefault, "default: each language keeps its own adapter")
        default: return (nil, "unknown: continued training forgets earlier data, which plan does not model")
        }
    }
}
