import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim
import PlanRandom

/// The FIFO GPU pool: no overtaking, dependencies, same-instant finishes and releases.
struct GPUPoolTests {
    /// Jobs as (gpus, hours, release, dependent, dependencies).
    func schedule(_ gpus: Int, _ jobs: [(Int, Double, Double, Int, Int)]) -> FIFOPool {
        var pool = FIFOPool()
        for (width, hours, release, dependent, dependencies) in jobs {
            pool.append(gpus: width, hours: hours, releaseHours: release, dependencies: dependencies)
            pool.jobs[pool.jobs.count - 1].dependent = dependent
        }
        pool.schedule(gpus: gpus)
        return pool
    }

    @Test func fifoWithoutOvertaking() {
        // Pool of 2: j0 (1 GPU, 3 h) and j1 (2 GPUs, 1 h) and j2 (1 GPU, 1 h), all at t = 0.
        // j0 starts; j1 needs 2 and waits for j0 (head of line); j2 may not overtake j1.
        let pool = schedule(2, [(1, 3, 0, -1, 0), (2, 1, 0, -1, 0), (1, 1, 0, -1, 0)])
        #expect(pool.start == [0, 3, 4])
        #expect(pool.finish == [3, 4, 5])
        #expect(pool.peakQueuedJobs == 2)
    }

    @Test func dependenciesAndReleaseTimes() {
        // j2 waits for j0 and j1; j3 is released at hour 1.
        let pool = schedule(4, [(1, 2, 0, 2, 0), (1, 5, 0, 2, 0), (1, 1, 0, -1, 2), (1, 1, 1, -1, 0)])
        #expect(pool.start[2] == 5 && pool.finish[2] == 6)
        #expect(pool.start[3] == 1)
    }

    @Test func aJobFinishingFreesItsGPUsForAJobReleasedAtTheSameInstant() {
        let pool = schedule(1, [(1, 2, 0, -1, 0), (1, 1, 2, -1, 0)])
        #expect(pool.start[1] == 2)
        #expect(pool.peakQueuedJobs == 0)
    }

    /// The job list survives scheduling: the same plan on another pool size.
    @Test func aPlanCanBeRescheduledOnAnotherPoolSize() {
        var pool = schedule(1, [(1, 2, 0, -1, 0), (1, 2, 0, -1, 0)])
        #expect(pool.finish == [2, 4])
        pool.schedule(gpus: 2)
        #expect(pool.finish == [2, 2])
    }

    @Test func latencySummaryPercentiles() {
        let summary = LatencySummary([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        #expect(summary.meanHours == 5.5)
        #expect(abs(summary.p90Hours - 9.1) < 1e-12)
    }
}

/// The fast path for stretches the pool cannot contend against the event loop on every job.
struct GPUPoolFastPathTests {
    /// Random plans shaped like the engine's (builds of training jobs → merge → evaluation,
    /// released in time order), some builds wide enough to queue, on several pool sizes.
    @Test(arguments: 0..<40)
    func fastPathMatchesTheEventLoop(seed: Int) {
        var rng = Xoshiro256StarStar(seed: UInt64(seed), stream: 7)
        var pool = FIFOPool()
        var day = 0.0
        // Odd seeds: jobs long enough to overlap the next builds.
        let halfHours = UInt64(seed % 2 == 0 ? 60 : 200)
        for _ in 0..<(5 + Int(rng.next() % 40)) {
            day += Double(rng.next() % 4)  // some builds on the same day
            let first = pool.jobs.count
            let trainings = 1 + Int(rng.next() % 6)
            for _ in 0..<trainings {
                let hours = Double(rng.next() % halfHours) / 2  // zero-hour jobs too
                pool.append(gpus: 1 + Int(rng.next() % 4), hours: hours, releaseHours: day * 24)
            }
            var last = first..<pool.jobs.count
            for _ in 0..<Int(rng.next() % 3) {  // merge, evaluation
                let dependent = pool.jobs.count
                pool.link(last, to: dependent)
                pool.append(gpus: 1 + Int(rng.next() % 2), hours: Double(rng.next() % 10), releaseHours: day * 24, dependencies: last.count)
                last = dependent..<(dependent + 1)
            }
        }
        for gpus in [4, 6, 9, 64] {
            pool.horizonHours = day * 12
            pool.schedule(gpus: gpus, exact: true)
            let expected = (pool.start, pool.finish, pool.peakQueuedJobs, pool.queuedAtHorizon, pool.longestWaitAtHorizon)
            pool.schedule(gpus: gpus)
            #expect(pool.start.elementsEqual(expected.0) { $0 == $1 || ($0.isNaN && $1.isNaN) })
            #expect(pool.finish.elementsEqual(expected.1) { $0 == $1 || ($0.isNaN && $1.isNaN) })
            #expect(pool.peakQueuedJobs == expected.2)
            #expect(pool.queuedAtHorizon == expected.3 && pool.longestWaitAtHorizon == expected.4)
        }
    }

    /// A job wider than the pool never starts, and nor does anything queued behind it.
    @Test func aTooWideJobBlocksTheQueueOnBothPaths() {
        var pool = FIFOPool()
        pool.append(gpus: 1, hours: 1, releaseHours: 0)
        pool.append(gpus: 3, hours: 1, releaseHours: 5)
        pool.append(gpus: 1, hours: 1, releaseHours: 6)
        pool.schedule(gpus: 2)
        #expect(pool.start[0] == 0 && pool.start[1].isNaN && pool.start[2].isNaN)
        #expect(pool.queuedAtHorizon == 2)
    }
}
