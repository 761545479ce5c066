/// Finds the magnitude threshold that keeps exactly the k largest |x| of a tensor, by selection.
///
/// Small tensors use quickselect on a copy of the magnitudes. Large ones take a strided sample,
/// pick bounds around the expected threshold from the sample (quickselect), then stream the
/// tensor once in parallel chunks, counting entries above the upper bound and compacting the few
/// between the bounds (branch-free), and finish with quickselect on those candidates. If the
/// sample misled the bounds, it falls back to the exact path, so the result is always exact.
/// Magnitudes that tie at the threshold are kept in index order up to `tieCutoff`.
enum MagnitudeSelection {
    /// The result of a selection.
    struct Threshold: Equatable {
        /// The k-th largest magnitude (+infinity when k = 0, 0 when k ≥ count).
        let value: Float
        /// Entries with |x| == value are kept at indices < tieCutoff (Int.max: all of them).
        let tieCutoff: Int
    }

    static let sampleSize = 1 << 17
    static let chunkSize = 1 << 16
    static let passChunkSize = 1 << 18

    /// The threshold that keeps the `k` largest magnitudes of `values`.
    /// - Complexity: O(n) expected; one streaming pass for large n (two when magnitudes tie).
    static func threshold(_ values: BufferScope<Float>, keep k: Int) -> Threshold {
        let n = values.count
        if k <= 0 { return Threshold(value: .infinity, tieCutoff: 0) }
        if k >= n { return Threshold(value: 0, tieCutoff: .max) }
        if n >= 8 * sampleSize, let result = sampledThreshold(values, keep: k) { return result }
        let (value, above, equal) = exactThreshold(values, keep: k)
        guard equal > k - above else { return Threshold(value: value, tieCutoff: .max) }
        return Threshold(value: value, tieCutoff: tieCutoff(values, threshold: value, tiesToKeep: k - above))
    }

    /// (k-th largest magnitude, count strictly above it, count equal to it) by quickselect on a copy.
    static func exactThreshold(_ values: BufferScope<Float>, keep k: Int) -> (Float, Int, Int) {
        let n = values.count
        var magnitudes = [Float](repeating: 0, count: n)
        for index in 0..<n { magnitudes[index] = abs(values[index]) }
        let value = QuickSelect.select(&magnitudes, rank: n - k)
        var above = 0, equal = 0
        for magnitude in magnitudes {
            above += magnitude > value ? 1 : 0
            equal += magnitude == value ? 1 : 0
        }
        return (value, above, equal)
    }

    /// The threshold from a sample and one pass; nil when the sample's bounds missed it. Entries
    /// tying at the threshold all lie between the bounds, so the candidates (kept with their
    /// indices, in index order) also give the tie cutoff without another pass.
    static func sampledThreshold(_ values: BufferScope<Float>, keep k: Int) -> Threshold? {
        let n = values.count, m = sampleSize
        var sample = [Float](repeating: 0, count: m)
        for index in 0..<m { sample[index] = abs(values[index * (n / m)]) }
        let keptFraction = Double(k) / Double(n)
        let expectedRank = Double(m) * (1 - keptFraction)
        let margin = Int(5 * (Double(m) * keptFraction * (1 - keptFraction)).squareRoot()) + 64
        let lowRank = Int(expectedRank) - margin, highRank = Int(expectedRank) + margin
        let low: Float = lowRank <= 0 ? 0 : QuickSelect.select(&sample, rank: lowRank)
        let high: Float = highRank >= m ? .infinity : QuickSelect.select(&sample, rank: highRank)
        let expectedFraction = min(1, Double(2 * margin + 1) / Double(m))
        // Magnitudes are compared as the integer bit patterns of non-negative floats (monotonic),
        // with arithmetic instead of branches: Float comparisons here compile to unpredictable
        // branches, which made this pass 5–10× slower than memory.
        let lowBits = Int32(bitPattern: low.bitPattern), highBits = Int32(bitPattern: min(high, .greatestFiniteMagnitude).bitPattern)
        let parts = Parallel.mapChunks(count: n, chunkSize: passChunkSize) { _, range in
            var above = 0
            var candidates: [Float] = [], positions: [Int] = []
            let capacity = Int(Double(range.count) * expectedFraction * 1.5) + 16
            candidates.reserveCapacity(capacity)
            positions.reserveCapacity(capacity)
            var block = [Float](repeating: 0, count: 1024)
            var blockPositions = [Int](repeating: 0, count: 1024)
            BufferScope.mutating(&block) { block in
                BufferScope.mutating(&blockPositions) { blockPositions in
                    var start = range.lowerBound
                    while start < range.upperBound {
                        let end = min(start + 1024, range.upperBound)
                        // Two loops over the block (it stays in L1): a branch-free count that
                        // vectorises, then the compaction of the few candidates between the
                        // bounds (about 1-2% of entries) behind a branch that is almost never
                        // taken, so it predicts well, instead of a store per entry.
                        var blockAbove: Int32 = 0
                        for index in start..<end {
                            let bits = Int32(bitPattern: values[index].bitPattern & 0x7FFF_FFFF)
                            blockAbove &-= (highBits &- bits) >> 31
                        }
                        var found = 0
                        let width = UInt32(bitPattern: highBits &- lowBits)
                        for index in start..<end {
                            let bits = values[index].bitPattern & 0x7FFF_FFFF
                            if bits &- UInt32(bitPattern: lowBits) <= width {
                                block[found] = Float(bitPattern: bits)
                                blockPositions[found] = index
                                found &+= 1
                            }
                        }
                        above += Int(blockAbove)
                        for index in 0..<found {
                            candidates.append(block[index])
                            positions.append(blockPositions[index])
                        }
                        start = end
                    }
                }
            }
            return (above, candidates, positions)
        }
        let aboveHigh = parts.reduce(0) { $0 + $1.0 }
        let candidates = parts.flatMap(\.1)
        let needed = k - aboveHigh
        guard needed >= 1, needed <= candidates.count else { return nil }
        var scratch = candidates
        let value = QuickSelect.select(&scratch, rank: candidates.count - needed)
        var above = aboveHigh, equal = 0
        for magnitude in candidates {
            above += magnitude > value ? 1 : 0
            equal += magnitude == value ? 1 : 0
        }
        guard equal > k - above else { return Threshold(value: value, tieCutoff: .max) }
        // Keep the first (k − above) ties in index order: the cutoff is just past the last kept one.
        var remaining = k - above
        guard remaining > 0 else { return Threshold(value: value, tieCutoff: 0) }
        for part in parts {
            for (magnitude, position) in zip(part.1, part.2) where magnitude == value {
                remaining -= 1
                if remaining == 0 { return Threshold(value: value, tieCutoff: position + 1) }
            }
        }
        return Threshold(value: value, tieCutoff: .max)
    }

    /// The index below which entries tying at `threshold` are kept so exactly `tiesToKeep` are.
    static func tieCutoff(_ values: BufferScope<Float>, threshold: Float, tiesToKeep: Int) -> Int {
        guard tiesToKeep > 0 else { return 0 }
        var remaining = tiesToKeep
        for index in 0..<values.count where abs(values[index]) == threshold {
            remaining -= 1
            if remaining == 0 { return index + 1 }
        }
        return .max
    }
}
