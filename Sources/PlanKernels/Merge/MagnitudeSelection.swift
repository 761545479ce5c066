/// Finds the magnitude threshold that keeps the k largest |x| of a tensor, by selection.
///
/// Small tensors use quickselect on a copy of the magnitudes. Large ones take a strided sample,
/// pick bounds around the expected threshold from the sample (quickselect), then stream the
/// tensor once (in parallel chunks) counting entries above the upper bound and collecting the few
/// between the bounds, and finish with quickselect on those candidates. If the sample misled the
/// bounds, it falls back to the exact small-tensor path, so the result is always exact.
enum MagnitudeSelection {
    /// The result of a selection.
    struct Threshold: Equatable {
        /// The k-th largest magnitude (+infinity when k = 0, 0 when k ≥ count).
        let value: Float
        /// How many entries have |x| ≥ value; equals k unless magnitudes tie at the threshold.
        let atLeast: Int
    }

    static let sampleSize = 1 << 15
    static let chunkSize = 1 << 16

    /// The threshold that keeps the `k` largest magnitudes of `values`.
    /// - Complexity: O(n) expected, one streaming pass for large n.
    static func threshold(_ values: BufferScope<Float>, keep k: Int) -> Threshold {
        let n = values.count
        if k <= 0 { return Threshold(value: .infinity, atLeast: 0) }
        if k >= n { return Threshold(value: 0, atLeast: n) }
        if n >= 8 * sampleSize, let result = sampledThreshold(values, keep: k) { return result }
        return exactThreshold(values, keep: k)
    }

    static func exactThreshold(_ values: BufferScope<Float>, keep k: Int) -> Threshold {
        let n = values.count
        var magnitudes = [Float](repeating: 0, count: n)
        for index in 0..<n { magnitudes[index] = abs(values[index]) }
        let value = QuickSelect.select(&magnitudes, rank: n - k)
        var atLeast = 0
        for magnitude in magnitudes where magnitude >= value { atLeast += 1 }
        return Threshold(value: value, atLeast: atLeast)
    }

    static func sampledThreshold(_ values: BufferScope<Float>, keep k: Int) -> Threshold? {
        let n = values.count, m = sampleSize
        var sample = [Float](repeating: 0, count: m)
        for index in 0..<m { sample[index] = abs(values[index * (n / m)]) }
        let keptFraction = Double(k) / Double(n)
        let expectedRank = Double(m) * (1 - keptFraction)
        let margin = Int(6 * (Double(m) * keptFraction * (1 - keptFraction)).squareRoot()) + 64
        let lowRank = Int(expectedRank) - margin, highRank = Int(expectedRank) + margin
        let low: Float = lowRank <= 0 ? 0 : QuickSelect.select(&sample, rank: lowRank)
        let high: Float = highRank >= m ? .infinity : QuickSelect.select(&sample, rank: highRank)
        let parts = Parallel.mapChunks(count: n, chunkSize: chunkSize) { _, range in
            var above = 0
            var candidates: [Float] = []
            for index in range {
                let magnitude = abs(values[index])
                if magnitude > high {
                    above += 1
                } else if magnitude >= low {
                    candidates.append(magnitude)
                }
            }
            return (above, candidates)
        }
        let above = parts.reduce(0) { $0 + $1.0 }
        var candidates = parts.flatMap(\.1)
        let needed = k - above
        guard needed >= 1, needed <= candidates.count else { return nil }
        let value = QuickSelect.select(&candidates, rank: candidates.count - needed)
        var atLeast = above
        for magnitude in candidates where magnitude >= value { atLeast += 1 }
        return Threshold(value: value, atLeast: atLeast)
    }

    /// A copy of `values` that keeps exactly the `k` largest magnitudes, breaking ties at the
    /// threshold by position (earlier entries first); used only when magnitudes tie.
    static func prunedCopy(_ values: BufferScope<Float>, keep k: Int, threshold: Float) -> [Float] {
        var result = [Float](repeating: 0, count: values.count)
        var above = 0
        for index in 0..<values.count where abs(values[index]) > threshold { above += 1 }
        var tiesLeft = k - above
        for index in 0..<values.count {
            let value = values[index], magnitude = abs(value)
            if magnitude > threshold {
                result[index] = value
            } else if magnitude == threshold, tiesLeft > 0 {
                result[index] = value
                tiesLeft -= 1
            }
        }
        return result
    }
}
