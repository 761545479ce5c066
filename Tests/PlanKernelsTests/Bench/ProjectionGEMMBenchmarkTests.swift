import Testing
@testable import PlanKernels

/// `ProjectionGEMMBenchmark` refuses what it cannot time and reports a usable rate (never its
/// value); `Stopwatch.lowerQuartile` picks the documented element.
struct ProjectionGEMMBenchmarkTests {
    static let config = TransformerConfig(vocab: 40, dModel: 16, layers: 2, heads: 2, kvHeads: 1, headDim: 8, mlp: 24, sequenceLength: 8)

    @Test func emptyStepsAndInvalidConfigsAreRefused() {
        #expect(throws: KernelError.self) { try ProjectionGEMMBenchmark.flopsPerSecond(config: Self.config, sequences: 0, repetitions: 1) }
        var odd = Self.config
        odd.kvHeads = 3
        #expect(throws: KernelError.self) { try ProjectionGEMMBenchmark.flopsPerSecond(config: odd, sequences: 1, repetitions: 1) }
    }

    @Test func rateIsPositiveAndFinite() throws {
        let rate = try ProjectionGEMMBenchmark.flopsPerSecond(config: Self.config, sequences: 2, repetitions: 1)
        #expect(rate > 0 && rate.isFinite)
    }

    @Test func layerShapesAreTheFusedWeights() {
        let shapes = ProjectionGEMMBenchmark.layerShapes(Self.config)
        #expect(shapes.map(\.rows) == [32, 16, 48, 16])
        #expect(shapes.map(\.columns) == [16, 16, 16, 24])
    }

    @Test func lowerQuartileOfSmallAndLargeSamples() {
        #expect(Stopwatch.lowerQuartile([]) == 0)
        #expect(Stopwatch.lowerQuartile([3, 1]) == 2)
        #expect(Stopwatch.lowerQuartile([5, 1, 4, 2, 3, 9, 7, 8]) == 3)
    }

    @Test func lowerQuartileRunsOneUntimedWarmUp() {
        var runs = 0
        _ = Stopwatch.lowerQuartile(of: 4) { runs += 1 }
        #expect(runs == 5)
        runs = 0
        _ = Stopwatch.lowerQuartile(of: 0) { runs += 1 }
        #expect(runs == 2)
    }
}
