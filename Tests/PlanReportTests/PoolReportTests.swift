import Foundation
import Testing
@testable import PlanCore
@testable import PlanReport
@testable import PlanSim

/// The pool section, reserved pricing, the day-0 break-even explanation and the sweep verdicts.
struct PoolReportTests {
    func scenario(_ edit: (String) -> String = { $0 }) throws -> (Scenario, String) {
        let text = edit(try Catalog.scenarioText(Catalog.defaultScenarioName))
        return (try ScenarioLoader(catalog: try Catalog.bundled()).load(text: text, file: "default"), text)
    }

    func report(_ scenario: Scenario, _ yaml: String, sweeps: [Sweep.Result] = []) -> ReportDocument {
        CapacityReport.make(ReportInput(
            runID: 1, kind: sweeps.isEmpty ? "simulate" : "sweep", startedAt: Date(timeIntervalSince1970: 1_800_000_000), toolVersion: "test",
            scenario: scenario, yaml: yaml, seed: 42, simulation: Simulator(scenario: scenario).run(seed: 42), monteCarlo: nil,
            sweeps: sweeps, tornado: nil, calibration: nil, consistencyWarning: nil)).document
    }

    @Test func anUpdateOnDayZeroIsExplained() throws {
        // The study's update moved to day 0: merge's initial build costs more, yet it is cheaper by the end of day 0.
        let (scenario, _) = try scenario { $0.replacingOccurrences(of: "{day: 30, language: en", with: "{day: 0, language: en") }
        let result = Simulator(scenario: scenario).run(seed: 42)
        let merge = try #require(result.strategy(.merge))
        #expect(merge.breakEvenDay == 0)
        let table = SimulationTable.render(runID: nil, scenario: scenario, result: result)
        #expect(table.contains("cheaper from day 0 on") && table.contains("an update also arrives on day 0"))
        #expect(table.contains("the initial build alone costs 6.3% more"))
    }

    /// The header names the tensor-parallel groups, for the scenario and per strategy.
    @Test func theHeaderNamesTensorParallelGroups() throws {
        var (scenario, _) = try scenario()
        #expect(SimulationTable.gpusPerJob(scenario) == "1 GPU(s) per job")
        scenario.hardware.gpusPerJob = 4
        scenario.hardware.tensorParallel = 2
        #expect(SimulationTable.gpusPerJob(scenario) == "4 GPU(s) per job in TP 2 groups")
        scenario.strategyOptions[.merge] = StrategyOptions(gpusPerJob: 2, tensorParallel: 1)
        #expect(SimulationTable.gpusPerJob(scenario) == "GPUs per job: full-retrain 4 in TP 2 groups, merge 2")
    }

    @Test func reservedPricingShowsBothCosts() throws {
        let (scenario, yaml) = try scenario { $0.replacingOccurrences(of: "usd_per_gpu_hour: 2.0 ", with: "usd_per_gpu_hour: 2.0\n  pricing: reserved ") }
        #expect(scenario.hardware.pricing == .reserved)
        let result = Simulator(scenario: scenario).run(seed: 42)
        let table = SimulationTable.render(runID: nil, scenario: scenario, result: result)
        // 2 GPUs × 365 days × 24 h × $2 = $35,040, besides the busy-hour costs.
        #expect(table.contains("reserved cost") && table.contains("$35,040") && table.contains("$25.44"))
        let markdown = report(scenario, yaml).markdown
        #expect(markdown.contains("## Pool") && markdown.contains("| reserved cost |") && markdown.contains("The pool is reserved: $35,040"))
        let json = SimulationDocument.make(runID: nil, scenario: scenario, result: result).rendered()
        #expect(json.contains("\"reserved_cost_usd\": 35040") && json.contains("\"pricing\": \"reserved\""))
    }

    @Test func aSaturatedPoolIsFlaggedEverywhere() throws {
        // A 1-day horizon and 100x the study's update: the update waits far longer than the horizon.
        let (scenario, yaml) = try scenario {
            $0.replacingOccurrences(of: "horizon_days: 365", with: "horizon_days: 1")
                .replacingOccurrences(of: "{day: 30, language: en, add_examples: 5000}", with: "{day: 1, language: en, add_examples: 500000}")
        }
        let result = Simulator(scenario: scenario).run(seed: 42)
        #expect(result.strategies.allSatisfy { $0.pool.saturated })
        let warnings = PoolTable.saturationWarnings(result)
        #expect(warnings.count == 2 && warnings[0].contains("cannot keep up with full-retrain") && warnings[0].contains("plan size"))
        #expect(SimulationDocument.make(runID: nil, scenario: scenario, result: result).rendered().contains("\"saturated\": true"))
        #expect(report(scenario, yaml).markdown.contains("**Saturated:**"))
    }

    @Test func sweepVerdictsNameEveryRegion() throws {
        func point(_ v: Double, _ gap: Double) -> Sweep.Point { Sweep.Point(value: v, strategies: [], gapUSD: gap, baselineCostUSD: 10) }
        func result(_ points: [Sweep.Point]) -> Sweep.Result {
            let crossing = Sweep.breakEven(points)
            return Sweep.Result(range: .init(field: "f", from: 1, to: Double(points.count), step: 1), baseline: .fullRetrain, compared: .merge,
                                points: points, crossings: Sweep.crossings(points), regions: Sweep.regions(points),
                                breakEven: crossing.first, breakEvenInterpolated: crossing.interpolated, cheaperThroughout: crossing.throughout,
                                saturatedValues: [])
        }
        let issue = result([point(300, -3.48), point(330, -3.48), point(360, -3.48), point(390, 4.67), point(420, 4.67)])
        #expect(SweepTable.summary(issue) == "merge is cheaper for f ≤ 360, dearer from 390 (against full-retrain)")
        #expect(SweepTable.crossingLines(issue) == ["crossing between 360 and 390 (≈ 372.8 by linear interpolation): merge becomes dearer"])
        let zigzag = result([point(1, 1), point(2, -1), point(3, -1), point(4, 1)])
        #expect(SweepTable.summary(zigzag) == "merge is dearer for f ≤ 1, cheaper from 2 to 3, dearer from 4 (against full-retrain)")
        #expect(SweepTable.summary(result([point(1, -1), point(2, -2)])) == "merge is cheaper than full-retrain over the whole range")
        let plot = GnuplotScript.sweep(zigzag, title: "t").script
        #expect(plot.components(separatedBy: "set arrow").count == 3)
        let json = SweepDocument.sweep(issue).rendered()
        #expect(json.contains("\"cheaper_throughout\": false") && json.contains("\"becomes\": \"dearer\""))
    }
}
