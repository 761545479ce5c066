import Foundation
import Testing
@testable import PlanCore

/// Loading `hardware.capacity`, `hardware.spot`, a strategy's `capacity`, `regions`,
/// `hardware.placement` and `schedule.max_update_delay_hours`: every mistake is a diagnostic at its path.
struct CapacityScenarioTests {
    let loader = ScenarioLoader(catalog: try! Catalog.bundled())
    func yaml(_ sections: [String: String]) -> String { ScenarioFieldTests.yaml(sections) }
    func paths(_ sections: [String: String]) -> [String] { loader.diagnostics(yaml(sections)).map(\.path) }

    static let spot = "spot: {usd_per_gpu_hour: 1.2, preemptions_per_hour: 0.05, max_job_hours: 6, max_gpus_per_job: 8}"

    @Test func capacityAndSpotLoad() throws {
        let s = try loader.load(text: yaml(["hardware": "{gpu: a100-80gb, capacity: spot, \(Self.spot)}",
                                            "strategies": "[full-retrain, {name: merge, capacity: on-demand}]"]), file: "s")
        #expect(s.hardware.capacity == .spot)
        #expect(s.hardware.spot == SpotSettings(usdPerGPUHour: 1.2, preemptionsPerHour: 0.05, maxJobHours: 6, maxGPUsPerJob: 8))
        #expect(s.hardware(for: .merge).capacity == .onDemand && s.hardware(for: .fullRetrain).capacity == .spot)
        #expect(s.usesCapacityMarkets)
        let plain = try loader.load(text: yaml([:]), file: "s")
        #expect(plain.hardware.capacity == .onDemand && plain.hardware.spot == nil && !plain.usesCapacityMarkets && plain.regions.isEmpty)
    }

    @Test func capacityMistakesAreDiagnostics() {
        #expect(paths(["hardware": "{gpu: a100-80gb, capacity: cheap}"]) == ["hardware.capacity"])
        #expect(paths(["hardware": "{gpu: a100-80gb, capacity: spot}"]) == ["hardware.capacity"])
        #expect(paths(["strategies": "[{name: merge, capacity: spot}]"]) == ["strategies[0].capacity"])
        #expect(paths(["hardware": "{gpu: a100-80gb, spot: {usd_per_gpu_hour: 1}}"]) == ["hardware.spot.preemptions_per_hour"])
        #expect(paths(["hardware": "{gpu: a100-80gb, spot: {usd_per_gpu_hour: 1, preemptions_per_hour: 0.1, bid: 2}}"]) == ["hardware.spot.bid"])
        #expect(paths(["hardware": "{gpu: a100-80gb, spot: {usd_per_gpu_hour: -1, preemptions_per_hour: .nan}}"])
            == ["hardware.spot.usd_per_gpu_hour", "hardware.spot.preemptions_per_hour"])
        #expect(paths(["hardware": "{gpu: a100-80gb, spot: {usd_per_gpu_hour: 1, preemptions_per_hour: 0.1, max_gpus_per_job: 1.5}}"])
            == ["hardware.spot.max_gpus_per_job"])
    }

    static let regions = "[{name: home}, {name: north, usd_per_gpu_hour: 2.5, pue: 1.2, kg_co2_per_kwh: [\((0..<24).map { _ in "0.05" }.joined(separator: ", "))]}]"

    @Test func regionsLoadWithTheHardwareAsDefaults() throws {
        let s = try loader.load(text: yaml(["hardware": "{gpu: a100-80gb, placement: north, usd_per_gpu_hour: 3, kg_co2_per_kwh: 0.4}",
                                            "regions": Self.regions, "schedule": "{max_update_delay_hours: 6}"]), file: "s")
        #expect(s.regions == [Region(name: "home", usdPerGPUHour: 3, kgCO2PerKWh: [0.4], pue: ScenarioDefaults.pue),
                              Region(name: "north", usdPerGPUHour: 2.5, kgCO2PerKWh: Array(repeating: 0.05, count: 24), pue: 1.2)])
        #expect(s.hardware.placement == .region("north") && s.schedule.maxUpdateDelayHours == 6)
        #expect(try loader.load(text: yaml(["regions": Self.regions]), file: "s").hardware.placement == .cheapest)
    }

    @Test func regionMistakesAreDiagnostics() {
        #expect(paths(["hardware": "{gpu: a100-80gb, placement: cleanest}"]) == ["hardware.placement"])
        #expect(paths(["hardware": "{gpu: a100-80gb, placement: south}", "regions": Self.regions]) == ["hardware.placement"])
        #expect(paths(["regions": "{name: home}"]) == ["regions"])
        #expect(paths(["regions": "[]"]) == ["regions"])
        #expect(paths(["regions": "[{usd_per_gpu_hour: 1}]"]) == ["regions[0].name"])
        #expect(paths(["regions": "[{name: a}, {name: a}]"]) == ["regions[1].name"])
        #expect(paths(["regions": "[{name: cleanest}]"]) == ["regions[0].name"])
        #expect(paths(["regions": "[{name: a, kg_co2_per_kwh: [0.1, 0.2]}]"]) == ["regions[0].kg_co2_per_kwh"])
        #expect(paths(["regions": "[{name: a, kg_co2_per_kwh: -1, pue: .nan, grid: x}]"])
            == ["regions[0].pue", "regions[0].kg_co2_per_kwh", "regions[0].grid"])
        #expect(paths(["schedule": "{max_update_delay_hours: -2}"]) == ["schedule.max_update_delay_hours"])
    }
}
