import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim

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
