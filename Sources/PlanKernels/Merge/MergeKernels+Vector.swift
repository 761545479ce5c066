#if arch(x86_64)
import CMergeKernels

/// The bridge to the C kernels: one table of functions per instruction set, used only when the
/// CPU reports that set.
extension MergeKernels {
    /// The C functions of one instruction set (same contracts; see `merge_kernels.h`).
    struct VectorFunctions {
        let scanBand: @convention(c) (
            UnsafePointer<Float>?, Int, UInt32, UInt32, UnsafeMutablePointer<Int>?, UnsafeMutablePointer<UInt32>?, Int,
            UnsafeMutablePointer<Int>?
        ) -> Int
        let collect: @convention(c) (UnsafePointer<UInt32>?, Int, UInt32, UInt32, UnsafeMutablePointer<UInt32>?) -> Int
        let merge: @convention(c) (
            Int, Int, UnsafePointer<UnsafePointer<Float>?>?, UnsafePointer<Int32>?, UnsafePointer<Float>?, Int32, Int32,
            UnsafeMutablePointer<Float>?
        ) -> Void
        let dareKeep: @convention(c) (UnsafePointer<Float>?, Int, UnsafeMutablePointer<UInt64>?, Int32, Float, UnsafeMutablePointer<Float>?) -> Void
        let readChecksum: @convention(c) (UnsafePointer<Float>?, Int) -> UInt32

        static let avx512 = VectorFunctions(
            scanBand: mk_scan_band_avx512, collect: mk_collect_range_avx512, merge: mk_merge_avx512,
            dareKeep: mk_dare_keep_avx512, readChecksum: mk_read_checksum_avx512)
        static let avx2 = VectorFunctions(
            scanBand: mk_scan_band_avx2, collect: mk_collect_range_avx2, merge: mk_merge_avx2,
            dareKeep: mk_dare_keep_avx2, readChecksum: mk_read_checksum_avx2)
    }

    /// This implementation's C functions, or nil for the portable kernels (or a set this CPU lacks).
    var vectorFunctions: VectorFunctions? {
        switch self {
        case .avx512 where Self.avx512Available: .avx512
        case .avx2 where Self.avx2Available: .avx2
        default: nil
        }
    }

    static func scanBandVector(
        _ vector: VectorFunctions, _ values: BufferScope<Float>, low: UInt32, high: UInt32, expected: Int
    ) -> BandScan {
        var scan = BandScan(above: 0, candidates: [])
        var start = 0
        // A buffer sized for the expected band (plus the 16 entries a full-register store may
        // write past the last candidate); in the rare case it fills up, the kernel stops and the
        // rest is scanned with room for every remaining entry.
        var capacity = max(64, expected + 16)
        while start < values.count {
            let remaining = values.count - start
            var scanned = 0, above = 0
            let candidates = [UInt32](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                initialized = vector.scanBand(values.base + start, remaining, low, high, &above, buffer.baseAddress, capacity, &scanned)
            }
            scan.above += above
            if start == 0 && scanned == remaining { return BandScan(above: above, candidates: candidates) }
            scan.candidates += candidates
            start += scanned
            capacity = values.count - start + 16
        }
        return scan
    }

    static func collectVector(_ vector: VectorFunctions, _ parts: [[UInt32]], low: UInt32, high: UInt32, expected: Int) -> [UInt32] {
        // `expected` is exact (a histogram count), so the kernel cannot overflow the 16 of slack.
        [UInt32](unsafeUninitializedCapacity: expected + 16) { buffer, initialized in
            var found = 0
            for part in parts where !part.isEmpty {
                found += part.withUnsafeBufferPointer { values in
                    vector.collect(values.baseAddress, values.count, low, high, buffer.baseAddress! + found)
                }
            }
            initialized = found
        }
    }

    static func mergeBlockVector(
        _ vector: VectorFunctions, sources: [BufferScope<Float>], cuts: [Int32], weights: [Float], consensus: MajoritySign?,
        streaming: Bool, out: BufferScope<Float>
    ) {
        let code: Int32 = switch consensus {
        case nil: Int32(MK_CONSENSUS_NONE)
        case .total: Int32(MK_CONSENSUS_TOTAL)
        case .frequency: Int32(MK_CONSENSUS_FREQUENCY)
        }
        let pointers: [UnsafePointer<Float>?] = sources.map { UnsafePointer($0.base) }
        vector.merge(out.count, sources.count, pointers, cuts, weights, code, streaming ? 1 : 0, out.base)
    }
}
#endif
