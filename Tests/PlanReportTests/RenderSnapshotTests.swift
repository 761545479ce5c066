import Foundation
import PlanCore
import Testing
@testable import PlanReport
import PlanSim

/// Snapshots of the renderers that moved out of the command layer (bench, calibrate, stored
/// runs), fed fixed figures so the text is the same on every machine.
struct RenderSnapshotTests {
    let snapshots = SnapshotTests()

    static let merge = BenchOutput.Merge(
        method: "ties", tasks: 5, elements: 16_777_216, density: 0.5, seconds: 0.1234, gbPerS: 2.72, streamSeconds: 0.0312,
        streamGBPerS: 10.75, peakFraction: 0.253, kernels: "avx2", portableSeconds: 0.4012, blasCore: "Haswell", threads: 2)
    static let gemm = BenchOutput.GEMM(
        size: 2048, seconds: 0.2155, gflops: 79.7, peakGFLOPS: 102.4, peakFraction: 0.778, peakMethod: "measured: 2 cores x 16 FMA chains",
        blasCore: "Haswell", threads: 2)
    static let finetune = BenchOutput.Finetune(
        dModel: 1024, layers: 4, heads: 16, kvHeads: 4, mlp: 2816, vocab: 512, sequenceLength: 256, rank: 16, tokensPerStep: 1024,
        seconds: 0.8123, modelFlops: 3.1e10, gflops: 38.2, sgemmSize: 2048, sgemmGFLOPS: 80.1, peakFraction: 0.477, loss: 6.2383,
        blasCore: "Haswell", threads: 2)

    static let calibration = CalibrationOutput.Figures(
        rates: KernelRates(
            matmulFlopsPerSecond: 61.23e9, mergeBytesPerSecond: 3.2e9, mergeSecondsPerModule: 12e-6, svdFlopsPerSecond: 8.8e9,
            memoryBytesPerSecond: 10.5e9),
        sgemmFlopsPerSecond: 80.1e9, sgemmSize: 2048, fmaPeakFlopsPerSecond: 102.4e9, fmaPeakMethod: "measured: 2 cores",
        blasCore: "Haswell", threads: 2, blasConfig: "OpenBLAS 0.3.21 DYNAMIC_ARCH", buildConfiguration: "release", coreWarning: nil,
        setupName: "quick", seconds: 41.5,
        stepCurve: StepCurve(gemmEfficiencyMax: 0.61, halfEfficiencyTokens: 180, stepOverheadSeconds: 0.004),
        stepPoints: [
            .init(sequencesPerStep: 1, tokensPerStep: 128, medianSeconds: 0.051, predictedSeconds: 0.052),
            .init(sequencesPerStep: 4, tokensPerStep: 512, medianSeconds: 0.150, predictedSeconds: 0.148),
        ])

    @Test func benchOutputs() throws {
        let text = [BenchOutput.table(Self.merge), BenchOutput.table(Self.gemm), BenchOutput.table(Self.finetune)].joined(separator: "\n")
        try snapshots.check(text, "bench-tables.txt")
        let json = JSONValue.array([BenchOutput.json(Self.merge), BenchOutput.json(Self.gemm), BenchOutput.json(Self.finetune)])
        try snapshots.check(json.rendered() + "\n", "bench.json")
    }

    @Test func calibrationOutputs() throws {
        try snapshots.check(CalibrationOutput.table(id: 3, name: "box", Self.calibration), "calibrate-table.txt")
        let json = JSONValue.object([
            ("document", CalibrationOutput.document(id: 3, name: "box", Self.calibration)),
            ("details", CalibrationOutput.details(Self.calibration)),
        ])
        try snapshots.check(json.rendered() + "\n", "calibrate.json")
    }

