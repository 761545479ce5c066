import Testing
@testable import PlanCore

/// The CPU-scale cost model: its parts follow `TrainingFlops` and `MergeCostModel`, priced with
/// given rates (numbers below are derived from the formulas, not measured).
struct SmallScaleCostModelTests {
    static let model = ModelArchitecture(name: "tiny", layers: 2, hidden: 64, mlp: 128, heads: 2, kvHeads: 1, vocab: 50, headDim: 32)

    static func finetune() -> Finetune {
        var f = Finetune()
        f.rank = 4
        f.alpha = 8
        f.sequenceLength = 16
        return f
    }

    static let rates = KernelRates(
        matmulFlopsPerSecond: 1e9, adapterFlopsPerSecond: 5e8, attentionFlopsPerSecond: 2.5e8, normSecondsPerElement: 1e-9,
        activationSecondsPerElement: 2e-9, softmaxSecondsPerElement: 3e-9, rotarySecondsPerElement: 4e-9,
        crossEntropySecondsPerElement: 5e-9, copySecondsPerElement: 6e-10, optimizerSecondsPerParameter: 7e-9, secondsPerStep: 1e-4,
        mergeBytesPerSecond: 1e9, mergeSecondsPerModule: 1e-5, svdFlopsPerSecond: 1e9, memoryBytesPerSecond: 1e10)

    @Test func stepPartsFollowTheFlopFormulas() {
        let cost = SmallScaleCostModel(model: Self.model, finetune: Self.finetune(), rates: Self.rates, sequencesPerStep: 3)
        let flops = TrainingFlops(model: Self.model, finetune: Self.finetune())
        let t = 3.0 * 16
        let step = cost.stepSeconds()
        #expect(abs(step.matmul - 2 * flops.matmulForward * t / 1e9) < 1e-15)
        #expect(abs(step.adapter - flops.adapterFlops * t / 5e8) < 1e-15)
        // Dense S × S attention: the causal count × 2S / (S + 1).
        #expect(abs(step.attention - 3 * flops.attentionForward(context: 16) * (32.0 / 17) * t / 2.5e8) < 1e-15)
        // (2L + 1)·d norms, L·mlp SwiGLU, L·heads·S softmax, L·(heads + kv)·head_dim rotary,
        // (2L + 1)·d copies, vocab cross-entropy.
        let norms: Double = 5 * 64 * 1e-9
        let activation: Double = 2 * 128 * 2e-9
        let softmax: Double = 2 * 2 * 16 * 3e-9
        let rotary: Double = 2 * 3 * 32 * 4e-9
        let copies: Double = 5 * 64 * 6e-10
        let crossEntropy: Double = 50 * 5e-9
        let perToken = norms + activation + softmax + rotary + copies + crossEntropy
        #expect(abs(step.elementwise - perToken * t) < 1e-15)
        #expect(abs(step.optimizer - Self.model.loraParameters(rank: 4, targets: ModelArchitecture.projectionNames) * 7e-9) < 1e-15)
        #expect(step.fixed == 1e-4)
    }

    @Test func trainingIsStepsTimesStepSeconds() {
        let cost = SmallScaleCostModel(model: Self.model, finetune: Self.finetune(), rates: Self.rates, sequencesPerStep: 4)
        #expect(cost.steps(sequences: 9, epochs: 2) == 6)
        let energy = EnergyRates(gpuWatts: 65, pue: 1, kgCO2PerKWh: 0, usdPerGPUHour: 0)
        let job = cost.training(name: "job", sequences: 9, epochs: 2, energy: energy)
        #expect(abs(job.wallSeconds - 6 * cost.stepSeconds().total) < 1e-12)
        #expect(job.tokens == 6 * 4 * 16)
    }

    @Test func mergeIsBytesAtTheMergeRatePlusModules() {
        let cost = SmallScaleCostModel(model: Self.model, finetune: Self.finetune(), rates: Self.rates, sequencesPerStep: 1)
        let work = MergeCostModel(method: "ties", model: Self.model, rank: 4, targets: ModelArchitecture.projectionNames).work(tasks: 3)
        let energy = EnergyRates(gpuWatts: 65, pue: 1, kgCO2PerKWh: 0, usdPerGPUHour: 0)
        let job = cost.merge(name: "merge", method: "ties", adapters: 3, energy: energy)
        #expect(abs(job.wallSeconds - (work.bytes / 1e9 + 14 * 1e-5)) < 1e-12)
    }
}
