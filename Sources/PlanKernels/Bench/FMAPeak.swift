import Dispatch
import Foundation
#if arch(x86_64)
import CMergeKernels
#endif

/// This machine's single-precision FMA peak: measured where a vector FMA loop exists for the CPU,
/// estimated otherwise.
///
/// Measured (AVX-512 or AVX2 + FMA, x86-64): every core runs 12 independent vector FMA chains at
/// once (the C loops in `CMergeKernels`; Swift here is compiled for baseline x86-64 and cannot
/// issue them), best of 5. Estimated (other CPUs): cores × clock × FLOPs per cycle, where the
/// clock is measured with a dependent chain of 4-cycle steps (3-cycle `imul` + 1-cycle `xor`) and
/// FLOPs per cycle come from the CPU flags: avx512f → 64, avx2 + fma → 32, avx → 16, else 8.
public struct FMAPeak: Sendable, Codable, Equatable {
    /// Peak, GFLOP/s.
    public let gflops: Double
    /// Clock, GHz: measured by the dependent chain for an estimate; implied by the peak
    /// (gflops / cores / FLOPs per cycle, assuming two FMA ports) for a measurement.
    public let gigahertz: Double
    /// Single-precision FLOPs per cycle per core of the instruction set.
    public let flopsPerCycle: Int
    /// Cores counted.
    public let cores: Int
    /// How the figure was obtained, in words.
    public let method: String

    /// The measured peak where this CPU has a vector FMA loop, otherwise the estimate.
    public static func current(cores: Int? = nil) -> FMAPeak {
        measured(cores: cores) ?? estimate(cores: cores)
    }

    /// Times the widest vector FMA loop this CPU runs on `cores` threads at once; nil when there is none.
    public static func measured(cores: Int? = nil) -> FMAPeak? {
        #if arch(x86_64)
        let cores = cores ?? Parallel.threads
        let (name, flopsPerRound, loop): (String, Int, @Sendable (Int, Float) -> Float)
        if MergeKernels.avx512Available {
            (name, flopsPerRound, loop) = ("avx-512", 384, { mk_fma_loop_avx512($0, $1) })
        } else if mk_avx2_fma_available() != 0 {
            (name, flopsPerRound, loop) = ("avx2", 192, { mk_fma_loop_avx2($0, $1) })
        } else {
            return nil
        }
        let rounds = 10_000_000
        var best = Double.infinity
        for run in 0..<5 {
            let seconds = Stopwatch.seconds {
                let results = Parallel.map(cores) { loop(rounds, Float(run + $0) * 0.001) }
                withExtendedLifetime(results) {}
            }
            best = min(best, seconds)
        }
        let gflops = Double(cores * rounds * flopsPerRound) / best / 1e9
        let perCycle = flopsPerRound / 6  // 12 FMAs × lanes × 2 FLOP over 2 FMA ports = 1 round / 6 cycles
        return FMAPeak(
            gflops: gflops, gigahertz: gflops / Double(cores) / Double(perCycle), flopsPerCycle: perCycle, cores: cores,
            method: "measured: \(cores) cores each running 12 independent \(name) FMA chains (\(rounds) rounds, best of 5)")
        #else
        return nil
        #endif
    }

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
