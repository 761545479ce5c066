import Foundation
import PlanCore
import PlanSim

/// The report's goodput and placement lines (docs/goodput.md).
extension CapacityReport {
    /// A goodput line per strategy when failures or preemptions are priced, and the CO2 and
    /// dollars placement over regions (and waiting for cleaner hours) saved against the
    /// single-region run, with the latency it added; nothing for a scenario without them.
    static func goodputSection(_ result: SimulationRecord, scenario: Scenario) -> [ReportDocument.Block] {
        var blocks: [ReportDocument.Block] = []
        let priced = scenario.hardware.reliability != nil || scenario.usesCapacityMarkets
        if priced, result.strategies.contains(where: { $0.effectiveTrainingTimeRatio != nil }) {
            blocks.append(.heading(level: 3, text: "Goodput"))
            blocks.append(.paragraph("Training jobs run their expected time under GPU failures and spot preemptions, with checkpoint "
                + "writes, lost work and restarts (docs/goodput.md); the effective training time is failure-free compute over that time."))
            blocks.append(.bullets(result.strategies.compactMap { s in
                guard let ratio = s.effectiveTrainingTimeRatio else { return nil }
                return "`\(s.name)`: effective training time \(NumberFormat.percent(ratio)), "
                    + "\(String(format: "%.2f", s.total.expectedInterruptions)) expected interruptions"
            }))
        }
        let placed = result.strategies.compactMap { s in s.regions.map { (s.name, $0) } }
        if !placed.isEmpty {
            blocks.append(.heading(level: 3, text: "Regions and hours"))
            blocks.append(.paragraph("Against the same run in the hardware's own region, without waiting for cleaner hours "
                + "(positive = saved; the extra latency is the mean update latency added):"))
            blocks.append(.bullets(placed.map { name, r in
                "`\(name)` (placement \(r.placement)): \(NumberFormat.quantity(r.co2SavedKg)) kg CO2 saved, "
                    + "\(NumberFormat.dollars(r.costSavedUSD)) saved, \(NumberFormat.quantity(r.extraLatencyHours)) h extra latency"
            }))
        }
        return blocks
    }
}
