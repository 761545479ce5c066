/// The portable Swift kernels: the reference the AVX-512 ones are tested against.
///
/// Magnitudes are compared as integer bit patterns with arithmetic masks: Swift `Float`
/// comparisons in these loops compiled to unpredictable branches, 5–10× slower than memory.
extension MergeKernels {
    static func scanBandPortable(_ values: BufferScope<Float>, low: UInt32, high: UInt32, expected: Int) -> BandScan {
        let n = values.count
        var above = 0
        var candidates: [UInt32] = []
        candidates.reserveCapacity(expected)
        let highBits = Int32(bitPattern: high), width = high &- low
        var block = [UInt32](repeating: 0, count: 1024)
        BufferScope.mutating(&block) { block in
            var start = 0
            while start < n {
                let end = min(start + 1024, n)
                // A branch-free count that vectorises, then the compaction of the few entries
                // inside the band behind a branch that is rarely taken (so it predicts well).
                var blockAbove: Int32 = 0
                for index in start..<end {
                    let bits = Int32(bitPattern: values[index].bitPattern & 0x7FFF_FFFF)
                    blockAbove &-= (highBits &- bits) >> 31
                }
                var found = 0
                for index in start..<end {
                    let bits = values[index].bitPattern & 0x7FFF_FFFF
                    if bits &- low <= width {
                        block[found] = bits
                        found &+= 1
                    }
                }
                above += Int(blockAbove)
                for index in 0..<found { candidates.append(block[index]) }
                start = end
            }
        }
        return BandScan(above: above, candidates: candidates)
    }

    static func mergeBlockPortable(
        sources: [BufferScope<Float>], cuts: [Int32], weights: [Float], consensus: MajoritySign?,
        out: BufferScope<Float>, workspace: BufferScope<Float>
    ) {
        let n = out.count
        guard let consensus else {
            for j in 0..<n { out[j] = 0 }
            for (t, source) in sources.enumerated() {
                let cut = cuts[t], w = weights[t]
                for j in 0..<n { out[j] += w * kept(source[j], cut: cut) }
            }
            return
        }
        let elect = workspace.slice(from: 0, count: n)
        let sum = workspace.slice(from: n, count: n), agreeing = workspace.slice(from: 2 * n, count: n)
        for j in 0..<n { elect[j] = 0 }
        for (t, source) in sources.enumerated() {
            let cut = cuts[t]
            switch consensus {
            case .total:
                for j in 0..<n { elect[j] += kept(source[j], cut: cut) }
            case .frequency:
                for j in 0..<n {
                    let v = kept(source[j], cut: cut)
                    elect[j] += v > 0 ? 1 : (v < 0 ? -1 : 0)
                }
            }
        }
        for j in 0..<n {
            sum[j] = 0
            agreeing[j] = 0
        }
        for (t, source) in sources.enumerated() {
            let cut = cuts[t], w = weights[t]
            for j in 0..<n {
                // Agrees when v ≠ ±0 and v's sign bit equals the elected sign's (elect is never
                // -0: sums start at +0).
                let v = kept(source[j], cut: cut), bits = v.bitPattern
                let sameSign = 1 &- ((bits ^ elect[j].bitPattern) >> 31)
                let nonzero = ((bits << 1) | (0 &- (bits << 1))) >> 31
                let agrees = sameSign & nonzero
                // A disagreeing task adds +0 (a mask, not 0 · (w·v), which is NaN when w·v
                // overflows to infinity), exactly as the C kernels do.
                sum[j] += Float(bitPattern: (w * v).bitPattern & (0 &- agrees))
                agreeing[j] += Float(agrees)
            }
        }
        for j in 0..<n { out[j] = sum[j] / max(1, agreeing[j]) }
    }
}
