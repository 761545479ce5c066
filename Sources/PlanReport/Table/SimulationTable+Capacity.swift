import Foundation
import PlanCore
import PlanSim

/// The table's capacity and region lines (docs/goodput.md), printed only when configured.
extension SimulationTable {
    static func capacityLines(_ result: SimulationResult, scenario: Scenario) -> [String] {
        var out: [String] = []
        let width = result.strategies.map(\.kind.rawValue.count).max() ?? 0
        func pad(_ name: String) -> String { name.padding(toLength: width, withPad: " ", startingAt: 0) }
        if scenario.usesCapacityMarkets {
            out.append("")
            out.append("capacity of the training jobs (spot preemptions restart like failures; docs/goodput.md):")
            for outcome in result.strategies {
                let t = outcome.total
                out.append("  \(pad(outcome.kind.rawValue)) \(scenario.hardware(for: outcome.kind).capacity.rawValue): "
                    + "\(t.spotJobs) on spot (\(NumberFormat.quantity(t.spotGPUHours)) GPU-hours), \(t.onDemandJobs) on demand, "
                    + "\(t.reservedJobs) reserved; effective training time \(NumberFormat.percent(t.effectiveTrainingTimeRatio)), "
                    + "\(String(format: "%.2f", t.expectedInterruptions)) expected interruptions")
            }
        }
        if result.strategies.contains(where: { $0.regions != nil }) {
            out.append("")
            out.append("regions (placement \(scenario.hardware.placement.name), waiting up to \(NumberFormat.quantity(scenario.schedule.maxUpdateDelayHours)) h "
                + "for a cleaner hour), against the hardware's own region alone:")
            for outcome in result.strategies {
                guard let r = outcome.regions else { continue }
                out.append("  \(pad(outcome.kind.rawValue)) \(NumberFormat.quantity(r.co2SavedKg)) kg CO2 saved, \(NumberFormat.dollars(r.costSavedUSD)) saved, "
                    + "\(NumberFormat.quantity(r.extraLatencyHours)) h extra mean update latency")
            }
        }
        return out
    }
}
