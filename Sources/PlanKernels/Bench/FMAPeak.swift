import Foundation

/// An estimate of this machine's single-precision FMA peak.
///
/// Swift code in this package is compiled for baseline x86-64 and cannot issue AVX-512 FMAs, so a
/// Swift FMA loop would measure SSE, not the hardware. The estimate is therefore
/// cores × clock × FLOPs per cycle, where the clock is measured (a dependent chain of 4-cycle steps:
/// 3-cycle `imul` + 1-cycle `xor`) and FLOPs per cycle come from the CPU flags:
/// avx512f → 64 (2 FMA units × 16 floats × 2), avx2 + fma → 32, avx → 16, else 8.
public struct FMAPeak: Sendable, Codable, Equatable {
    /// Estimated peak, GFLOP/s.
    public let gflops: Double
    /// Measured clock, GHz.
    public let gigahertz: Double
    /// Single-precision FLOPs per cycle per core assumed from the CPU flags.
    public let flopsPerCycle: Int
    /// Cores counted.
    public let cores: Int
    /// How the estimate was made, in words.
    public let method: String

    /// Measures the clock and builds the estimate.
    public static func estimate(cpuFlags: Set<String> = CPUFlags.current(), cores: Int? = nil) -> FMAPeak {
        let cores = cores ?? Parallel.threads
        let flopsPerCycle =
            cpuFlags.contains("avx512f") ? 64 : (cpuFlags.contains("avx2") && cpuFlags.contains("fma")) ? 32
            : cpuFlags.contains("avx") ? 16 : 8
        let gigahertz = measuredGigahertz()
        return FMAPeak(
            gflops: Double(cores) * gigahertz * Double(flopsPerCycle), gigahertz: gigahertz,
            flopsPerCycle: flopsPerCycle, cores: cores,
            method: "estimated: \(cores) cores × \(String(format: "%.2f", gigahertz)) GHz (measured, dependent imul+xor chain) "
                + "× \(flopsPerCycle) float FLOP/cycle from cpu flags")
    }

    /// The clock in GHz from a dependent chain of 4-cycle steps (best of 5 runs).
    static func measuredGigahertz() -> Double {
        let steps = 20_000_000
        var best = Double.infinity
        var sink: UInt64 = 0
        for run in 0..<5 {
            var result: UInt64 = 0
            let seconds = Stopwatch.seconds { result = dependentChain(steps: steps, start: UInt64(run) &+ sink) }
            sink ^= result
            best = min(best, seconds)
        }
        // The chain's result feeds the returned value so the loop cannot be removed.
        return Double(steps) * 4 / best / 1e9 + Double(sink & 1) * 1e-12
    }

    /// `steps` dependent steps x ← (x·c) ⊕ (x ≫ 29): a 3-cycle imul then a 1-cycle xor on the
    /// critical path (the shift runs in parallel). Being nonlinear, the compiler cannot shorten it.
    @inline(never)
    static func dependentChain(steps: Int, start: UInt64) -> UInt64 {
        var x = start | 1
        for _ in 0..<steps { x = (x &* 0x9E37_79B9_7F4A_7C15) ^ (x >> 29) }
        return x
    }
}
