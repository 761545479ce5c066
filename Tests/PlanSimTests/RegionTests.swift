import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim

/// Regions, placement and waiting for a cleaner hour (`regions:`, `hardware.placement`,
/// `schedule.max_update_delay_hours`).
struct RegionTests {
    static let night: [Double] = (0..<24).map { $0 < 6 ? 0.1 : 0.5 }

    @Test func meanIntensityIntegratesTheHourlyProfile() {
        let r = Region(name: "n", usdPerGPUHour: 1, kgCO2PerKWh: Self.night, pue: 1)
        #expect(abs(r.meanKgCO2PerKWh(from: 0, hours: 6) - 0.1) < 1e-12)
        #expect(abs(r.meanKgCO2PerKWh(from: 3, hours: 6) - 0.3) < 1e-12)  // 3 h at 0.1, 3 h at 0.5
        #expect(abs(r.meanKgCO2PerKWh(from: 22, hours: 48) - (6 * 0.1 + 18 * 0.5) / 24) < 1e-12)
        #expect(abs(r.meanKgCO2PerKWh(from: 24 * 7 + 5.5, hours: 0.5) - 0.1) < 1e-12)
        #expect(r.meanKgCO2PerKWh(from: 29, hours: 0) == 0.1 && r.meanKgCO2PerKWh(from: 30, hours: 0) == 0.5)
        #expect(Region(name: "f", usdPerGPUHour: 1, kgCO2PerKWh: [0.3], pue: 1).meanKgCO2PerKWh(from: 7, hours: 3) == 0.3)
    }

    func toy(_ extra: String, placement: String, delay: Double = 0) throws -> Scenario {
        try ToyScenario.load(ToyScenario.yaml(
            schedule: "horizon_days: 60\nevents: [{day: 10.5, language: a, add_examples: 1}]\nmax_update_delay_hours: \(delay)",
            extra: extra).replacingOccurrences(of: "kg_co2_per_kwh: 0.5}", with: "kg_co2_per_kwh: 0.5, placement: \(placement)}"))
    }

    static let regions = "regions: [{name: home}, {name: north, usd_per_gpu_hour: 3, kg_co2_per_kwh: [\(night.map { "\($0)" }.joined(separator: ", "))]}]"

    @Test func cleanestPlacementCutsCarbonAndWaitingCutsMore() throws {
        let single = Simulator(scenario: try toy(Self.regions, placement: "home")).run(seed: 1)
        let clean = Simulator(scenario: try toy(Self.regions, placement: "cleanest")).run(seed: 1)
        let waiting = Simulator(scenario: try toy(Self.regions, placement: "cleanest", delay: 18)).run(seed: 1)
        let merge = try #require(clean.strategy(.merge))
        let waited = try #require(waiting.strategy(.merge))
        // Home is the scenario's own hardware: nothing changes.
        #expect(single.strategy(.merge)?.regions?.co2SavedKg == 0)
        #expect(single.strategy(.merge)?.regions?.extraLatencyHours == 0)
        // North is cleaner at every hour (0.1–0.5 vs 0.5 flat) and dearer.
        let r = try #require(merge.regions)
        #expect(r.placement == "cleanest" && r.co2SavedKg > 0 && r.costSavedUSD < 0 && r.extraLatencyHours == 0)
        // Released at 12:00 on day 10.5, the update waits for midnight (12 h) to run at 0.1.
        let w = try #require(waited.regions)
        #expect(w.co2SavedKg > r.co2SavedKg)
        #expect(abs(w.extraLatencyHours - 12) < 1e-9)
    }

    @Test func cheapestPlacementTakesTheLowerPrice() throws {
        let s = try toy(Self.regions.replacingOccurrences(of: "usd_per_gpu_hour: 3", with: "usd_per_gpu_hour: 1"), placement: "cheapest")
        let r = try #require(Simulator(scenario: s).run(seed: 1).strategy(.merge)?.regions)
        #expect(r.costSavedUSD > 0 && r.co2SavedKg > 0)
    }
}
