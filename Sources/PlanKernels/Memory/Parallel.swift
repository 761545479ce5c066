import Dispatch
import Foundation

/// Splits index ranges over the machine's cores with `DispatchQueue.concurrentPerform`.
///
/// Chunk boundaries depend only on the element count and the chunk size, never on the number of
/// threads, so kernels that seed a random stream per chunk give identical results on any machine.
enum Parallel {
    /// Number of worker threads used by the kernels: the active processor count.
    static var threads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// The number of chunks of `chunkSize` elements that cover `count` elements.
    static func chunkCount(_ count: Int, chunkSize: Int) -> Int {
        count == 0 ? 0 : (count + chunkSize - 1) / chunkSize
    }

    /// Calls `body(chunkIndex, range)` for every chunk of `count` elements, in parallel when there
    /// is more than one chunk, and returns the results in chunk order.
    static func mapChunks<T>(
        count: Int, chunkSize: Int, _ body: @Sendable (Int, Range<Int>) -> T
    ) -> [T] {
        let chunks = chunkCount(count, chunkSize: chunkSize)
        if chunks <= 1 {
            return chunks == 0 ? [] : [body(0, 0..<count)]
        }
        var slots = [T?](repeating: nil, count: chunks)
        BufferScope.mutating(&slots) { slots in
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let lower = chunk * chunkSize
                slots[chunk] = body(chunk, lower..<min(count, lower + chunkSize))
            }
        }
        return slots.compactMap { $0 }
    }

    /// Calls `body(index)` for `0..<count`, in parallel, and returns the results in order.
    static func map<T>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        mapChunks(count: count, chunkSize: 1) { index, _ in body(index) }
    }
}
