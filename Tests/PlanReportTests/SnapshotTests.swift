import Foundation
import Testing
@testable import PlanCore
@testable import PlanReport
@testable import PlanSim
import PlanTestSupport

/// Snapshots of text outputs for the default scenario. Re-record on purpose with
/// `PLAN_RECORD_SNAPSHOTS=1 swift test --filter PlanReportTests` records (and fails: "recorded, re-run"), then
/// review the diff and re-run without it.
struct SnapshotTests {
    static let folder = Snapshot.folder(besides: #filePath)

    func check(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        Snapshot.check(text, name, in: Self.folder, sourceLocation: sourceLocation)
    }

    func defaultResult() throws -> (Scenario, SimulationResult) {
        let loader = ScenarioLoader(catalog: try Catalog.bundled())
        let scenario = try loader.load(text: try Catalog.scenarioText(Catalog.defaultScenarioName), file: "default")
        return (scenario, Simulator(scenario: scenario).run(seed: 42))
    }

    @Test func simulationTable() throws {
        let (scenario, result) = try defaultResult()
        try check(SimulationTable.render(runID: 1, scenario: scenario, result: result), "simulate-table.txt")
    }

    @Test func simulationJSONAndCSV() throws {
        let (scenario, result) = try defaultResult()
        try check(SimulationDocument.make(runID: 1, scenario: scenario, result: result).rendered() + "\n", "simulate.json")
        let document = SimulationDocument.make(runID: 1, scenario: scenario, result: result).rendered()
        try check(ResultCSV.simulation(record: try SimulationRecord(document: document), runID: 1), "simulate.csv")
    }

    @Test func simulationCSVWithMonteCarlo() throws {
        let (scenario, result) = try defaultResult()
        let monteCarlo = MonteCarlo(scenario: scenario, trials: 40, seed: 42).run()
        let document = SimulationDocument.make(runID: 1, scenario: scenario, result: result, monteCarlo: monteCarlo)
        try check(ResultCSV.simulation(record: try SimulationRecord(document: document.rendered()), runID: 1), "simulate-trials.csv")
    }

    @Test func sweepJSONAndCSV() throws {
        let (scenario, _) = try defaultResult()
        let sweep = try Sweep(scenario: scenario, seed: 42).run(.init(field: "schedule.horizon_days", from: 10, to: 60, step: 25))
        let document = SweepDocument.make(runID: 2, scenario: scenario, sweeps: [sweep], tornado: nil)
        try check(document.rendered() + "\n", "sweep.json")
        try check(ResultCSV.sweep(document: document), "sweep.csv")
    }

    @Test func gnuplotScripts() throws {
        let (_, result) = try defaultResult()
        for (name, script) in GnuplotScript.all(CostCurves(result: result)) {
            #expect(script.contains("noenhanced"))
            try check(script, name + ".gp")
        }
    }

    @Test func sweepTornadoAndMonteCarloScripts() throws {
        let (scenario, result) = try defaultResult()
        let sweep = try Sweep(scenario: scenario, seed: 42).run(.init(field: "schedule.horizon_days", from: 10, to: 60, step: 10))
        let tornado = try Tornado(scenario: scenario, seed: 42).run()
        let monteCarlo = MonteCarlo(scenario: scenario, trials: 40, seed: 42).run()
        let scripts = [
            GnuplotScript.sweep(sweep, title: scenario.name), GnuplotScript.tornado(tornado, title: scenario.name),
            GnuplotScript.monteCarloBands(
                monteCarlo, strategies: result.strategies.map(\.kind.rawValue), figure: "cost_usd", label: "total cost (USD)",
                title: scenario.name),
        ]
        for (name, script) in scripts {
            #expect(script.contains("noenhanced"))
            try check(script, name + ".gp")
        }
    }

    @Test func validationScripts() throws {
        let points = [
            ValidationPlots.Point(name: "combined training", predictedSeconds: 35.7, measuredSeconds: 26.4),
            ValidationPlots.Point(name: "adapter \"de\"", predictedSeconds: 4.2, measuredSeconds: 4.5),
            ValidationPlots.Point(name: "ties merge", predictedSeconds: 0.031, measuredSeconds: 0.027),
        ]
        let losses = [
            ValidationPlots.LossRow(language: "en", losses: [0.74, 2.31, 3.07]),
            ValidationPlots.LossRow(language: "de", losses: [1.73, 2.39, 3.45]),
        ]
        let scripts = ValidationPlots.all(points: points, losses: losses, models: ["combined", "adapter", "ties"], setup: "quick")
        #expect(scripts.map(\.name) == ["validation_parity", "validation_losses"])
        for (name, script) in scripts {
            #expect(script.contains("noenhanced"))
            try check(script, name + ".gp")
        }
    }

    @Test(.enabled(if: Gnuplot.executable() != nil, "needs gnuplot (CI installs gnuplot-nox)"))
    func gnuplotRendersPNGAndSVGWhenInstalled() throws {
        let (_, result) = try defaultResult()
        let folder = try temporaryFolder("plan-plots")
        let written = try PlotWriter.write(GnuplotScript.all(CostCurves(result: result)), to: folder)
        #expect(written.count == 9)
        for file in written {
            let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            #expect(size > 100, "\(file.lastPathComponent) is empty")
        }
        let png = try Data(contentsOf: folder.appendingPathComponent("cumulative_gpu_hours.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".plan-tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func numberFormatting() {
        #expect(NumberFormat.quantity(1_234_567.8) == "1,234,568")
        #expect(NumberFormat.quantity(12.345) == "12.35")
        #expect(NumberFormat.dollars(12_345.6) == "$12,346")
        #expect(NumberFormat.tokens(59_500_000) == "59.5M")
        #expect(NumberFormat.percent(0.6789) == "67.9%")
        #expect(JSONValue.object([("a", .number(0.5)), ("b", .number(3)), ("c", .number(.nan))]).rendered(pretty: false) == #"{"a":0.5,"b":3,"c":null}"#)
    }
}
