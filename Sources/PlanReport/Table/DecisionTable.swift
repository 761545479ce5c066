import Foundation
import PlanCore
import PlanSim

/// The whole decision, from a simulate record (a live result or a stored run): per strategy its
/// training cost, serving cost, total cost of ownership, quality retention, update latency and
/// eligibility, and the sentence that recommends the cheapest eligible strategy and says what it
/// trades. The terminal table and the report's cost–quality table are both these rows.
public enum DecisionTable {
    public static let header = ["strategy", "training", "serving", "TCO", "quality", "update latency h", "merge jobs", "eligible"]
    public static let numeric = [false, true, true, true, true, true, true, false]

    /// One row per strategy (empty for a run stored before the decision existed).
    public static func rows(_ record: SimulationRecord) -> [[String]] {
        record.strategies.compactMap { strategy in
            guard let choice = strategy.choice else { return nil }
            return [
                strategy.name, NumberFormat.dollars(strategy.total.costUSD),
                choice.serving.map { NumberFormat.dollars($0.costUSD) } ?? "not priced",
                NumberFormat.dollars(choice.totalCostOfOwnershipUSD), retention(choice.qualityRetention),
                NumberFormat.quantity(strategy.latency.meanHours), strategy.mergeJobs.map(String.init) ?? "",
                choice.eligible ? (choice.caveat == nil ? "yes" : "yes (caveat)") : "no",
            ]
        }
    }

    /// Serving rows: fleet GPUs, GPU-hours, tokens/s per GPU, batch, time per output token, $/M tokens.
    public static let servingHeader = ["strategy", "serving GPUs", "GPUs / replica", "GPU-hours", "tokens/s/GPU", "batch", "ms / token", "$ / M tokens"]

    public static func servingRows(_ record: SimulationRecord) -> [[String]] {
        record.strategies.compactMap { strategy in
            guard let s = strategy.choice?.serving else { return nil }
            return [
                strategy.name + (s.adapters > 0 ? " (\(s.adapters) adapters)" : ""), "\(s.gpus)", "\(s.gpusPerReplica)",
                NumberFormat.quantity(s.gpuHours), NumberFormat.quantity(s.tokensPerSecondPerGPU), "\(s.batch)",
                String(format: "%.1f", s.msPerOutputToken) + (s.meetsLatencyTarget ? "" : " (misses target)"),
                String(format: "$%.4f", s.usdPerMillionTokens),
            ]
        }
    }

    static func retention(_ value: Double?) -> String { value.map { NumberFormat.percent($0) } ?? "unknown" }

    /// The recommendation: the cheapest eligible strategy by TCO, what it costs and keeps, what
    /// it trades against the baseline, and the cheaper strategies it passed over and why. Nil for
    /// a run stored before the decision existed. `markdown`: strategy names in backticks, the
    /// recommendation in bold.
    public static func headline(_ record: SimulationRecord, markdown: Bool = false) -> String? {
        let choices = record.strategies.compactMap { s in s.choice.map { (s, $0) } }
        guard choices.count == record.strategies.count, !choices.isEmpty else { return nil }
        func name(_ text: String) -> String { markdown ? "`\(text)`" : text }
        let serving = record.servingPriced == true
        let what = serving ? "total cost of ownership (training, merges, evaluation and serving)" : "training cost (serving not priced)"
        guard let recommended = record.recommended, let (winner, choice) = choices.first(where: { $0.0.name == recommended }) else {
            let floor = record.qualityFloor.map { NumberFormat.percent($0) } ?? "the floor"
            return "No strategy is eligible: none reaches the quality floor of \(floor) (or meets the serving latency target); "
                + "lower quality.floor or add a strategy that keeps more quality."
        }
        let lead = markdown ? "**\(name(winner.name))**" : winner.name
        var text = "recommended: \(lead), the cheapest eligible strategy by \(what): \(NumberFormat.dollars(choice.totalCostOfOwnershipUSD))"
        if serving, let s = choice.serving {
            text += " (\(NumberFormat.dollars(winner.total.costUSD)) training + \(NumberFormat.dollars(s.costUSD)) serving)"
        }
        text += "; it keeps \(retention(choice.qualityRetention)) of the combined model's quality (\(choice.retentionSource))."
        if let base = choices.first(where: { $0.0.name == record.baseline }), base.0.name != winner.name {
            let saved = base.1.totalCostOfOwnershipUSD - choice.totalCostOfOwnershipUSD
            let lost = (base.1.qualityRetention ?? 1) - (choice.qualityRetention ?? 1)
            let cost = saved >= 0 ? "\(NumberFormat.dollars(saved)) less" : "\(NumberFormat.dollars(-saved)) more"
            text += " Against \(name(base.0.name)) it costs \(cost)"
            text += lost > 0.0005 ? " for \(String(format: "%.1f", lost * 100)) points of quality." : " at the same quality."
        }
        for (other, otherChoice) in choices where !otherChoice.eligible && otherChoice.totalCostOfOwnershipUSD < choice.totalCostOfOwnershipUSD {
            text += " \(name(other.name)) would cost \(NumberFormat.dollars(otherChoice.totalCostOfOwnershipUSD)) but is not eligible: "
                + "\(otherChoice.reason ?? "below the floor")."
        }
        if let caveat = choice.caveat { text += " Caveat: \(caveat)." }
        return text
    }
}
