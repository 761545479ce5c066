import Foundation

/// A discrete-event simulation of a pool of identical GPUs serving jobs first-in, first-out.
///
/// A job becomes ready when its build is released and all its dependencies have finished; ready
/// jobs queue in the order they became ready (ties: submission order) and the head starts as soon
/// as enough GPUs are free (no overtaking, so a wide job is never starved). Events are ordered by
/// (time, kind: finishes before releases, insertion), as in SwiftNIO's embedded event loop, so
/// the result depends only on the inputs.
public struct GPUPool: Sendable {
    public var gpus: Int

    public init(gpus: Int) { self.gpus = gpus }

    private struct Finish: Comparable {
        var time: Double
        var sequence: Int
        var job: Int
        static func < (a: Finish, b: Finish) -> Bool { (a.time, a.sequence) < (b.time, b.sequence) }
    }

    /// Start and finish hours of every job.
    /// - Precondition: every job needs at most `gpus` GPUs and dependencies point to earlier jobs.
    /// - Complexity: O(J log J) for J jobs; only running jobs sit in the heap.
    public func run(_ jobs: [PoolJob]) -> [JobTiming] { schedule(jobs).timings }

    /// What the pool did: when each job ran, and the longest queue it built.
    public struct Schedule: Sendable, Equatable {
        public var timings: [JobTiming]
        /// The most jobs that were ready (released, dependencies done) but waiting for GPUs at once.
        public var peakQueuedJobs: Int
    }

    /// Start and finish hours of every job, and the peak queue length.
    /// - Precondition: as `run(_:)`.
    /// - Complexity: O(J log J) for J jobs.
    public func schedule(_ jobs: [PoolJob]) -> Schedule {
        let count = jobs.count
        var timings = [JobTiming](repeating: JobTiming(startHours: .nan, finishHours: .nan), count: count)
        // Dependents in one flat array (CSR): no per-job allocation.
        var waiting = [Int](repeating: 0, count: count)
        var offsets = [Int](repeating: 0, count: count + 1)
        for job in jobs { for dependency in job.dependencies { offsets[dependency + 1] += 1 } }
        for index in 0..<count { offsets[index + 1] += offsets[index] }
        var dependents = [Int](repeating: 0, count: offsets[count])
        var fill = offsets
        for (index, job) in jobs.enumerated() {
            waiting[index] = job.dependencies.count
            for dependency in job.dependencies {
                dependents[fill[dependency]] = index
                fill[dependency] += 1
            }
        }
        // Releases in time order (stable: submission order among equal times).
        var order = Array(0..<count)
        if zip(jobs, jobs.dropFirst()).contains(where: { $0.releaseHours > $1.releaseHours }) {
            order.sort { (jobs[$0].releaseHours, $0) < (jobs[$1].releaseHours, $1) }
        }
        var nextRelease = 0
        var released = [Bool](repeating: false, count: count)
        var running = BinaryHeap<Finish>()
        var sequence = 0
        var queue: [Int] = []
        queue.reserveCapacity(count)
        var head = 0
        var free = gpus
        var peakQueued = 0

        while true {
            let releaseTime = nextRelease < count ? jobs[order[nextRelease]].releaseHours : .infinity
            let finishTime = running.peek()?.time ?? .infinity
            let now = min(releaseTime, finishTime)
            guard now.isFinite else { break }
            // Finishes first, so that freed GPUs serve jobs released at the same instant.
            while let top = running.peek(), top.time == now {
                _ = running.pop()
                free += jobs[top.job].gpus
                for slot in offsets[top.job]..<offsets[top.job + 1] {
                    let next = dependents[slot]
                    waiting[next] -= 1
                    if waiting[next] == 0 && released[next] { queue.append(next) }
                }
            }
            while nextRelease < count, jobs[order[nextRelease]].releaseHours == now {
                let index = order[nextRelease]
                nextRelease += 1
                released[index] = true
                if waiting[index] == 0 { queue.append(index) }
            }
            while head < queue.count, jobs[queue[head]].gpus <= free {
                let index = queue[head]
                head += 1
                free -= jobs[index].gpus
                let finish = now + jobs[index].hours
                timings[index] = JobTiming(startHours: now, finishHours: finish)
                running.push(Finish(time: finish, sequence: sequence, job: index))
                sequence += 1
            }
            peakQueued = max(peakQueued, queue.count - head)
        }
        return Schedule(timings: timings, peakQueuedJobs: peakQueued)
    }
}

/// A binary min-heap.
struct BinaryHeap<Element: Comparable> {
    private var items: [Element] = []

    var isEmpty: Bool { items.isEmpty }
    func peek() -> Element? { items.first }

    mutating func push(_ element: Element) {
        items.append(element)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count && items[left] < items[smallest] { smallest = left }
            if right < items.count && items[right] < items[smallest] { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
