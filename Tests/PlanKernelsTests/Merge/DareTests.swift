import Testing
@testable import PlanKernels

@Suite("DARE at density < 1, by its properties")
struct DareTests {
    static let densities = [0.1, 0.5, 0.9]

    @Test("keeps about density·n entries, each rescaled by exactly 1/density", arguments: densities)
    func keptFractionAndRescale(_ density: Double) throws {
        let n = 1 << 20
        let task = randomValues(n, seed: 11).map { $0 == 0 ? 0.5 : $0 }
        let merged = try TaskVectorMerge(sparsification: .dare(density: density), consensus: nil, seed: 5)
            .merge([task], weights: [1])
        var kept = 0
        for (value, original) in zip(merged, task) where value != 0 {
            kept += 1
            #expect(abs(value - original * Float(1 / density)) <= 1e-6 * abs(value))
        }
        let fraction = Double(kept) / Double(n)
        let sigma = (density * (1 - density) / Double(n)).squareRoot()
        #expect(abs(fraction - density) < 6 * sigma)
    }

    @Test("the expectation is preserved: the mean over seeds approaches the input", arguments: densities)
    func expectationPreserved(_ density: Double) throws {
        let task = randomValues(4096, seed: 12)
        let trials = 400
        var mean = [Double](repeating: 0, count: task.count)
        for seed in 0..<trials {
            let merged = try TaskVectorMerge(sparsification: .dare(density: density), consensus: nil, seed: UInt64(seed))
                .merge([task], weights: [1])
            for index in mean.indices { mean[index] += Double(merged[index]) / Double(trials) }
        }
        // Per entry the estimator's standard deviation is |x|·sqrt((1 − d) / (d · trials)).
        let bound = 6 * ((1 - density) / (density * Double(trials))).squareRoot()
        #expect(relativeError(mean, task) < bound)
        let sumMean = mean.reduce(0, +), sumTask = task.reduce(0.0) { $0 + Double($1) }
        #expect(abs(sumMean - sumTask) < bound * Double(task.count).squareRoot())
    }

    @Test("the same seed gives the same mask, another seed another, independent of chunking")
    func seeded() throws {
        let tasks = (0..<3).map { randomValues(200_000, seed: UInt64($0)) }
        let pipeline = TaskVectorMerge(sparsification: .dare(density: 0.3), consensus: .total, seed: 9)
        let first = try pipeline.merge(tasks, weights: [1, 1, 1])
        #expect(try pipeline.merge(tasks, weights: [1, 1, 1]) == first)
        var other = pipeline
        other.seed = 10
        #expect(try other.merge(tasks, weights: [1, 1, 1]) != first)
    }

    @Test("dare_ties at density < 1 elects signs on the rescaled kept entries")
    func dareTiesConsistency() throws {
        let tasks = (0..<3).map { randomValues(50_000, seed: UInt64(20 + $0)) }
        let weights: [Float] = [1, 0.5, 2]
        let dareTies = try TaskVectorMerge(sparsification: .dare(density: 0.4), consensus: .total, seed: 4)
            .merge(tasks, weights: weights)
        // Rebuild the kept tensors of each task (single-task DARE with the same streams) and apply TIES' rules.
        let kept = try (0..<3).map { t in
            try TaskVectorMerge(sparsification: .dare(density: 0.4), consensus: nil, seed: 4)
                .merge([tasks[t]], weights: [1], streamTask: t)
        }
        let reference = referenceMerge(kept, weights: weights.map(Double.init), density: nil, consensus: .total)
        #expect(relativeError(dareTies, reference) <= 1e-6)
    }

    /// The masks' streams are part of every seeded DARE result: lane l of `DareLanes(seed: 77)`
    /// starts from `SplitMix64.derive(77, l)`. Pinned from the reference algorithms, on every
    /// implementation this CPU has.
    @Test("DARE masks for a fixed seed are the pinned ones")
    func masksPinned() {
        let expected = "10010001111000000001000010000000"
        let source = [Float](repeating: 1, count: expected.count)
        for kernels in MergeKernels.allCases where kernels.isAvailable {
            var lanes = DareLanes(seed: 77)
            var kept = [Float](repeating: .nan, count: source.count)
            BufferScope.reading(source) { source in
                BufferScope.mutating(&kept) { kept in
                    lanes.keep(source, limit: Int32(0.3 * 2_147_483_648.0), scale: 1, into: kept, kernels: kernels)
                }
            }
            #expect(String(kept.map { $0 == 1 ? "1" : "0" }) == expected, "\(kernels)")
        }
    }
}

extension TaskVectorMerge {
    /// DARE on one task with the random stream that task `t` gets in a multi-task merge (test helper).
    func merge(_ tasks: [[Float]], weights: [Float], streamTask t: Int) throws -> [Float] {
        let padding = [[Float]](repeating: [Float](repeating: 0, count: tasks[0].count), count: t)
        var weightsPadded = [Float](repeating: 0, count: t)
        weightsPadded.append(contentsOf: weights)
        return try merge(padding + tasks, weights: weightsPadded)
    }
}
