import Foundation

/// A closure-scoped view of contiguous storage: the only PlanKernels type that holds a raw pointer.
///
/// Every use goes through one of the static `with…` functions, which hand a `BufferScope` to a
/// closure; the view must not escape that closure. Kernels use it for unchecked indexing in hot
/// loops and to pass storage to BLAS and LAPACK. It is `@unchecked Sendable` because parallel
/// kernels hand disjoint index ranges of one scope to different threads.
public struct BufferScope<Element>: @unchecked Sendable {
    /// First element of the borrowed storage.
    let base: UnsafeMutablePointer<Element>
    /// Number of elements that may be accessed.
    let count: Int

    subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }

    /// A view of `count` elements starting at `offset`.
    func slice(from offset: Int, count: Int) -> BufferScope {
        BufferScope(base: base + offset, count: count)
    }

    /// Borrows `array` for writing while `body` runs.
    static func mutating<R>(_ array: inout [Element], _ body: (BufferScope) throws -> R) rethrows -> R {
        let count = array.count
        return try array.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                // An empty array has no storage; hand out a scope that allows no access.
                let dummy = UnsafeMutablePointer<Element>.allocate(capacity: 1)
                defer { dummy.deallocate() }
                return try body(BufferScope(base: dummy, count: 0))
            }
            return try body(BufferScope(base: base, count: count))
        }
    }

    /// Borrows `array` for reading while `body` runs; `body` must not write through the scope.
    static func reading<R>(_ array: [Element], _ body: (BufferScope) throws -> R) rethrows -> R {
        try array.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                let dummy = UnsafeMutablePointer<Element>.allocate(capacity: 1)
                defer { dummy.deallocate() }
                return try body(BufferScope(base: dummy, count: 0))
            }
            return try body(BufferScope(base: UnsafeMutablePointer(mutating: base), count: buffer.count))
        }
    }

    /// Borrows every array in `arrays` for reading while `body` runs.
    static func readingAll<R>(_ arrays: [[Element]], _ body: ([BufferScope]) throws -> R) rethrows -> R {
        try readingAll(arrays[...], accumulated: [], body)
    }

    private static func readingAll<R>(
        _ rest: ArraySlice<[Element]>, accumulated: [BufferScope], _ body: ([BufferScope]) throws -> R
    ) rethrows -> R {
        guard let first = rest.first else { return try body(accumulated) }
        return try reading(first) { scope in
            try readingAll(rest.dropFirst(), accumulated: accumulated + [scope], body)
        }
    }
}

extension BufferScope where Element == UInt8 {
    /// The little-endian bytes of `values`, as stored on disk by safetensors.
    static func littleEndianBytes(of values: [Float]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: values.count * 4)
        #if _endian(little)
        bytes.withUnsafeMutableBytes { raw in
            values.withUnsafeBytes { source in raw.copyMemory(from: source) }
        }
        #else
        for (index, value) in values.enumerated() {
            let bits = value.bitPattern
            for byte in 0..<4 { bytes[index * 4 + byte] = UInt8(truncatingIfNeeded: bits >> (8 * byte)) }
        }
        #endif
        return bytes
    }

    /// Decodes `count` little-endian values of `width` bytes starting at `offset` of `bytes`,
    /// converting each raw bit pattern with `convert`.
    static func decodeLittleEndian<Bytes: ContiguousBytes, Bits: FixedWidthInteger>(
        _ bytes: Bytes, offset: Int, count: Int, as _: Bits.Type, _ convert: (Bits) -> Float
    ) -> [Float] {
        let width = MemoryLayout<Bits>.size
        return bytes.withUnsafeBytes { raw in
            [Float](unsafeUninitializedCapacity: count) { out, initialized in
                for index in 0..<count {
                    let bits = raw.loadUnaligned(fromByteOffset: offset + index * width, as: Bits.self)
                    out[index] = convert(Bits(littleEndian: bits))
                }
                initialized = count
            }
        }
    }

    /// The `count` bytes of `bytes` from `offset` (the caller checked the range).
    static func bytes<Bytes: ContiguousBytes>(_ bytes: Bytes, offset: Int, count: Int) -> [UInt8] {
        bytes.withUnsafeBytes { raw in [UInt8](raw[offset..<(offset + count)]) }
    }
}
