/// Order statistics of non-negative `Float` bit patterns (which order like the floats), found with
/// a histogram instead of a full quickselect.
///
/// One pass counts the values into at most `maxBins` equal-width bins of [low, high]; another
/// copies out each bin holding a wanted rank, and quickselect finishes there. Quickselect over
/// all values branches unpredictably on every comparison; this costs two predictable passes.
enum BitPatternSelect {
    /// A selected value, with how many values are strictly greater and how many equal it.
    struct Selection: Equatable {
        let value: UInt32
        let greater: Int
        let equal: Int
    }

    /// The values of descending ranks `ranks` (1 = the largest) among all values of `parts`.
    /// - Precondition: one or two ranks, each in 1 ... total count; every value in `low ... high`.
    ///   `kernels` runs the copy-out (identical results either way).
    /// - Complexity: O(n + maxBins + sizes of the selected bins).
    static func select(
        descendingRanks ranks: [Int], in parts: [[UInt32]], low: UInt32, high: UInt32, maxBins: Int = 4096,
        kernels: MergeKernels = .fastest
    ) -> [Selection] {
        let span = UInt64(high - low) + 1
        var shift: UInt32 = 0
        while span >> UInt64(shift) > UInt64(maxBins) { shift += 1 }
        var histogram = [UInt32](repeating: 0, count: Int((span - 1) >> UInt64(shift)) + 1)
        BufferScope.mutating(&histogram) { histogram in
            for part in parts {
                for bits in part { histogram[Int((bits &- low) >> shift)] &+= 1 }
            }
        }
        // For each rank, walk from the top bin down to the one that holds it.
        let located: [(bin: Int, greater: Int)] = ranks.map { rank in
            var bin = histogram.count - 1, greater = 0
            while greater + Int(histogram[bin]) < rank {
                greater += Int(histogram[bin])
                bin -= 1
            }
            return (bin, greater)
        }
        // Copy out the bins that hold the ranks.
        func members(of bin: Int) -> [UInt32] {
            let first = low &+ UInt32(bin) << shift
            let last = bin == histogram.count - 1 ? high : first &+ ((1 << shift) - 1)
            return kernels.collect(parts, low: first, high: last, expected: Int(histogram[bin]))
        }
        let binA = located[0].bin, binB = located[located.count - 1].bin
        let membersA = members(of: binA), membersB = binB == binA ? membersA : members(of: binB)
        return zip(ranks, located).map { rank, location in
            var values = location.bin == binA ? membersA : membersB
            let value = QuickSelect.select(&values, rank: values.count - (rank - location.greater))
            var greater = location.greater, equal = 0
            for bits in values {
                greater += bits > value ? 1 : 0
                equal += bits == value ? 1 : 0
            }
            return Selection(value: value, greater: greater, equal: equal)
        }
    }
}
