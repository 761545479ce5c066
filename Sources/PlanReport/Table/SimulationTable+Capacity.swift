import Foundation
import PlanCore
import PlanSim

/// The table's capacity and region lines (docs/goodput.md), printed only when configured.
extension SimulationTable {
    static func capacityLines(_ record: SimulationRecord, scenario: Scenario) -> [String] {
        var out: [String] = []
        let width = record.strategies.map(\.name.count).max() ?? 0
        func pad(_ name: String) -> String { name.padding(toLength: width, withPad: " ", startingAt: 0) }
        if scenario.usesCapacityMarkets {
            out.append("")
            out.append("capacity of the training jobs (spot preemptions restart like failures; docs/goodput.md):")
            for strategy in record.strategies {
                let t = strategy.total
                let capacity = StrategyKind(rawValue: strategy.name).map { scenario.hardware(for: $0).capacity } ?? scenario.hardware.capacity
                out.append("  \(pad(strategy.name)) \(capacity.rawValue): "
                    + "\(t.spotJobs) on spot (\(NumberFormat.quantity(t.spotGPUHours)) GPU-hours), \(t.onDemandJobs) on demand, "
                    + "\(t.reservedJobs) reserved; effective training time \(NumberFormat.percent(strategy.effectiveTrainingTimeRatio ?? 1)), "
                    + "\(String(format: "%.2f", strategy.total.expectedInterruptions)) expected interruptions")
            }
        }
        if record.strategies.contains(where: { $0.regions != nil }) {
            out.append("")
            out.append("regions (placement \(scenario.hardware.placement.name), waiting up to \(NumberFormat.quantity(scenario.schedule.maxUpdateDelayHours)) h "
                + "for a cleaner hour), against the hardware's own region alone:")
            for strategy in record.strategies {
                guard let r = strategy.regions else { continue }
                out.append("  \(pad(strategy.name)) \(NumberFormat.quantity(r.co2SavedKg)) kg CO2 saved, \(NumberFormat.dollars(r.costSavedUSD)) saved, "
                    + "\(NumberFormat.quantity(r.extraLatencyHours)) h extra mean update latency")
            }
        }
        return out
    }
}
