import Foundation

/// The GPU pool: a discrete-event simulation of identical GPUs serving jobs first-in,
/// first-out, and the only scheduler in PlanSim.
///
/// A job becomes ready when it is released and the jobs it waits for have finished; ready jobs
/// queue in the order they became ready (ties: submission order) and the head starts as soon as
/// enough GPUs are free (no overtaking, so a wide job is never starved). Events are ordered by
/// (time, kind: finishes before releases, insertion), as in SwiftNIO's embedded event loop, so
/// the result depends only on the inputs. Each job has at most one dependent (training → merge →
/// evaluation), which keeps the hot loop free of per-job lists.
///
/// Stretches where no job can wait take an O(1)-per-job fast path that gives the event loop's
/// result (`Buffers.run`); the event loop runs the rest. The job list survives
/// `schedule(gpus:)`, so one plan can be scheduled on many pool sizes (`PoolSizing`). After the
/// buffers have grown, scheduling allocates nothing.
struct FIFOPool {
    struct Job {
        var gpus: Int
        var hours: Double
        var releaseHours: Double
        /// The job that waits for this one; -1: none.
        var dependent: Int
        /// How many jobs this one waits for.
        var dependencies: Int
    }

    /// Jobs in submission order; releases must be in non-decreasing time order.
    var jobs: [Job] = []
    /// Start and finish hours of every job after `schedule(gpus:)` (NaN: never ran).
    private(set) var start: [Double] = []
    private(set) var finish: [Double] = []
    /// The most jobs that were ready but waiting for GPUs at once.
    private(set) var peakQueuedJobs = 0
    /// When the queue is read (`queuedAtHorizon`): the end of the planning horizon, in hours.
    var horizonHours = Double.infinity
    /// After `schedule`: jobs ready by `horizonHours` (released, the jobs they wait for
    /// finished) that had not started by then, and how long the longest-waiting of them had
    /// waited (0 when none). Read from the event loop as its clock passes the horizon.
    private(set) var queuedAtHorizon = 0
    private(set) var longestWaitAtHorizon = 0.0

    /// Per job: its unfinished dependencies, plus one until it is released.
    private var waiting: [Int] = []
    /// Per job: the latest finish of the jobs it waits for (the fast path's ready time).
    private var dependenciesDone: [Double] = []
    private var ready: [Double] = []
    private var heap: [Finish] = []
    private var queue: [Int] = []

    struct Finish {
        var time: Double
        var sequence: Int
        var job: Int
        @inline(__always) static func before(_ a: Finish, _ b: Finish) -> Bool {
            a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
        }
    }

    mutating func removeAll() { jobs.removeAll(keepingCapacity: true) }

    /// Adds a job that waits for `dependencies` jobs (each of which names it as its dependent).
    @inline(__always) mutating func append(gpus: Int, hours: Double, releaseHours: Double, dependencies: Int = 0) {
        jobs.append(Job(gpus: gpus, hours: hours, releaseHours: releaseHours, dependent: -1, dependencies: dependencies))
    }

    /// Names `dependent` as the one job that each job in `waiting` releases when it finishes.
    @inline(__always) mutating func link(_ waiting: Range<Int>, to dependent: Int) {
        jobs.withUnsafeMutableBufferPointer { jobs in
            for j in waiting { jobs[j].dependent = dependent }
        }
    }

