#if arch(x86_64)
import CMergeKernels
#endif

/// Which implementation runs the hot loops of the elementwise merges: the magnitude band scan and
/// copy-out of top-k selection, the fused sparsify / sign-consensus / weighted-sum pass, and
/// DARE's masks (`DareLanes`).
///
/// `portable` is Swift and runs anywhere (baseline x86-64 code generation gives it SSE2 only);
/// `avx512` and `avx2` are the C kernels of `CMergeKernels`, compiled per function for that
/// instruction set and used only when the CPU reports it (AVX-512 F/VL/BW/DQ; AVX2). All give
/// identical bits (tests compare them).
public enum MergeKernels: String, Sendable, CaseIterable, CustomStringConvertible {
    case portable
    case avx2
    case avx512

    public var description: String { rawValue }

    /// The fastest implementation this CPU can run.
    public static let fastest: MergeKernels = avx512Available ? .avx512 : avx2Available ? .avx2 : .portable

    /// Whether this CPU runs the AVX-512 kernels.
    public static let avx512Available: Bool = {
        #if arch(x86_64)
        return mk_avx512_available() != 0
        #else
        return false
        #endif
    }()

    /// Whether this CPU runs the AVX2 kernels.
    public static let avx2Available: Bool = {
        #if arch(x86_64)
        return mk_avx2_available() != 0
        #else
        return false
        #endif
    }()

    /// Whether this implementation can run on this CPU.
    public var isAvailable: Bool {
        switch self {
        case .portable: true
        case .avx2: Self.avx2Available
        case .avx512: Self.avx512Available
        }
    }

    /// The implementation called `name` (`auto` = the fastest).
    /// - Throws: `KernelError.invalidArgument` for an unknown name or one this CPU cannot run.
    public static func named(_ name: String) throws -> MergeKernels {
        if name == "auto" { return fastest }
        guard let kernels = MergeKernels(rawValue: name) else {
            throw KernelError.invalidArgument("unknown kernels '\(name)'; use auto, portable, avx2 or avx512")
        }
        guard kernels.isAvailable else {
            throw KernelError.invalidArgument("this cpu cannot run the \(name) kernels; use --kernels auto or portable")
        }
        return kernels
    }

    /// The result of a band scan over one chunk.
    struct BandScan: Sendable {
        /// Entries with |x| above the band.
        var above: Int
        /// |x| bit patterns of the entries inside the band, in index order.
        var candidates: [UInt32]
    }

    /// Counts the entries of `values` with |x| > `high` and collects those with
    /// `low` ≤ |x| ≤ `high` (magnitudes compared as bit patterns of non-negative floats);
    /// `expected` is how many candidates to make room for at first.
    /// - Precondition: `values.count` < 2³².
    /// - Complexity: O(n), one read of `values`.
    func scanBand(_ values: BufferScope<Float>, low: UInt32, high: UInt32, expected: Int) -> BandScan {
        #if arch(x86_64)
        if let vector = vectorFunctions { return Self.scanBandVector(vector, values, low: low, high: high, expected: expected) }
        #endif
        return Self.scanBandPortable(values, low: low, high: high, expected: expected)
    }

    /// out = the merge of `sources` (all `out.count` long), each task t keeping entries whose |x|
    /// bit pattern exceeds `cuts[t]` (-1 keeps all, `Int32.max` none). With a `consensus`, the
    /// disjoint mean of the agreeing weighted values; without, the weighted sum. `streaming`
    /// asks for non-temporal stores (outputs far larger than the caches; C kernels only).
    /// `workspace` needs 3 · `out.count` elements (used by the portable kernel only).
    /// - Complexity: O(tasks · n), two reads of every source (the second from cache).
    func mergeBlock(
        sources: [BufferScope<Float>], cuts: [Int32], weights: [Float], consensus: MajoritySign?,
        streaming: Bool = false, out: BufferScope<Float>, workspace: BufferScope<Float>
    ) {
        #if arch(x86_64)
        if let vector = vectorFunctions {
            return Self.mergeBlockVector(
                vector, sources: sources, cuts: cuts, weights: weights, consensus: consensus, streaming: streaming, out: out)
        }
        #endif
        Self.mergeBlockPortable(sources: sources, cuts: cuts, weights: weights, consensus: consensus, out: out, workspace: workspace)
    }

    /// The values of `parts` inside `low ... high`, in order; `expected` is their count.
    /// - Complexity: O(n), one read.
    func collect(_ parts: [[UInt32]], low: UInt32, high: UInt32, expected: Int) -> [UInt32] {
        #if arch(x86_64)
        if let vector = vectorFunctions { return Self.collectVector(vector, parts, low: low, high: high, expected: expected) }
        #endif
        var members: [UInt32] = []
        members.reserveCapacity(expected)
        let width = high &- low
        for part in parts {
            for bits in part where bits &- low <= width { members.append(bits) }
        }
        return members
    }

    /// The wrapping sum of the bit patterns of `values`: a read of the buffer at full speed, the
    /// bandwidth reference of `plan bench merge`.
    /// - Complexity: O(n), one read.
    func readChecksum(_ values: BufferScope<Float>) -> UInt32 {
        #if arch(x86_64)
        if let vector = vectorFunctions { return vector.readChecksum(values.base, values.count) }
        #endif
        var sum: UInt32 = 0
        for index in 0..<values.count { sum &+= values[index].bitPattern }
        return sum
    }

    /// x where its magnitude bit pattern exceeds `cut`, else +0 (branch-free).
    @inline(__always)
    static func kept(_ x: Float, cut: Int32) -> Float {
        let bits = x.bitPattern
        let magnitude = Int32(bitPattern: bits & 0x7FFF_FFFF)
        return Float(bitPattern: bits & UInt32(bitPattern: (cut &- magnitude) >> 31))
    }
}
