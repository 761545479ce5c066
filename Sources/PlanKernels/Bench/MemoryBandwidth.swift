/// A STREAM-like measurement: the time to read a set of arrays once, with all cores.
///
/// Each chunk is read by `MergeKernels.readChecksum`, which adds the values' bit patterns as
/// integers (a Float sum could not be reordered), so the loop is limited by memory, not by add
/// latency; with the AVX-512 kernels it uses full-width loads and software prefetch, the same
/// tools the merge kernels use, so the merge is compared with a read as good as its own.
public enum MemoryBandwidth {
    /// Seconds to read every element of `arrays` once (best of `repetitions`).
    static func readSeconds(_ arrays: [[Float]], repetitions: Int, kernels: MergeKernels = .fastest) -> Double {
        BufferScope.readingAll(arrays) { sources in
            let count = sources.first?.count ?? 0
            var checksum: UInt32 = 0
            let seconds = Stopwatch.best(of: repetitions) {
                let partials = Parallel.mapChunks(count: count, chunkSize: 1 << 18) { _, range in
                    var sum: UInt32 = 0
                    for source in sources {
                        sum &+= kernels.readChecksum(source.slice(from: range.lowerBound, count: range.count))
                    }
                    return sum
                }
                checksum = partials.reduce(0, &+)
            }
            withExtendedLifetime(checksum) {}
            return seconds
        }
    }
}
