/// A STREAM-like measurement: the time to read a set of arrays once, with all cores.
///
/// The reduction adds the values' bit patterns as integers, which the compiler vectorises (a
/// Float sum could not be reordered), so the loop is limited by memory, not by add latency.
public enum MemoryBandwidth {
    /// Seconds to read every element of `arrays` once (best of `repetitions`).
    static func readSeconds(_ arrays: [[Float]], repetitions: Int) -> Double {
        BufferScope.readingAll(arrays) { sources in
            let count = sources.first?.count ?? 0
            var checksum: UInt32 = 0
            let seconds = Stopwatch.best(of: repetitions) {
                let partials = Parallel.mapChunks(count: count, chunkSize: 1 << 18) { _, range in
                    var sum: UInt32 = 0
                    for source in sources {
                        for index in range { sum &+= source[index].bitPattern }
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
