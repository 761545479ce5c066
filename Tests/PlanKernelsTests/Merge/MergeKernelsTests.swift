import Testing
@testable import PlanKernels
import PlanRandom

/// Values that stress the kernels: ±0, subnormals, huge and tiny magnitudes, exact ties, and
/// runs of equal magnitudes with both signs.
func awkwardValues(_ count: Int, seed: UInt64) -> [Float] {
    var generator = Xoshiro256StarStar(seed: seed)
    let specials: [Float] = [0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1e-30, -1e30, 0.5, -0.5, 3, -3]
    return (0..<count).map { _ in
        let draw = generator.next()
        if draw % 5 == 0 { return specials[Int(draw >> 8) % specials.count] }
        return generator.nextUnitFloat() * 2 - 1
    }
}

/// `awkwardValues` plus infinities, NaN and magnitudes whose weighted products overflow.
func extremeValues(_ count: Int, seed: UInt64) -> [Float] {
    var generator = Xoshiro256StarStar(seed: seed ^ 0xABCD)
    let extremes: [Float] = [.infinity, -.infinity, .nan, 3e38, -3e38, .greatestFiniteMagnitude]
    return awkwardValues(count, seed: seed).map { value in
        generator.next() % 23 == 0 ? extremes[Int(generator.next() % UInt64(extremes.count))] : value
    }
}

@Suite("portable, AVX2 and AVX-512 merge kernels")
struct MergeKernelsTests {
    /// The implementations this CPU can run besides the portable reference.
    static var vectorKernels: [MergeKernels] { MergeKernels.allCases.filter { $0 != .portable && $0.isAvailable } }

    /// For tests that only compare the vector kernels with the portable ones: skipped, visibly,
    /// on a CPU with neither AVX2 nor AVX-512 (where they would compare nothing).
    static let needsVectorKernels = ConditionTrait.enabled(if: !vectorKernels.isEmpty, "needs a CPU with AVX2 or AVX-512")

    static let consensusModes: [MajoritySign?] = [nil, .total, .frequency]

    @Test("the block merge gives the same bits on every implementation", MergeKernelsTests.needsVectorKernels, arguments: consensusModes)
    func mergeBlockIdentical(_ consensus: MajoritySign?) throws {
        // 4 tasks with infinities, NaN and products that overflow; lengths from empty to several
        // groups plus a ragged end; cuts that keep all, none, and some.
        let cuts: [Int32] = [-1, Int32(bitPattern: Float(0.5).bitPattern), .max, Int32(bitPattern: Float(0.25).bitPattern) - 1]
        let weights: [Float] = [0.7, -1.3, 2, 0.25]
        for n in [0, 1, 3, 7, 8, 15, 16, 17, 16 * 37 + 5] {
            let tasks = (0..<4).map { extremeValues(n, seed: UInt64(10 + $0 + n)) }
            let reference = run(.portable, tasks, cuts: cuts, weights: weights, consensus: consensus, streaming: false)
            for kernels in Self.vectorKernels {
                for streaming in [false, true] {
                    let result = run(kernels, tasks, cuts: cuts, weights: weights, consensus: consensus, streaming: streaming)
                    let identical = result.map(\.bitPattern) == reference.map(\.bitPattern)
                    #expect(identical, "\(kernels), n \(n), streaming \(streaming)")
                }
            }
        }
    }

    @Test("a disagreeing task whose weighted value overflows adds nothing, on every implementation")
    func overflowingDisagreement() {
        // Task 0 elects +; tasks 1 and 2 disagree, and 2 · 3e38 overflows to -inf.
        let tasks: [[Float]] = [[3e38], [-3e38], [-1]], weights: [Float] = [2, 1, 1]
        for kernels in MergeKernels.allCases where kernels.isAvailable {
            for consensus in [MajoritySign.total, .frequency] {
                let merged = run(kernels, tasks, cuts: [-1, -1, -1], weights: weights, consensus: consensus, streaming: false)
                #expect(merged[0].isFinite, "\(kernels) \(consensus)")
            }
        }
    }

