import Testing
@testable import PlanCore

/// CPU merge jobs follow `MergeCostModel`, priced with given rates (numbers derived from the
/// formulas, not measured).
struct CPUMergeModelTests {
    static let model = ModelArchitecture(name: "tiny", layers: 2, hidden: 64, mlp: 128, heads: 2, kvHeads: 1, vocab: 50, headDim: 32)

    static func finetune() -> Finetune {
        var f = Finetune()
        f.rank = 4
        f.alpha = 8
        f.sequenceLength = 16
        return f
    }

    static let rates = KernelRates(
        matmulFlopsPerSecond: 1e9, mergeBytesPerSecond: 1e9, mergeSecondsPerModule: 1e-5, svdFlopsPerSecond: 1e9, memoryBytesPerSecond: 1e10)

    @Test func mergeIsBytesAtTheMergeRatePlusModules() {
        let cost = CPUMergeModel(model: Self.model, finetune: Self.finetune(), rates: Self.rates)
        let work = MergeCostModel(method: "ties", model: Self.model, rank: 4, targets: ModelArchitecture.projectionNames).work(tasks: 3)
        let energy = EnergyRates(gpuWatts: 65, pue: 1, kgCO2PerKWh: 0, usdPerGPUHour: 0)
        let job = cost.merge(name: "merge", method: "ties", adapters: 3, energy: energy)
        #expect(abs(job.wallSeconds - (work.bytes / 1e9 + 14 * 1e-5)) < 1e-12)
    }
}
