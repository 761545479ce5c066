import Foundation
import Testing
@testable import PlanCore

/// The importer's fit gives back the curve the measurements were generated from (StepTimeModel as
/// the forward model), and fits only what the runs can tell apart.
struct StepCurveFitTests {
    let catalog: Catalog

    init() throws { catalog = try Catalog.bundled() }

    func spec(_ model: String = "llama-3.1-8b", microBatch: Int, sequence: Int = 2048, accumulation: Int = 1, gpus: Int = 1,
              checkpointing: Bool = true) -> JobSpec {
        var spec = JobSpec(model: model)
        spec.microBatch = microBatch
        spec.sequenceLength = sequence
        spec.gradientAccumulation = accumulation
        spec.gpus = gpus
        spec.gradientCheckpointing = checkpointing
        return spec
    }

    /// Measured runs whose throughput the step-time model gives with `curve` on the spec's GPU.
    func generated(_ specs: [JobSpec], curve: StepCurve) throws -> [MeasuredRun] {
        try specs.enumerated().map { index, spec in
            let resolved = try spec.resolve(in: catalog)
            var device = resolved.gpu
            device.stepCurve = curve
            let rate = resolved.stepTime().throughput(resolved.job, gpu: device).tokensPerSecondPerGPU
            return MeasuredRun(source: "run\(index)", format: .csv, spec: spec, tokensPerSecondPerGPU: rate)
        }
    }

    /// One run measured at MFU 0.25 (runtime = tokens × model FLOPs / (peak × 0.25)): one
    /// parameter, fitted exactly, and the profile reproduces the run.
    @Test func singleRunAtMFUQuarterIsReproduced() throws {
        let job = try spec(microBatch: 2, sequence: 4096, accumulation: 8).resolve(in: catalog).job
        let tokens = 6_553_600.0
        let runtime = tokens * job.modelFlopsPerToken / (312e12 * 0.25)
        let run = MeasuredRun(source: "train_results.json", format: .trainer, spec: spec(microBatch: 2, sequence: 4096, accumulation: 8),
                              tokensPerSecondPerGPU: tokens / runtime)
        let fit = try StepCurveFit.fit([run], catalog: catalog)
        #expect(fit.fitted == [.gemmEfficiencyMax])
        #expect(abs(fit.runs[0].measuredMFU - 0.25) < 0.0025)
        #expect(fit.maxAbsError < 1e-6)
        let device = fit.device(named: "p")
        let throughput = StepTimeModel(stack: fit.stack).throughput(job, gpu: device)
        #expect(abs(tokens / throughput.tokensPerSecondPerGPU / runtime - 1) < 1e-6)
        #expect(abs(throughput.mfu - 0.25) < 0.0025)
        // Half-efficiency tokens, overhead and overlap stay at the stack's values on the A100.
        #expect(fit.curve.halfEfficiencyTokens == fit.stackCurve.halfEfficiencyTokens)
        #expect(fit.curve.stepOverheadSeconds == fit.stackCurve.stepOverheadSeconds)
    }

    /// Four shapes generated from a known curve give back all three single-GPU parameters.
    @Test func recoversAKnownCurve() throws {
        let truth = StepCurve(gemmEfficiencyMax: 0.45, halfEfficiencyTokens: 1500, stepOverheadSeconds: 0.3)
        let specs = [spec(microBatch: 1, sequence: 512), spec(microBatch: 1), spec(microBatch: 4, accumulation: 2), spec(microBatch: 2, accumulation: 4)]
        let fit = try StepCurveFit.fit(try generated(specs, curve: truth), catalog: catalog)
        #expect(fit.fitted == [.gemmEfficiencyMax, .halfEfficiencyTokens, .stepOverheadSeconds])
        #expect(abs(fit.curve.gemmEfficiencyMax / 0.45 - 1) < 0.01, "\(fit.curve)")
        #expect(abs(fit.curve.halfEfficiencyTokens / 1500 - 1) < 0.01, "\(fit.curve)")
        #expect(abs(fit.curve.stepOverheadSeconds / 0.3 - 1) < 0.01, "\(fit.curve)")
        #expect(fit.maxAbsError < 1e-4)
    }

