import Dispatch
import Foundation

/// Runs the independent pieces of `plan quality` (bases, trials) on a few threads, each piece
/// single-threaded inside (one BLAS thread), and returns the results in job order. Results do not
/// depend on the thread count: every piece is seeded by its own index.
enum QualityWorkers {
    /// `body(i)` for i in 0..<count on up to `workers` threads; the first error is rethrown after
    /// the running pieces finish (no new piece starts once one failed).
    static func map<T: Sendable>(_ count: Int, workers: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        let state = State<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, count))) { _ in
            while let index = state.next() {
                do {
                    state.store(try body(index), at: index)
                } catch {
                    state.fail(error)
                }
            }
        }
        return try state.results()
    }

    /// The shared queue position, results and first error, behind one lock.
    private final class State<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var position = 0
        private var slots: [T?]
        private var error: Error?

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        func next() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard error == nil, position < slots.count else { return nil }
            position += 1
            return position - 1
        }

        func store(_ value: T, at index: Int) {
            lock.lock()
            slots[index] = value
            lock.unlock()
        }

        func fail(_ error: Error) {
            lock.lock()
            if self.error == nil { self.error = error }
            lock.unlock()
        }

        func results() throws -> [T] {
            if let error { throw error }
            return slots.map { $0! }
        }
    }
}