    @Test("the block merge keeps by cut, elects signs and averages the agreeing values")
    func mergeBlockSemantics() {
        let tasks: [[Float]] = [[1, -2, 0.5, 0], [-3, -1, 0.25, 0], [2, 4, -1, 0]]
        let cut = Int32(bitPattern: Float(0.3).bitPattern)
        for kernels in MergeKernels.allCases where kernels.isAvailable {
            // Kept: [1,-2,0.5,0], [-3,-1,0,0], [2,4,-1,0]; totals 0 (→ +), 1, -0.5, 0.
            let ties = run(kernels, tasks, cuts: [cut, cut, cut], weights: [1, 1, 1], consensus: .total, streaming: false)
            #expect(ties == [1.5, 4, -1, 0], "\(kernels)")
            let linear = run(kernels, tasks, cuts: [-1, .max, -1], weights: [1, 5, 0.5], consensus: nil, streaming: false)
            #expect(linear == [2, 0, 0, 0], "\(kernels)")
        }
    }

    @Test("the band scan counts and collects the same entries on every implementation")
    func scanBandIdenticalAllSizes() {
        for count in [0, 1, 15, 16, 17, 100_003] {
            scanBandIdentical(extremeValues(count, seed: 7))
        }
    }

    func scanBandIdentical(_ values: [Float]) {
        for (low, high) in [(Float(0.2), Float(0.3)), (0, 0), (0.5, 0.5), (0, .greatestFiniteMagnitude)] {
            let (lowBits, highBits) = (low.bitPattern, high.bitPattern)
            let reference = BufferScope.reading(values) { MergeKernels.portable.scanBand($0, low: lowBits, high: highBits, expected: 10) }
            let magnitudes = values.map { $0.bitPattern & 0x7FFF_FFFF }
            #expect(reference.above == magnitudes.filter { $0 > highBits }.count)
            #expect(reference.candidates == magnitudes.filter { $0 >= lowBits && $0 <= highBits })
            for kernels in Self.vectorKernels {
                // A tiny first buffer exercises the kernel's early stop and the continuation.
                let scan = BufferScope.reading(values) { kernels.scanBand($0, low: lowBits, high: highBits, expected: 10) }
                let identical = scan.above == reference.above && scan.candidates == reference.candidates
                #expect(identical, "\(kernels) \(low)…\(high)")
            }
        }
    }

    @Test("DARE lanes draw the same masks on every implementation, across calls, with ragged lengths")
    func dareLanesIdentical() {
        let source = awkwardValues(5_000, seed: 21)
        let limit = Int32(0.3 * 2_147_483_648.0), scale = Float(1 / 0.3)
        func draw(_ kernels: MergeKernels) -> [Float] {
            var lanes = DareLanes(seed: 77)
            var kept = [Float](repeating: .nan, count: source.count)
            BufferScope.reading(source) { source in
                BufferScope.mutating(&kept) { kept in
                    var start = 0
                    for length in [1, 15, 16, 17, 1000, 3951] {
                        lanes.keep(source.slice(from: start, count: length), limit: limit, scale: scale,
                                   into: kept.slice(from: start, count: length), kernels: kernels)
                        start += length
                    }
                }
            }
            return kept
        }
        let reference = draw(.portable)
        let keptFraction = Double(reference.filter { $0 != 0 }.count) / Double(source.filter { $0 != 0 }.count)
        #expect(abs(keptFraction - 0.3) < 0.05)
        #expect(zip(reference, source).allSatisfy { $0.0 == 0 || $0.0 == $0.1 * scale })
        for kernels in Self.vectorKernels {
            let identical = draw(kernels).map(\.bitPattern) == reference.map(\.bitPattern)
            #expect(identical, "\(kernels)")
        }
    }

    @Test("histogram selection equals sorting, with duplicates and several parts (portable)")
    func bitPatternSelectPortable() { checkBitPatternSelect(.portable) }

    @Test("histogram selection equals sorting (AVX2)", .enabled(if: MergeKernels.avx2Available, "needs a CPU with AVX2"))
    func bitPatternSelectAVX2() { checkBitPatternSelect(.avx2) }

    @Test("histogram selection equals sorting (AVX-512)", .enabled(if: MergeKernels.avx512Available, "needs a CPU with AVX-512"))
    func bitPatternSelectAVX512() { checkBitPatternSelect(.avx512) }

    func checkBitPatternSelect(_ kernels: MergeKernels) {
        var generator = Xoshiro256StarStar(seed: 11)
        let parts = (0..<3).map { _ in (0..<5000).map { _ in Float(generator.next() % 700).bitPattern } }
        let sorted = parts.flatMap { $0 }.sorted(by: >)
        let settings = [(UInt32(0), UInt32(0x7FFF_FFFF), 4096), (sorted.last!, sorted.first!, 1 << 16), (sorted.last!, sorted.first!, 7)]
        for (low, high, bins) in settings {
            for ranks in [[1], [15_000], [1, 15_000], [7_321, 4], [2_500, 2_500]] {
                let selections = BitPatternSelect.select(
                    descendingRanks: ranks, in: parts, low: low, high: high, maxBins: bins, kernels: kernels)
                for (rank, selection) in zip(ranks, selections) {
                    let value = sorted[rank - 1]
                    #expect(selection.value == value)
                    #expect(selection.greater == sorted.filter { $0 > value }.count)
                    #expect(selection.equal == sorted.filter { $0 == value }.count)
                }
            }
        }
    }