    /// Runs every job on a pool of `gpus` GPUs. `exact`: every job through the event loop (the
    /// reference the fast path is tested against; same result).
    /// - Precondition: every job needs at most `gpus` GPUs (a wider one never starts, and nor
    ///   does anything queued behind it); releases are in time order; dependents come later.
    /// - Complexity: O(J log J) for J jobs; only running jobs sit in the heap. Stretches where
    ///   the pool cannot be contended cost O(1) per job (`Buffers.run`).
    mutating func schedule(gpus: Int, exact: Bool = false) {
        let count = jobs.count
        func reset<T>(_ array: inout [T], _ value: T) {
            array.removeAll(keepingCapacity: true)
            array.append(contentsOf: repeatElement(value, count: count))
        }
        // Scratch that is written before it is read only has to be long enough.
        func grow<T>(_ array: inout [T], _ value: T) {
            if array.count < count { array.append(contentsOf: repeatElement(value, count: count - array.count)) }
        }
        reset(&start, .nan)
        reset(&finish, .nan)
        grow(&queue, 0)
        grow(&heap, Finish(time: 0, sequence: 0, job: 0))
        grow(&ready, 0)
        grow(&waiting, 0)
        grow(&dependenciesDone, 0)
        var peak = 0
        var atHorizon = (jobs: 0, longestWait: 0.0)
        let horizon = horizonHours
        jobs.withUnsafeBufferPointer { jobs in
            start.withUnsafeMutableBufferPointer { start in
                finish.withUnsafeMutableBufferPointer { finish in
                    waiting.withUnsafeMutableBufferPointer { waiting in
                        heap.withUnsafeMutableBufferPointer { heap in
                            queue.withUnsafeMutableBufferPointer { queue in
                                ready.withUnsafeMutableBufferPointer { ready in
                                    dependenciesDone.withUnsafeMutableBufferPointer { done in
                                        let buffers = Buffers(
                                            gpus: gpus, horizon: horizon, jobs: jobs, start: start, finish: finish, waiting: waiting,
                                            heap: heap, queue: queue, ready: ready, dependenciesDone: done)
                                        (peak, atHorizon) = exact ? buffers.runExactly() : buffers.run()
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        peakQueuedJobs = peak
        (queuedAtHorizon, longestWaitAtHorizon) = atHorizon
    }

    /// The scheduling state, as buffers of `jobs.count` slots: every job enters the ready queue
    /// and the heap at most once (`ready`: when each queued job became ready; `waiting`: a job's
    /// unfinished dependencies plus one until it is released; `dependenciesDone`: the latest
    /// finish of the jobs it waits for).
    struct Buffers {
        let gpus: Int
        let horizon: Double
        let jobs: UnsafeBufferPointer<Job>
        let start: UnsafeMutableBufferPointer<Double>
        let finish: UnsafeMutableBufferPointer<Double>
        let waiting: UnsafeMutableBufferPointer<Int>
        let heap: UnsafeMutableBufferPointer<Finish>
        let queue: UnsafeMutableBufferPointer<Int>
        let ready: UnsafeMutableBufferPointer<Double>
        let dependenciesDone: UnsafeMutableBufferPointer<Double>

        typealias Result = (peak: Int, atHorizon: (jobs: Int, longestWait: Double))

        func prepare() {
            for j in 0..<jobs.count {
                waiting[j] = jobs[j].dependencies + 1
                dependenciesDone[j] = -.infinity
            }
        }

        /// Every job through the event loop.
        func runExactly() -> Result {
            prepare()
            var peak = 0
            let atHorizon = eventLoop(from: 0, untilIdle: false, peak: &peak).atHorizon ?? (0, 0)
            return (peak, atHorizon)
        }

        /// The schedule, taking jobs in submission order through a fast path while the pool
        /// cannot be contended. Releases are in time order and a job starts no earlier than its
        /// release, so any job running at the same time as job j, and submitted before it,
        /// finishes after j's release: those "alive" jobs' GPUs plus j's bound the pool's use
        /// whenever j runs. While that bound fits the pool for every job, no job ever waits,
        /// and each starts when it is ready (released, the jobs it waits for finished). When it
        /// does not fit, the jobs since the pool was last idle (no alive job at a release) go
        /// through the event loop until the pool is idle again. Out-of-order releases (outside
        /// the precondition) run the event loop throughout, as before.
        func run() -> Result {
            prepare()
            let count = jobs.count
            var peak = 0
            var atHorizon: (jobs: Int, longestWait: Double)?
            // The alive jobs (the heap's slots, unordered, outside the event loop; `sequence`
            // holds each one's GPUs), their GPUs and their earliest finish.
            var alive = 0
            var aliveGPUs = 0
            var aliveUntil = Double.infinity
            var j = 0
            var first = 0
            var lastRelease = -Double.infinity
            while j < count {
                let job = jobs[j]
                let release = job.releaseHours
                guard release >= lastRelease else {
                    for k in 0..<count { (start[k], finish[k]) = (.nan, .nan) }
                    return runExactly()
                }
                lastRelease = release
                if release >= aliveUntil {
                    var k = 0
                    aliveUntil = .infinity
                    while k < alive {
                        let time = heap[k].time
                        if time <= release {
                            aliveGPUs -= heap[k].sequence
                            alive -= 1
                            heap[k] = heap[alive]
                        } else {
                            if time < aliveUntil { aliveUntil = time }
                            k += 1
                        }
                    }
                }
                if alive == 0 { first = j }
                if aliveGPUs + job.gpus > gpus {
                    // Jobs may queue: undo the fast path since the pool was idle, run them exactly.
                    for k in first..<j {
                        (start[k], finish[k]) = (.nan, .nan)
                        let next = jobs[k].dependent
                        if next >= 0 { waiting[next] += 1 }
                    }
                    let loop = eventLoop(from: first, untilIdle: true, peak: &peak)
                    if atHorizon == nil { atHorizon = loop.atHorizon }
                    guard let resume = loop.resume else { break }
                    (j, alive, aliveGPUs, aliveUntil) = (resume, 0, 0, .infinity)
                    continue
                }
                let begin = max(release, dependenciesDone[j])
                let end = begin + job.hours
                start[j] = begin
                finish[j] = end
                heap[alive] = Finish(time: end, sequence: job.gpus, job: j)
                alive += 1
                aliveGPUs += job.gpus
                if end < aliveUntil { aliveUntil = end }
                let next = job.dependent
                if next >= 0 {
                    waiting[next] -= 1
                    if end > dependenciesDone[next] { dependenciesDone[next] = end }
                }
                j += 1
            }
            return (peak, atHorizon ?? (0, 0))
        }

        /// The event loop from job `from` on an idle pool. With `untilIdle`, it stops when the
        /// pool is idle again with jobs left to release (`resume`: the next job; every earlier
        /// job has finished). `atHorizon`: the queue when the
        /// clock first passed the horizon, or at the end (the queue is in ready order, so its
        /// head has waited longest); nil when the loop stopped before the horizon.
        func eventLoop(from: Int, untilIdle: Bool, peak: inout Int)
            -> (atHorizon: (jobs: Int, longestWait: Double)?, resume: Int?)
        {
            let count = jobs.count
            var heapCount = 0
            var head = from
            var tail = from
            var nextRelease = from
            var sequence = 0
            var free = gpus
            var atHorizon: (jobs: Int, longestWait: Double)?
            while true {
                let releaseTime = nextRelease < count ? jobs[nextRelease].releaseHours : .infinity
                let finishTime = heapCount > 0 ? heap[0].time : .infinity
                let now = min(releaseTime, finishTime)
                if atHorizon == nil && now > horizon {
                    atHorizon = (tail - head, tail > head ? horizon - ready[queue[head]] : 0)
                }
                guard now.isFinite else { break }
                // Finishes first, so that freed GPUs serve jobs released at the same instant.
                while heapCount > 0, heap[0].time == now {
                    let top = heap[0]
                    heapCount -= 1
                    heap[0] = heap[heapCount]
                    FIFOPool.siftDown(heap, count: heapCount)
                    free += jobs[top.job].gpus
                    let next = jobs[top.job].dependent
                    if next >= 0 {
                        waiting[next] -= 1
                        dependenciesDone[next] = now
                        if waiting[next] == 0 {
                            queue[tail] = next
                            ready[next] = now
                            tail += 1
                        }
                    }
                }
                while nextRelease < count, jobs[nextRelease].releaseHours == now {
                    let index = nextRelease
                    nextRelease += 1
                    waiting[index] -= 1
                    if waiting[index] == 0 {
                        queue[tail] = index
                        ready[index] = now
                        tail += 1
                    }
                }
                while head < tail, jobs[queue[head]].gpus <= free {
                    let index = queue[head]
                    head += 1
                    free -= jobs[index].gpus
                    let end = now + jobs[index].hours
                    start[index] = now
                    finish[index] = end
                    // Push and sift up.
                    var child = heapCount
                    heapCount += 1
                    let element = Finish(time: end, sequence: sequence, job: index)
                    while child > 0 {
                        let parent = (child - 1) / 2
                        guard Finish.before(element, heap[parent]) else { break }
                        heap[child] = heap[parent]
                        child = parent
                    }
                    heap[child] = element
                    sequence += 1
                }
                if tail - head > peak { peak = tail - head }
                if untilIdle && heapCount == 0 && head == tail && nextRelease < count {
                    return (atHorizon, nextRelease)
                }
            }
            return (atHorizon ?? (tail - head, tail > head ? horizon - ready[queue[head]] : 0), nil)
        }
    }

    @inline(__always) fileprivate static func siftDown(_ heap: UnsafeMutableBufferPointer<Finish>, count: Int) {
        guard count > 1 else { return }
        let element = heap[0]
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let right = left + 1
            let smaller = right < count && Finish.before(heap[right], heap[left]) ? right : left
            guard Finish.before(heap[smaller], element) else { break }
            heap[parent] = heap[smaller]
            parent = smaller
        }
        heap[parent] = element
    }
}
