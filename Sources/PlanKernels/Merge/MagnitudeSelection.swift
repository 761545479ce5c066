/// Finds, per task, the magnitude threshold that keeps exactly the k largest |x|, by selection.
///
/// Tensors under 16 Ki entries use quickselect on a copy of the magnitudes. Larger ones take a
/// sample (an eighth of the tensor, at most 2^17 entries) spread over the tensor, pick a band
/// around the expected threshold from it (histogram selection), then stream every task once in
/// parallel pieces, counting entries above the band and collecting the few inside it (the band
/// scan of `MergeKernels`), and finish with a histogram and quickselect on those candidates. If
/// the sample misled the band, that task is scanned again with a band four times wider, then by
/// the exact path, so the result is always exact. Magnitudes that tie at the threshold are kept
/// in index order up to `tieCutoff`. Magnitudes compare as bit patterns throughout (NaN above
/// infinity), so every path agrees on any input.
enum MagnitudeSelection {
    /// The result of a selection.
    struct Threshold: Equatable {
        /// The k-th largest magnitude (+infinity when k = 0, 0 when k ≥ count).
        let value: Float
        /// Entries with |x| == value are kept at indices < tieCutoff (Int.max: all of them).
        let tieCutoff: Int
    }

    /// The largest sample: 2^17 magnitudes.
    static let sampleSize = 1 << 17
    static let sampleRun = 64
    /// Tensors of at least this many entries take the sampled path (real LoRA factors are
    /// 10^4–10^6 entries; quickselect on a copy of them is several times slower).
    static let sampledPathMinimum = 1 << 14

    /// The sample size for a tensor of `n` entries: an eighth of it, in whole runs, at most
    /// `sampleSize`.
    static func sampleSize(for n: Int) -> Int {
        min(sampleSize, n / 8 / sampleRun * sampleRun)
    }
    static let passChunkSize = 1 << 18

    /// The threshold that keeps the `k` largest magnitudes of each of `tasks` (all one length).
    /// - Complexity: O(n) expected per task; one streaming pass for large n (two when the sample
    ///   misled the first band).
    static func thresholds(_ tasks: [BufferScope<Float>], keep k: Int, kernels: MergeKernels = .fastest) -> [Threshold] {
        guard let n = tasks.first?.count else { return [] }
        if k <= 0 { return Array(repeating: Threshold(value: .infinity, tieCutoff: 0), count: tasks.count) }
        if k >= n { return Array(repeating: Threshold(value: 0, tieCutoff: .max), count: tasks.count) }
        guard n >= sampledPathMinimum else { return Parallel.map(tasks.count) { exact(tasks[$0], keep: k) } }
        var results = [Threshold?](repeating: nil, count: tasks.count)
        var pending = Array(tasks.indices)
        // A band from the sample, then (for the rare task whose threshold fell outside it) a band
        // four times wider, then the exact path.
        for widening in [1.0, 4.0] where !pending.isEmpty {
            let found = bandThresholds(pending.map { tasks[$0] }, keep: k, widening: widening, kernels: kernels)
            for (task, threshold) in zip(pending, found) { results[task] = threshold }
            pending = pending.filter { results[$0] == nil }
        }
        let missed = pending
        let exactThresholds = Parallel.map(missed.count) { Self.exact(tasks[missed[$0]], keep: k) }
        for (task, threshold) in zip(missed, exactThresholds) { results[task] = threshold }
        return results.map { $0! }
    }

    /// The threshold of one task; as `thresholds`.
    static func threshold(_ values: BufferScope<Float>, keep k: Int, kernels: MergeKernels = .fastest) -> Threshold {
        thresholds([values], keep: k, kernels: kernels)[0]
    }

    /// Sample bounds per task, one parallel band scan over every (task, chunk) piece, then the
    /// selection among the candidates; nil for a task whose threshold is outside its band.
    static func bandThresholds(
        _ tasks: [BufferScope<Float>], keep k: Int, widening: Double, kernels: MergeKernels
    ) -> [Threshold?] {
        let n = tasks[0].count
        let bands = Parallel.map(tasks.count) { sampleBand(tasks[$0], keep: k, widening: widening, kernels: kernels) }
        let chunks = Parallel.chunkCount(n, chunkSize: passChunkSize)
        // One piece per chunk, scanning that region of every task in turn.
        let pieces = Parallel.map(chunks) { chunk in
            let lower = chunk * passChunkSize, count = min(passChunkSize, n - lower)
            return tasks.indices.map { task in
                let band = bands[task]
                return kernels.scanBand(
                    tasks[task].slice(from: lower, count: count), low: band.low, high: band.high,
                    expected: Int(Double(count) * band.expectedFraction * 1.5) + 64)
            }
        }
        return Parallel.map(tasks.count) { task in
            finish(
                pieces.map { $0[task] }[...], of: tasks[task], keep: k, low: bands[task].low, high: bands[task].high,
                kernels: kernels)
        }
    }

