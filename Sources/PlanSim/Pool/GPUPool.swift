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

    private struct Event: Comparable {
        var time: Double
        var priority: Int  // 0 = finish, 1 = release
        var sequence: Int
        var job: Int
        static func < (a: Event, b: Event) -> Bool {
            (a.time, a.priority, a.sequence) < (b.time, b.priority, b.sequence)
        }
    }

    /// Start and finish hours of every job.
    /// - Precondition: every job needs at most `gpus` GPUs and dependencies point to earlier jobs.
    /// - Complexity: O(J log J) for J jobs.
    public func run(_ jobs: [PoolJob]) -> [JobTiming] {
        var timings = [JobTiming](repeating: JobTiming(startHours: .nan, finishHours: .nan), count: jobs.count)
        var waiting = jobs.map(\.dependencies.count)
        var dependents = [[Int]](repeating: [], count: jobs.count)
        for (index, job) in jobs.enumerated() {
            for dependency in job.dependencies { dependents[dependency].append(index) }
        }
        var heap = BinaryHeap<Event>()
        var sequence = 0
        for (index, job) in jobs.enumerated() {
            heap.push(Event(time: job.releaseHours, priority: 1, sequence: sequence, job: index))
            sequence += 1
        }
        var released = [Bool](repeating: false, count: jobs.count)
        var queue: [Int] = []
        var head = 0
        var free = gpus

        while let first = heap.pop() {
            let now = first.time
            var event: Event? = first
            while let current = event {
                if current.priority == 0 {
                    free += jobs[current.job].cost.gpus
                    for next in dependents[current.job] {
                        waiting[next] -= 1
                        if waiting[next] == 0 && released[next] { queue.append(next) }
                    }
                } else {
                    released[current.job] = true
                    if waiting[current.job] == 0 { queue.append(current.job) }
                }
                event = heap.peek().map { $0.time == now } == true ? heap.pop() : nil
            }
            while head < queue.count, jobs[queue[head]].cost.gpus <= free {
                let index = queue[head]
                head += 1
                free -= jobs[index].cost.gpus
                let finish = now + jobs[index].cost.wallSeconds / 3600
                timings[index] = JobTiming(startHours: now, finishHours: finish)
                heap.push(Event(time: finish, priority: 0, sequence: sequence, job: index))
                sequence += 1
            }
        }
        return timings
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
