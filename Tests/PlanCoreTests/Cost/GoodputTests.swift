import Foundation
import Testing
@testable import PlanCore

/// Failures and checkpoint-restart (`Goodput.expected`, Daly 2006).
struct GoodputTests {
    var settings: ReliabilitySettings {
        var s = ReliabilitySettings()
        s.storageGBPerSecondPerNode = 1
        return s
    }

    @Test func withoutFailuresAJobTakesItsWork() {
        var none = settings
        none.gpuFailuresPerHour = 0
        let g = Goodput.expected(workHours: 10, gpus: 64, gpusPerNode: 8, checkpointBytes: 1e12, restartMinutes: 10, settings: none)
        #expect(g.expectedHours == 10 && g.expectedInterruptions == 0 && g.effectiveTrainingTimeRatio == 1)
    }

    @Test func theAutoIntervalIsYoungsToFirstOrder() {
        // M = 1 / (1,000 × 1e-4) = 10 h; C = 1e12 B / (125 nodes × 1 GB/s) = 8 s.
        var s = settings
        s.gpuFailuresPerHour = 1e-4
        let g = Goodput.expected(workHours: 100, gpus: 1000, gpusPerNode: 8, checkpointBytes: 1e12, restartMinutes: 5, settings: s)
        let c = 8.0 / 3600
        let young = (2 * c * 10).squareRoot() * 60
        #expect(abs(g.checkpointMinutes - 8.0 / 60) < 1e-9)
        #expect(abs(g.checkpointIntervalMinutes - young) / young < 0.02)
    }

    @Test func theExpectedTimeIsDalysClosedForm() {
        var s = settings
        s.gpuFailuresPerHour = 1e-3
        s.checkpointIntervalMinutes = 60
        // 100 GPUs: M = 10 h; 13 nodes write 1.3e12 B at 1 GB/s each: C = 100 s; R = 6 min.
        let g = Goodput.expected(workHours: 50, gpus: 100, gpusPerNode: 8, checkpointBytes: 1.3e12, restartMinutes: 6, settings: s)
        let (m, tau, c, r) = (10.0, 1.0, 100.0 / 3600, 0.1)
        let daly = m * exp(r / m) * (exp((tau + c) / m) - 1) * 50 / tau
        #expect(abs(g.expectedHours - daly) < 1e-9 * daly)
        #expect(abs(g.expectedInterruptions - daly / m) < 1e-9)
        #expect(abs(g.effectiveTrainingTimeRatio - 0.9146) < 0.001)  // 50 / 54.67 h
    }

    @Test func moreGPUsOrMoreFailuresLoseMore() {
        var s = settings
        s.gpuFailuresPerHour = 1e-4
        func ratio(_ gpus: Int, _ rate: Double) -> Double {
            var t = s
            t.gpuFailuresPerHour = rate
            return Goodput.expected(workHours: 20, gpus: gpus, gpusPerNode: 8, checkpointBytes: 1e11 * Double(gpus), restartMinutes: 10, settings: t)
                .effectiveTrainingTimeRatio
        }
        #expect(ratio(1, 1e-4) > ratio(64, 1e-4))
        #expect(ratio(64, 1e-4) > ratio(1024, 1e-4))
        #expect(ratio(64, 1e-5) > ratio(64, 1e-4))
    }

    @Test func aJobShorterThanOneIntervalWritesNoCheckpoint() {
        var s = settings
        s.gpuFailuresPerHour = 1e-6
        let g = Goodput.expected(workHours: 0.5, gpus: 1, gpusPerNode: 8, checkpointBytes: 1e9, restartMinutes: 10, settings: s)
        #expect(g.checkpointMinutes == 0 && g.checkpointIntervalMinutes == 30)
        #expect(g.expectedHours > 0.5 && g.expectedHours < 0.5001)
    }

    @Test func checkpointsHoldTheTrainableState() throws {
        let catalog = try Catalog.bundled()
        let model = try catalog.model("llama-3.1-8b")
        let lora = TrainingJob(model: model, method: .lora)
        let full = TrainingJob(model: model, method: .full)
        #expect(Goodput.checkpointBytes(lora) == 12 * lora.trainableParameters)
        #expect(Goodput.checkpointBytes(full) == 14 * full.trainableParameters)
    }

    /// Issue #29's acceptance, at the default rate and storage: the Llama 3 405B pre-training run
    /// (16,384 H100s for 54 days, 2,048 nodes) and a one-GPU, four-hour adapter job.
    /// Published (Llama 3 report, Meta 2024, §3.3.4): 466 interruptions in the 54 days, 419 of
    /// them unexpected, and "higher than 90% effective training time". The default rate is
    /// derived from the 419, so the count is a consistency check; the ratio is the model's.
    @Test func theDefaultRateReproducesTheLlama3RunAndSparesAnAdapterJob() throws {
        let defaults = ReliabilitySettings()
        let catalog = try Catalog.bundled()
        let full = TrainingJob(model: try catalog.model("llama-3.1-405b"), method: .full)
        let work = 54 * 24 * 0.93  // the job's failure-free compute, so that it runs about 54 days
        let big = Goodput.expected(workHours: work, gpus: 16_384, gpusPerNode: 8, checkpointBytes: Goodput.checkpointBytes(full),
                                   restartMinutes: 10, settings: defaults)
        #expect(big.expectedHours > 50 * 24 && big.expectedHours < 58 * 24, "\(big.expectedHours / 24) days")
        #expect(big.expectedInterruptions > 380 && big.expectedInterruptions < 470, "\(big.expectedInterruptions)")
        #expect(big.effectiveTrainingTimeRatio > 0.90 && big.effectiveTrainingTimeRatio < 0.97, "\(big.effectiveTrainingTimeRatio)")

        let lora = TrainingJob(model: try catalog.model("llama-3.1-8b"), method: .lora)
        let small = Goodput.expected(workHours: 4, gpus: 1, gpusPerNode: 8, checkpointBytes: Goodput.checkpointBytes(lora),
                                     restartMinutes: 10, settings: defaults)
        #expect(small.effectiveTrainingTimeRatio > 0.99, "\(small.effectiveTrainingTimeRatio)")
        #expect(small.expectedInterruptions < 0.001)
    }
}
