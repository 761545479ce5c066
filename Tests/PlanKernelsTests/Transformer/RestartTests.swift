import Testing
@testable import PlanKernels

/// A tuner restarted for a new adapter trains exactly as a fresh tuner does, and keeps its step
/// buffers (reset in place) when the LoRA shape does not change.
struct RestartTests {
    static let config = TransformerConfig(vocab: 11, dModel: 8, layers: 2, heads: 4, kvHeads: 2, headDim: 4, mlp: 12, sequenceLength: 5)
    static let mode = TrainingMode.lora(rank: 2, alpha: 4, targets: Projection.allCases)

    static func losses(_ tuner: FineTuner, steps: Int) throws -> [Double] {
        try (0..<steps).map { step in try tuner.train(try GradientCheckTests.batch(config, sequences: 2, seed: UInt64(10 + step))) }
    }

    @Test func restartedTunerTrainsLikeAFreshOne() throws {
        let used = try FineTuner(config: Self.config, mode: Self.mode, sequencesPerStep: 2, baseSeed: 3, adapterSeed: 4)
        _ = try Self.losses(used, steps: 3)
        try used.restart(mode: Self.mode, seed: 9)
        let fresh = try FineTuner(config: Self.config, mode: Self.mode, sequencesPerStep: 2, baseSeed: 3, adapterSeed: 9)
        #expect(try Self.losses(used, steps: 4) == (try Self.losses(fresh, steps: 4)))
        #expect(try used.adapter().modules.map(\.b.storage) == (try fresh.adapter().modules.map(\.b.storage)))
    }

    @Test func sameShapeKeepsTheBuffersAndOtherShapesResize() throws {
        let model = TransformerModel<Float>(config: Self.config, mode: Self.mode, sequences: 2, baseSeed: 3, adapterSeed: 4)
        model.activations[0] = 1
        model.gradients[0] = 1
        model.reconfigure(mode: Self.mode, adapterSeed: 5)
        #expect(model.activations.allSatisfy { $0 == 0 } && model.gradients.allSatisfy { $0 == 0 })
        #expect(model.firstMoment.count == model.gradients.count && model.secondMoment.count == model.gradients.count)
        let wider = TrainingMode.lora(rank: 3, alpha: 6, targets: Projection.allCases)
        model.reconfigure(mode: wider, adapterSeed: 5)
        #expect(model.lora.count == LoRALayout(Self.config, mode: wider).count)
        #expect(model.gradients.count == model.lora.count && model.activations.count == model.layout.count)
    }

    @Test func zeroReusesOrResizes() {
        var buffer: [Float] = [1, 2, 3]
        TransformerModel<Float>.zero(&buffer, count: 3)
        #expect(buffer == [0, 0, 0])
        TransformerModel<Float>.zero(&buffer, count: 5)
        #expect(buffer == [0, 0, 0, 0, 0])
    }
}
