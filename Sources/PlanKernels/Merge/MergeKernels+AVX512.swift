#if arch(x86_64)
import CMergeKernels

/// The bridge to the AVX-512 C kernels; `MergeKernels` calls it only when the CPU has AVX-512.
extension MergeKernels {
    static func scanBandAVX512(_ values: BufferScope<Float>, low: UInt32, high: UInt32, expected: Int) -> BandScan {
        var scan = BandScan(above: 0, candidates: [])
        var start = 0
        // A buffer sized for the expected band; in the rare case it fills up, the kernel stops
        // and the rest is scanned with room for every remaining entry.
        var capacity = max(64, expected + 16)
        while start < values.count {
            let remaining = values.count - start
            var scanned = 0, above = 0
            let candidates = [UInt32](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                initialized = mk_scan_band_avx512(
                    values.base + start, remaining, low, high, &above, buffer.baseAddress, capacity, &scanned)
            }
            scan.above += above
            if start == 0 && scanned == remaining { return BandScan(above: above, candidates: candidates) }
            scan.candidates += candidates
            start += scanned
            capacity = values.count - start + 16
        }
        return scan
    }

    static func collectAVX512(_ parts: [[UInt32]], low: UInt32, high: UInt32, expected: Int) -> [UInt32] {
        // `expected` is exact (a histogram count), so the kernel cannot overflow the 16 of slack.
        [UInt32](unsafeUninitializedCapacity: expected + 16) { buffer, initialized in
            var found = 0
            for part in parts where !part.isEmpty {
                found += part.withUnsafeBufferPointer { values in
                    mk_collect_range_avx512(values.baseAddress, values.count, low, high, buffer.baseAddress! + found)
                }
            }
            initialized = found
        }
    }

    static func mergeBlockAVX512(
        sources: [BufferScope<Float>], cuts: [Int32], weights: [Float], consensus: MajoritySign?, streaming: Bool,
        out: BufferScope<Float>
    ) {
        let code: Int32 = switch consensus {
        case nil: Int32(MK_CONSENSUS_NONE)
        case .total: Int32(MK_CONSENSUS_TOTAL)
        case .frequency: Int32(MK_CONSENSUS_FREQUENCY)
        }
        let pointers: [UnsafePointer<Float>?] = sources.map { UnsafePointer($0.base) }
        mk_merge_avx512(out.count, sources.count, pointers, cuts, weights, code, streaming ? 1 : 0, out.base)
    }
}
#endif