    /// Runs on one and several GPUs also give back the communication overlap.
    @Test func recoversOverlapFromSeveralGPUCounts() throws {
        let truth = StepCurve(gemmEfficiencyMax: 0.5, halfEfficiencyTokens: 800, stepOverheadSeconds: 0.2, communicationOverlap: 0.4)
        let specs = [spec(microBatch: 1, sequence: 1024), spec(microBatch: 2), spec(microBatch: 4, accumulation: 2),
                     spec(microBatch: 1, gpus: 4), spec(microBatch: 2, gpus: 8)]
        let fit = try StepCurveFit.fit(try generated(specs, curve: truth), catalog: catalog)
        #expect(fit.fitted == StepCurveFit.Parameter.allCases)
        #expect(abs((fit.curve.communicationOverlap ?? -1) - 0.4) < 0.01, "\(fit.curve)")
        #expect(abs(fit.curve.gemmEfficiencyMax / 0.5 - 1) < 0.01, "\(fit.curve)")
        #expect(fit.maxAbsError < 1e-4)
    }

    /// A CPU measured against a GPU's datasheet is 4 orders of magnitude below its curve: the
    /// log-space search still lands on it.
    @Test func fitsEfficienciesFarBelowTheStack() throws {
        let truth = StepCurve(gemmEfficiencyMax: 3e-4, halfEfficiencyTokens: 459, stepOverheadSeconds: 0.1)
        let fit = try StepCurveFit.fit(try generated([spec(microBatch: 1)], curve: truth), catalog: catalog)
        #expect(abs(fit.curve.gemmEfficiencyMax / 3e-4 - 1) < 0.01, "\(fit.curve)")
    }

    /// Which parameters the runs can determine (documented on StepCurveFit).
    @Test(arguments: [
        ([(1, 1, 1)], [StepCurveFit.Parameter.gemmEfficiencyMax]),
        ([(1, 1, 1), (1, 1, 1)], [.gemmEfficiencyMax]),
        ([(1, 1, 1), (2, 1, 1)], [.gemmEfficiencyMax, .halfEfficiencyTokens]),
        ([(1, 1, 1), (1, 4, 1)], [.gemmEfficiencyMax, .stepOverheadSeconds]),
        ([(1, 1, 1), (2, 1, 1), (4, 1, 1)], [.gemmEfficiencyMax, .halfEfficiencyTokens, .stepOverheadSeconds]),
        ([(1, 1, 1), (2, 1, 1), (4, 1, 1), (1, 1, 4)], StepCurveFit.Parameter.allCases),
        ([(1, 1, 2), (1, 1, 4)], [.gemmEfficiencyMax, .communicationOverlap]),
    ])
    func parametersFollowTheRuns(_ shapes: [(Int, Int, Int)], _ expected: [StepCurveFit.Parameter]) throws {
        let jobs = try shapes.map { try spec(microBatch: $0.0, accumulation: $0.1, gpus: $0.2).resolve(in: catalog).job }
        #expect(StepCurveFit.parameters(for: jobs) == expected)
    }

    @Test func refusesRunsOnSeveralGPUs() throws {
        var other = spec(microBatch: 1)
        other.gpu = "h100-sxm"
        let runs = [MeasuredRun(source: "a", format: .csv, spec: spec(microBatch: 1), tokensPerSecondPerGPU: 1000),
                    MeasuredRun(source: "b", format: .csv, spec: other, tokensPerSecondPerGPU: 1000)]
        #expect(throws: PlanCoreError.self) { try StepCurveFit.fit(runs, catalog: catalog) }
    }
}
