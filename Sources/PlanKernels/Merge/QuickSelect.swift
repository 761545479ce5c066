/// nth_element-style selection: finds an order statistic without sorting.
enum QuickSelect {
    /// The value that would sit at ascending index `rank` if `values` were sorted.
    /// `values` is reordered. Three-way partitioning keeps runs of equal values (e.g. zeros) linear.
    /// - Precondition: `0 <= rank < values.count`.
    /// - Complexity: O(n) expected.
    static func select<Value: Comparable>(_ values: inout [Value], rank: Int) -> Value {
        BufferScope.mutating(&values) { a in select(a, rank: rank) }
    }

    /// As `select(_:rank:)`, on borrowed storage.
    static func select<Value: Comparable>(_ a: BufferScope<Value>, rank: Int) -> Value {
        var low = 0, high = a.count - 1
        while low < high {
            let middle = low + (high - low) / 2
            let x = a[low], y = a[middle], z = a[high]
            let pivot = max(min(x, y), min(max(x, y), z))
            var lt = low, index = low, gt = high
            while index <= gt {
                let value = a[index]
                if value < pivot {
                    a[index] = a[lt]
                    a[lt] = value
                    lt += 1
                    index += 1
                } else if value > pivot {
                    a[index] = a[gt]
                    a[gt] = value
                    gt -= 1
                } else {
                    index += 1
                }
            }
            if rank < lt {
                high = lt - 1
            } else if rank > gt {
                low = gt + 1
            } else {
                return pivot
            }
        }
        return a[rank]
    }
}