    @Test("sampled top-k keeps exactly k with many ties (bf16-like values), the earliest ties first")
    func sampledTiesKeepEarliest() throws {
        // 2^21 values with 3 significant bits: every magnitude repeats about 2^18 times.
        let n = 1 << 21
        var generator = Xoshiro256StarStar(seed: 5)
        let task = (0..<n).map { _ in Float(Int(generator.next() % 15) - 7) / 8 }
        for kernels in MergeKernels.allCases where kernels.isAvailable {
            for density in [0.3, 0.5, 0.77] {
                let k = Int(density * Double(n))
                let threshold = BufferScope.reading(task) { MagnitudeSelection.threshold($0, keep: k, kernels: kernels) }
                #expect(threshold == BufferScope.reading(task) { MagnitudeSelection.exact($0, keep: k) }, "\(kernels) \(density)")
                let merged = try TaskVectorMerge(sparsification: .magnitude(density: density), consensus: nil, kernels: kernels)
                    .merge([task], weights: [1])
                #expect(merged.filter { $0 != 0 }.count == k)
            }
        }
    }

    @Test("the range copy-out agrees on every implementation, for every length")
    func collectIdentical() {
        var generator = Xoshiro256StarStar(seed: 31)
        for count in [0, 1, 7, 8, 9, 15, 16, 17, 1000] {
            let parts = [(0..<count).map { _ in UInt32(generator.next() % 100) }, [5, 50, 95]]
            let expected = parts.flatMap { $0 }.filter { $0 >= 20 && $0 <= 60 }
            for kernels in MergeKernels.allCases where kernels.isAvailable {
                #expect(kernels.collect(parts, low: 20, high: 60, expected: expected.count) == expected, "\(kernels) \(count)")
            }
        }
    }

    @Test("top-k is exact on both sides of the sampled-path size, for all-equal data and extreme k",
          arguments: [8 * MagnitudeSelection.sampleSize - 1, 8 * MagnitudeSelection.sampleSize, 8 * MagnitudeSelection.sampleSize + 12_345])
    func selectionBoundaries(_ n: Int) {
        var generator = Xoshiro256StarStar(seed: UInt64(n))
        let datasets: [[Float]] = [
            (0..<n).map { _ in Float(Int(generator.next() % 9) - 4) / 2 },
            [Float](repeating: -0.75, count: n),
            (0..<n).map { _ in generator.next() % 3 == 0 ? 0 : Float.leastNonzeroMagnitude * Float(generator.next() % 4) },
        ]
        for (index, task) in datasets.enumerated() {
            for k in [1, n / 100, n / 2, n - 1] {
                let exact = BufferScope.reading(task) { MagnitudeSelection.exact($0, keep: k) }
                for kernels in MergeKernels.allCases where kernels.isAvailable {
                    let threshold = BufferScope.reading(task) { MagnitudeSelection.threshold($0, keep: k, kernels: kernels) }
                    #expect(threshold == exact, "data \(index), k \(k), \(kernels)")
                }
            }
        }
    }

    @Test("NaN and infinity order by bit pattern on every path, so exactly k are kept",
          arguments: [1000, 8 * MagnitudeSelection.sampleSize + 3])
    func nonFiniteSelection(_ n: Int) throws {
        let task = randomValues(n, seed: 17).enumerated().map { $0.offset % 97 == 0 ? Float.nan : $0.offset % 89 == 0 ? -.infinity : $0.element }
        let k = n / 2
        for kernels in MergeKernels.allCases where kernels.isAvailable {
            let merged = try TaskVectorMerge(sparsification: .magnitude(density: 0.5), consensus: nil, kernels: kernels).merge([task], weights: [1])
            #expect(merged.filter { $0 != 0 }.count == k, "\(kernels)")
            #expect(merged.enumerated().allSatisfy { !$0.element.isNaN || task[$0.offset].isNaN })
            #expect(zip(merged, task).filter { $0.1.isNaN }.allSatisfy { $0.0.isNaN }, "every NaN is among the largest")
        }
    }

