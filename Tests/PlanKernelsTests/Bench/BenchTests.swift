import Testing
@testable import PlanKernels

@Suite("benchmarks report what they measured")
struct BenchTests {
    @Test("the FMA peak is measured where a vector FMA loop exists, with consistent fields")
    func fmaPeak() {
        let peak = FMAPeak.current(cores: 1)
        #expect(peak.gflops.isFinite && peak.gflops > 0)
        #expect(peak.cores == 1)
        let flags = CPUFlags.current()
        if flags.contains("avx512f") || (flags.contains("avx2") && flags.contains("fma")) {
            #expect(peak.method.hasPrefix("measured"))
            #expect(peak.flopsPerCycle == (MergeKernels.avx512Available ? 64 : 32))
        } else {
            #expect(peak.method.hasPrefix("estimated"))
        }
        #expect(abs(peak.gflops - Double(peak.cores) * peak.gigahertz * Double(peak.flopsPerCycle)) <= 1e-6 * peak.gflops)
    }

    @Test("the estimate takes FLOPs per cycle from the CPU flags", arguments: [
        (["avx512f", "avx2", "fma"], 64), (["avx2", "fma"], 32), (["avx", "avx2"], 16), (["avx"], 16), (["sse2"], 8),
    ])
    func estimateFlags(_ flags: [String], _ flopsPerCycle: Int) {
        let peak = FMAPeak.estimate(cpuFlags: Set(flags), cores: 2)
        #expect(peak.flopsPerCycle == flopsPerCycle)
        #expect(peak.gflops == 2 * peak.gigahertz * Double(flopsPerCycle))
    }

    @Test("the merge benchmark times the chosen kernels and the portable peer on the same data")
    func mergeBenchmark() throws {
        let result = try MergeBenchmark.run(method: .ties, density: 0.5, tasks: 3, elements: 1 << 20, repetitions: 1)
        #expect(result.kernels == MergeKernels.fastest.rawValue)
        #expect((result.portableSeconds != nil) == (MergeKernels.fastest != .portable))
        #expect(result.seconds > 0 && result.streamSeconds > 0)
        #expect(abs(result.peakFraction - result.streamSeconds / result.seconds) < 1e-12)
        #expect(throws: KernelError.self) { try MergeBenchmark.run(method: .svd, density: nil, tasks: 2, elements: 10) }
    }

    @Test("the read reference sums the same bits on every implementation")
    func readChecksum() {
        let values = randomValues(100_007, seed: 3)
        let expected = values.reduce(UInt32(0)) { $0 &+ $1.bitPattern }
        for kernels in MergeKernels.allCases where kernels.isAvailable {
            #expect(BufferScope.reading(values) { kernels.readChecksum($0) } == expected, "\(kernels)")
        }
    }
}
