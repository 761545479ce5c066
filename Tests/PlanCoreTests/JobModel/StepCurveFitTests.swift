import Foundation
import Testing
@testable import PlanCore

/// The fit recovers a curve from step times the step-time model itself generated.
struct StepCurveFitTests {
    let catalog = try! Catalog.bundled()

    @Test(arguments: [(0.31, 0.8), (0.55, 0.0), (0.9, 2.5)])
    func recoversEfficiencyAndOverhead(eta: Double, overhead: Double) throws {
        let stack = try catalog.stack("hf")
        var gpu = try catalog.gpu("a100-80gb")
        let half = stack.halfEfficiencyRidges * gpu.ridgeFlopsPerByte
        gpu.stepCurve = StepCurve(gemmEfficiencyMax: eta, halfEfficiencyTokens: half, stepOverheadSeconds: overhead)
        let model = StepTimeModel(stack: stack)
        let jobs = [1, 2, 4, 8].map {
            TrainingJob(model: try! catalog.model("mistral-7b"), method: .lora, context: 2048, microBatch: $0, gradientCheckpointing: true)
        }
        let samples = jobs.map { StepCurveFit.Sample(job: $0, stepSeconds: model.step($0, gpu: gpu).total) }
        var bare = gpu
        bare.stepCurve = nil
        let fit = try StepCurveFit.fit(samples, gpu: bare, stack: stack)
        #expect(abs(fit.curve.gemmEfficiencyMax / eta - 1) < 1e-6, "\(fit.curve)")
        #expect(abs(fit.curve.stepOverheadSeconds - overhead) < 1e-6)
        #expect(fit.relativeErrors.allSatisfy { abs($0) < 1e-9 })
    }

    @Test func rejectsEmptyAndNonPositiveSamples() throws {
        let stack = try catalog.stack("hf"), gpu = try catalog.gpu("a100-80gb")
        #expect(throws: PlanCoreError.self) { try StepCurveFit.fit([], gpu: gpu, stack: stack) }
        let job = TrainingJob(model: try catalog.model("mistral-7b"), method: .lora)
        #expect(throws: PlanCoreError.self) { try StepCurveFit.fit([.init(job: job, stepSeconds: 0)], gpu: gpu, stack: stack) }
        #expect(throws: PlanCoreError.self) { try StepCurveFit.fit([.init(job: job, stepSeconds: .nan)], gpu: gpu, stack: stack) }
    }
}