    /// Quickselect on a copy of all magnitude bit patterns, then a scan for the tie cutoff if
    /// needed. Bit patterns order non-negative floats, and order NaN above infinity exactly as the
    /// band scan and the cuts of the merge pass do, so every path agrees on any input.
    static func exact(_ values: BufferScope<Float>, keep k: Int) -> Threshold {
        let n = values.count
        var magnitudes = [UInt32](unsafeUninitializedCapacity: n) { buffer, initialized in
            for index in 0..<n { buffer[index] = values[index].bitPattern & 0x7FFF_FFFF }
            initialized = n
        }
        let valueBits = QuickSelect.select(&magnitudes, rank: n - k)
        var above = 0, equal = 0
        for bits in magnitudes {
            above += bits > valueBits ? 1 : 0
            equal += bits == valueBits ? 1 : 0
        }
        return threshold(valueBits, above: above, equal: equal, keep: k) { ties in
            indexAfter(ties, tiesOf: valueBits, in: values, range: 0..<n)
        }
    }

    /// The threshold at `valueBits`, where `above` magnitudes are larger and `equal` tie with it.
    /// When not every tie can be kept, `cutoff(ties)` finds the index just past the last of the
    /// first `ties` ties (nil: past the end).
    static func threshold(_ valueBits: UInt32, above: Int, equal: Int, keep k: Int, cutoff: (Int) -> Int?) -> Threshold {
        let value = Float(bitPattern: valueBits)
        guard equal > k - above else { return Threshold(value: value, tieCutoff: .max) }
        // Keep the first (k − above) ties in index order: the cutoff is just past the last kept one.
        let ties = k - above
        guard ties > 0 else { return Threshold(value: value, tieCutoff: 0) }
        return Threshold(value: value, tieCutoff: cutoff(ties) ?? .max)
    }

    /// One past the index of the `ties`-th entry in `range` whose magnitude is `valueBits`, or nil.
    static func indexAfter(_ ties: Int, tiesOf valueBits: UInt32, in values: BufferScope<Float>, range: Range<Int>) -> Int? {
        var remaining = ties
        for index in range where values[index].bitPattern & 0x7FFF_FFFF == valueBits {
            remaining -= 1
            if remaining == 0 { return index + 1 }
        }
        return nil
    }

    /// Magnitude bit patterns that bracket the k-th largest with high probability: sample ranks
    /// ±(5 standard deviations + 64) · `widening` around the expected rank. The sample is
    /// `sampleSize(for: n)` entries in runs of `sampleRun` consecutive ones (four cache lines)
    /// spread evenly over the tensor, so it costs a fraction of the cache misses of single entries.
    static func sampleBand(
        _ values: BufferScope<Float>, keep k: Int, widening: Double, kernels: MergeKernels
    ) -> (low: UInt32, high: UInt32, expectedFraction: Double) {
        let n = values.count, m = sampleSize(for: n)
        let runs = m / sampleRun, spacing = n / runs
        let sample = [UInt32](unsafeUninitializedCapacity: m) { buffer, initialized in
            for run in 0..<runs {
                let source = values.slice(from: run * spacing, count: sampleRun)
                for offset in 0..<sampleRun { buffer[run * sampleRun + offset] = source[offset].bitPattern & 0x7FFF_FFFF }
            }
            initialized = m
        }
        let keptFraction = Double(k) / Double(n)
        let expectedRank = Double(m) * keptFraction
        let margin = Int(widening * (5 * (Double(m) * keptFraction * (1 - keptFraction)).squareRoot() + 64))
        // Descending ranks: the band runs from the (expected + margin)-th largest sample value up
        // to the (expected − margin)-th.
        let upperRank = Int(expectedRank) - margin, lowerRank = Int(expectedRank) + margin
        let bounds = BitPatternSelect.select(
            descendingRanks: [min(m, max(1, lowerRank)), min(m, max(1, upperRank))], in: [sample], low: 0, high: 0x7FFF_FFFF,
            maxBins: min(1 << 16, m / 2), kernels: kernels)
        let low: UInt32 = lowerRank >= m ? 0 : bounds[0].value
        let high: UInt32 = upperRank < 1 ? 0x7F7F_FFFF : bounds[1].value
        return (low, max(low, high), min(1, Double(2 * margin + 1) / Double(m)))
    }

    /// The threshold from the band scans of one task, or nil when the band missed it.
    ///
    /// Entries tying at the threshold all lie inside the band and each chunk's candidates are in
    /// index order, so counting ties chunk by chunk finds the chunk of the last kept tie; only
    /// that chunk is read again to find its index.
    static func finish(
        _ scans: ArraySlice<MergeKernels.BandScan>, of values: BufferScope<Float>, keep k: Int, low: UInt32, high: UInt32,
        kernels: MergeKernels
    ) -> Threshold? {
        let aboveHigh = scans.reduce(0) { $0 + $1.above }
        let total = scans.reduce(0) { $0 + $1.candidates.count }
        let needed = k - aboveHigh
        guard needed >= 1, needed <= total else { return nil }
        let selected = BitPatternSelect.select(
            descendingRanks: [needed], in: scans.map(\.candidates), low: low, high: high, kernels: kernels)[0]
        let valueBits = selected.value, above = aboveHigh + selected.greater
        return threshold(valueBits, above: above, equal: selected.equal, keep: k) { ties in
            var remaining = ties
            for (chunk, scan) in zip(0..., scans) {
                let chunkTies = scan.candidates.reduce(0) { $0 + ($1 == valueBits ? 1 : 0) }
                guard chunkTies >= remaining else {
                    remaining -= chunkTies
                    continue
                }
                let lower = chunk * passChunkSize
                return indexAfter(remaining, tiesOf: valueBits, in: values, range: lower..<min(values.count, lower + passChunkSize))
            }
            return nil
        }
    }
}
