import Testing
@testable import PlanKernels
import PlanRandom

/// A direct Double transcription of DESIGN §6 for deterministic presets (no DARE).
func referenceMerge(_ tasks: [[Float]], weights: [Double], density: Double?, consensus: MajoritySign?) -> [Double] {
    let n = tasks[0].count
    let pruned: [[Double]] = tasks.map { task in
        guard let density, density < 1 else { return task.map(Double.init) }
        let k = Int(density * Double(n))
        let order = task.indices.sorted { abs(task[$0]) > abs(task[$1]) || (abs(task[$0]) == abs(task[$1]) && $0 < $1) }
        var kept = [Double](repeating: 0, count: n)
        for index in order.prefix(k) { kept[index] = Double(task[index]) }
        return kept
    }
    return (0..<n).map { i in
        guard let consensus else { return zip(pruned, weights).reduce(0) { $0 + $1.1 * $1.0[i] } }
        let elect = pruned.reduce(0.0) { sum, task in
            let v = task[i]
            return sum + (consensus == .total ? v : (v > 0 ? 1 : (v < 0 ? -1 : 0)))
        }
        var sum = 0.0, agreeing = 0.0
        for (task, w) in zip(pruned, weights) where elect >= 0 ? task[i] > 0 : task[i] < 0 {
            sum += w * task[i]
            agreeing += 1
        }
        return sum / max(1, agreeing)
    }
}

@Suite("the merge pipeline")
struct TaskVectorMergeTests {
    struct Preset: Sendable, CustomTestStringConvertible {
        let density: Double?
        let consensus: MajoritySign?
        var testDescription: String { "density \(density.map { "\($0)" } ?? "none"), \(consensus?.rawValue ?? "linear")" }
    }

    static let presets: [Preset] = [
        Preset(density: nil, consensus: nil), Preset(density: 0.5, consensus: nil), Preset(density: 0.5, consensus: .total),
        Preset(density: 0.2, consensus: .frequency), Preset(density: 1, consensus: .total), Preset(density: 0, consensus: .total),
        Preset(density: 0.999, consensus: .total),
    ]

    @Test("magnitude presets match a Double reference (several chunks, odd length)", arguments: presets)
    func matchesReference(_ preset: Preset) throws {
        let n = 3 * TaskVectorMerge.chunkSize + 4321
        let tasks = (0..<4).map { randomValues(n, seed: UInt64(100 + $0)) }
        let weights = [1.0, 0.5, -0.3, 0.8]
        let pipeline = TaskVectorMerge(
            sparsification: preset.density.map { .magnitude(density: $0) } ?? .none, consensus: preset.consensus)
        let merged = try pipeline.merge(tasks, weights: weights.map(Float.init))
        let reference = referenceMerge(tasks, weights: weights, density: preset.density, consensus: preset.consensus)
        #expect(relativeError(merged, reference) <= 1e-6)
    }

    @Test("top-k by selection keeps exactly floor(density·n) entries, on the sampled path too", arguments: [1_000, 300_000, 2_000_003])
    func keepsExactlyK(_ n: Int) throws {
        let task = randomValues(n, seed: UInt64(n))
        for density in [0.01, 0.3, 0.5, 0.93] {
            let merged = try TaskVectorMerge(sparsification: .magnitude(density: density), consensus: nil).merge([task], weights: [1])
            let kept = merged.filter { $0 != 0 }
            #expect(kept.count == Int(density * Double(n)))
            let smallestKept = kept.map(abs).min() ?? 0
            let largestDropped = zip(task, merged).filter { $0.1 == 0 }.map { abs($0.0) }.max() ?? 0
            #expect(smallestKept >= largestDropped)
        }
    }

    @Test("ties at the threshold still keep exactly k entries")
    func tiedMagnitudes() throws {
        let task: [Float] = [1, -1, 1, 0.5, -1, 1, 0.25, 1]
        let merged = try TaskVectorMerge(sparsification: .magnitude(density: 0.5), consensus: nil).merge([task], weights: [1])
        // Six entries tie at |x| = 1 for k = 4: the earliest four are kept.
        #expect(merged == [1, -1, 1, 0, -1, 0, 0, 0])
    }

    @Test("quickselect finds every order statistic, with duplicates")
    func quickSelect() {
        var generator = Xoshiro256StarStar(seed: 3)
        let values = (0..<501).map { _ in Float(generator.next() % 37) }
        let sorted = values.sorted()
        for rank in [0, 1, 100, 250, 499, 500] {
            var copy = values
            #expect(QuickSelect.select(&copy, rank: rank) == sorted[rank])
        }
    }

    @Test("invalid pipeline inputs throw")
    func invalidInputs() {
        let pipeline = TaskVectorMerge(sparsification: .magnitude(density: -0.1), consensus: .total)
        #expect(throws: KernelError.self) { try pipeline.merge([[1, 2]], weights: [1]) }
        let linear = TaskVectorMerge(sparsification: .none, consensus: nil)
        #expect(throws: KernelError.self) { try linear.merge([[1, 2], [1]], weights: [1, 1]) }
        #expect(throws: KernelError.self) { try linear.merge([[1, 2]], weights: [1, 1]) }
        #expect(throws: KernelError.self) { try linear.merge([], weights: []) }
        #expect(throws: KernelError.self) {
            try TaskVectorMerge(sparsification: .dare(density: 0), consensus: nil).merge([[1]], weights: [1])
        }
    }
}