    /// A stored merge run shows its inputs (paths, both sha256), method and settings.
    static var mergeRun: StoredRun {
        let document = MergeDocument(
            method: "ties", inputs: [
                .init(path: "adapters/en", weight: 1, weightsSHA256: String(repeating: "a", count: 64), configSHA256: String(repeating: "b", count: 64),
                      rank: 8, alpha: 16),
                .init(path: "adapters/fr", weight: 0.5, weightsSHA256: String(repeating: "c", count: 64), configSHA256: String(repeating: "d", count: 64),
                      rank: 8, alpha: 16),
            ], output: "merged", density: 0.5, weights: [1, 0.5], majoritySign: "total", svdRank: nil, seed: 0, rank: 8, modules: 14,
            inputElements: 1000, outputElements: 500, seconds: 0.0123, blasCore: "Haswell", threads: 2, mergeKernels: "avx2")
        return StoredRun(
            id: 4, kind: .merge, startedAt: Date(timeIntervalSince1970: 1_800_000_000), finishedAt: Date(timeIntervalSince1970: 1_800_000_001),
            toolVersion: "test", scenarioName: nil, scenarioYAML: nil, scenarioHash: nil, seed: 0, trials: nil,
            machine: MeasurementDocument.machine(blasCore: "Haswell", threads: 2, blasConfig: "OpenBLAS", mergeKernels: "avx2").rendered(pretty: false),
            document: document.document(runID: 4).rendered(), results: [], series: [],
            measurements: [.init(name: "merge ties", predictedSeconds: nil, measuredSeconds: 0.0123, details: document.details.rendered(pretty: false))])
    }

    @Test func storedMergeRunShowsInputsMethodAndSettings() throws {
        let run = Self.mergeRun
        let table = RunOutput.showTable(run)
        for expected in ["adapters/en", String(repeating: "a", count: 64), String(repeating: "d", count: 64), "method", "ties", "density",
                         "majority_sign", "svd_rank", "weights"] {
            #expect(table.contains(expected), "runs show table lacks \(expected)")
        }
        try snapshots.check(table, "runs-show-merge.txt")
        let json = RunOutput.showJSON(run)
        let inputs = json["document"]?["merge"]?["inputs"]?.items ?? []
        #expect(inputs.map { $0["config_sha256"]?.string } == [String(repeating: "b", count: 64), String(repeating: "d", count: 64)])
        #expect(json["document"]?["merge"]?["method"]?.string == "ties" && json["document"]?["merge"]?["density"]?.number == 0.5)
        #expect(ResultCSV.run(run).hasPrefix(ResultCSV.measurementColumns.joined(separator: ",") + "\n4,merge,merge ties,,0.0123"))
    }

    /// A stored run of a kind this build does not know still shows and exports.
    @Test func anUnknownKindStillRenders() {
        var run = Self.mergeRun
        run.kind = .unknown("forecast")
        #expect(RunOutput.showTable(run).hasPrefix("run 4: forecast\n"))
        #expect(RunOutput.showJSON(run)["kind"]?.string == "forecast")
        #expect(ResultCSV.run(run).contains("\n4,forecast,merge ties,"))
    }

    /// A stored simulate run with Monte Carlo shows the percentiles, and its CSV is the command's.
    @Test func storedSimulationShowsPercentilesAndExportsTheCommandsCSV() throws {
        let (scenario, result) = try SnapshotTests().defaultResult()
        let monteCarlo = MonteCarlo(scenario: scenario, trials: 20, seed: 42).run()
        let document = SimulationDocument.make(runID: 5, scenario: scenario, result: result, monteCarlo: monteCarlo)
        let run = StoredRun(
            id: 5, kind: .simulate, startedAt: Date(timeIntervalSince1970: 0), finishedAt: Date(timeIntervalSince1970: 1), toolVersion: "test",
            scenarioName: scenario.name, scenarioYAML: "version: 1\n", scenarioHash: "00", seed: 42, trials: 20, machine: nil,
            document: document.rendered(), results: [], series: [], measurements: [])
        #expect(ResultCSV.run(run) == ResultCSV.simulation(record: try SimulationRecord(document: document.rendered()), runID: 5))
        let table = RunOutput.showTable(run)
        #expect(table.contains("Monte Carlo (20 trials):") && table.contains("savings_cost_usd"))
    }
}