    @Test("a slightly misleading sample is rescued by the wider band, without the exact fallback")
    func widenedBand() {
        // Scale exactly the sampled entries by 1.02: the sample's median moves by about 0.01,
        // more than the first band's half-width (~0.007) but well inside the widened one.
        let n = 1 << 21
        let runs = MagnitudeSelection.sampleSize / MagnitudeSelection.sampleRun, spacing = n / runs
        var task = randomValues(n, seed: 23)
        for run in 0..<runs {
            for offset in 0..<MagnitudeSelection.sampleRun { task[run * spacing + offset] *= 1.02 }
        }
        let k = n / 2
        for kernels in MergeKernels.allCases where kernels.isAvailable {
            let exact = BufferScope.reading(task) { MagnitudeSelection.exact($0, keep: k) }
            let first = BufferScope.reading(task) { MagnitudeSelection.bandThresholds([$0], keep: k, widening: 1, kernels: kernels) }
            let widened = BufferScope.reading(task) { MagnitudeSelection.bandThresholds([$0], keep: k, widening: 4, kernels: kernels) }
            #expect(first == [nil], "\(kernels): the first band should miss")
            #expect(widened == [exact], "\(kernels)")
            #expect(BufferScope.reading(task) { MagnitudeSelection.threshold($0, keep: k, kernels: kernels) } == exact)
        }
    }

    @Test("a sample that misses the threshold falls back and stays exact")
    func misleadingSample() {
        // The sample reads runs of 64 entries at a fixed spacing; make exactly those entries tiny
        // so the sampled band sits far below the true threshold.
        let n = 1 << 21
        let runs = MagnitudeSelection.sampleSize / MagnitudeSelection.sampleRun, spacing = n / runs
        var task = randomValues(n, seed: 9).map { $0 + ($0 < 0 ? -1 : 1) }
        for run in 0..<runs {
            for offset in 0..<MagnitudeSelection.sampleRun { task[run * spacing + offset] = 1e-6 * Float(offset + 1) }
        }
        let k = n / 3
        for kernels in MergeKernels.allCases where kernels.isAvailable {
            let threshold = BufferScope.reading(task) { MagnitudeSelection.threshold($0, keep: k, kernels: kernels) }
            #expect(threshold == BufferScope.reading(task) { MagnitudeSelection.exact($0, keep: k) }, "\(kernels)")
        }
    }

    @Test("whole merges agree bit for bit across implementations", MergeKernelsTests.needsVectorKernels,
          arguments: [MergeMethod.ties, .magnitudePrune, .dareTies, .dareLinear, .linear])
    func pipelinesIdentical(_ method: MergeMethod) throws {
        let n = 1 << 21 + 333
        let tasks = (0..<3).map { randomValues(n, seed: UInt64(40 + $0)) }
        let weights: [Float] = [1, 0.5, -0.75]
        func merge(_ kernels: MergeKernels) throws -> [Float] {
            var pipeline = method.pipeline(density: 0.4, majoritySign: .total, seed: 3)
            pipeline.kernels = kernels
            return try pipeline.merge(tasks, weights: weights, stream: 2)
        }
        let reference = try merge(.portable)
        for kernels in Self.vectorKernels {
            let identical = try merge(kernels).map(\.bitPattern) == reference.map(\.bitPattern)
            #expect(identical, "\(kernels)")
        }
    }

    @Test("kernel names: auto picks the fastest, unknown names are refused")
    func names() throws {
        #expect(try MergeKernels.named("auto") == .fastest)
        #expect(try MergeKernels.named("portable") == .portable)
        #expect(throws: KernelError.self) { try MergeKernels.named("sse9") }
        if !MergeKernels.avx512Available { #expect(throws: KernelError.self) { try MergeKernels.named("avx512") } }
    }

    func run(
        _ kernels: MergeKernels, _ tasks: [[Float]], cuts: [Int32], weights: [Float], consensus: MajoritySign?, streaming: Bool
    ) -> [Float] {
        let n = tasks[0].count
        // One element of offset makes the output misaligned, so the streaming path's head runs.
        var out = [Float](repeating: .nan, count: n + 1)
        var workspace = [Float](repeating: 0, count: 3 * n)
        BufferScope.readingAll(tasks) { sources in
            BufferScope.mutating(&out) { out in
                BufferScope.mutating(&workspace) { workspace in
                    kernels.mergeBlock(
                        sources: sources, cuts: cuts, weights: weights, consensus: consensus, streaming: streaming,
                        out: out.slice(from: 1, count: n), workspace: workspace)
                }
            }
        }
        return Array(out.dropFirst())
    }
}
