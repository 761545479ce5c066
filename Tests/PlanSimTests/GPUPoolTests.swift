import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim

struct GPUPoolTests {
    func job(hours: Double, gpus: Int = 1, release: Double = 0, after: [Int] = []) -> PoolJob {
        PoolJob(gpus: gpus, hours: hours, releaseHours: release, dependencies: after)
    }

    @Test func fifoWithoutOvertaking() {
        // Pool of 2: j0 (1 GPU, 3 h) and j1 (2 GPUs, 1 h) and j2 (1 GPU, 1 h), all at t = 0.
        // j0 starts; j1 needs 2 and waits for j0 (head of line); j2 may not overtake j1.
        let timings = GPUPool(gpus: 2).run([job(hours: 3), job(hours: 1, gpus: 2), job(hours: 1)])
        #expect(timings.map(\.startHours) == [0, 3, 4])
        #expect(timings.map(\.finishHours) == [3, 4, 5])
    }

    @Test func dependenciesAndReleaseTimes() {
        let timings = GPUPool(gpus: 4).run([
            job(hours: 2), job(hours: 5), job(hours: 1, after: [0, 1]), job(hours: 1, release: 1),
        ])
        #expect(timings[2].startHours == 5 && timings[2].finishHours == 6)
        #expect(timings[3].startHours == 1)
    }

    @Test func releasesOutOfOrderAreServedByTime() {
        let timings = GPUPool(gpus: 1).run([job(hours: 1, release: 5), job(hours: 1, release: 0)])
        #expect(timings.map(\.startHours) == [5, 0])
    }

    @Test func aJobFinishingFreesItsGPUsForAJobReleasedAtTheSameInstant() {
        let timings = GPUPool(gpus: 1).run([job(hours: 2), job(hours: 1, release: 2)])
        #expect(timings[1].startHours == 2)
    }

    @Test func latencySummaryPercentiles() {
        let summary = LatencySummary([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        #expect(summary.meanHours == 5.5)
        #expect(abs(summary.p90Hours - 9.1) < 1e-12)
    }
}
