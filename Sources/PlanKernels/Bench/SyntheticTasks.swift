import PlanRandom

/// Seeded synthetic task vectors for benchmarks: uniform values in [-1, 1), generated in
/// parallel chunks with one xoshiro256** stream per (seed, task, chunk).
enum SyntheticTasks {
    static let chunkSize = 1 << 16

    /// `tasks` arrays of `elements` values each.
    static func make(tasks: Int, elements: Int, seed: UInt64) -> [[Float]] {
        (0..<tasks).map { task in
            var values = [Float](repeating: 0, count: elements)
            BufferScope.mutating(&values) { out in
                _ = Parallel.mapChunks(count: elements, chunkSize: chunkSize) { chunk, range in
                    var generator = Xoshiro256StarStar(seed: SplitMix64.derive(seed, UInt64(task), UInt64(chunk)))
                    for index in range { out[index] = generator.nextUnitFloat() * 2 - 1 }
                }
            }
            return values
        }
    }
}
