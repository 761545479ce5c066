import PlanCore
import PlanKernels
import Testing
@testable import PlanValidate

/// A seconds-long validation run: its shape and its internal consistency (never its timings).
struct ValidationTests {
    @Test func tinyRunHasEveryJobAndLanguage() throws {
        let setup = ValidationSetup.tiny
        var reported: [Int] = []
        let report = try Validation.run(setup: setup) { done, total, _ in
            #expect(total == Validation.progressUnits(setup))
            reported.append(done)
        }
        let codes = Array(ValidationSetup.languageCodes.prefix(setup.languages))
        #expect(report.jobs.map(\.name) == ["initial/combined"] + codes.map { "initial/adapter-\($0)" }
            + ["initial/merge", "update/retrain-all", "update/retrain-\(codes[0])", "update/re-merge"])
        #expect(report.jobs.map(\.name) == Validation.jobNames(setup))
        #expect(reported == Array(0...Validation.progressUnits(setup)))
        // A step-calibration round before the combined run, after it, after the adapters and after the update.
        #expect(report.stepCalibration.sizes == StepCalibration.sizes(for: setup))
        #expect(report.stepCalibration.rounds.count == 4)
        #expect(report.stepCalibration.rounds.allSatisfy { $0.count == report.stepCalibration.sizes.count && $0.allSatisfy { $0 > 0 } })
        for job in report.jobs {
            #expect(job.predictedSeconds > 0 && job.predictedSeconds.isFinite, "\(job.name)")
            #expect(job.measuredSeconds > 0 && job.measuredSeconds.isFinite, "\(job.name)")
        }
        #expect(report.medianAbsError <= report.maxAbsError)
        #expect(report.losses.map(\.language) == codes)
        for loss in report.losses {
            for value in [loss.base, loss.combined, loss.merged, loss.single] { #expect(value > 0 && value.isFinite) }
        }
        #expect(report.savingsPredicted < 1 && report.savingsMeasured < 1)
        #expect(!report.blasCore.isEmpty && report.threads >= 1)
    }

    /// Steps follow the data: the combined run trains every language's sequences, the grown
    /// language twice its initial data.
    @Test func stepsFollowTheData() throws {
        let setup = ValidationSetup.tiny
        let report = try Validation.run(setup: setup)
        let units = Dictionary(uniqueKeysWithValues: report.jobs.map { ($0.name, $0.units) })
        let perLanguage = units["initial/adapter-en"] ?? 0
        #expect(units["initial/combined"] == perLanguage * setup.languages)
        #expect(units["update/retrain-en"] == 2 * perLanguage)
        #expect(units["update/retrain-all"] == perLanguage * (setup.languages + 1))
    }

    @Test func setupsMatchTheCostModelArchitecture() {
        for setup in [ValidationSetup.quick, .standard, .tiny] {
            let architecture = setup.architecture
            let flops = StepFlops(config: setup.config, mode: setup.mode, tokens: 1)
            let core = TrainingFlops(model: architecture, finetune: setup.finetune)
            // The kernels' own FLOP count and PlanCore's agree (same formulas, two targets).
            #expect(abs(flops.total / core.perToken(context: Double(setup.config.sequenceLength)) - 1) < 1e-12)
        }
    }

    @Test func invalidSetupsAreRefused() {
        var setup = ValidationSetup.tiny
        setup.languages = 1
        #expect(throws: ValidateError.self) { try Validation.run(setup: setup) }
        setup = .tiny
        setup.config.sequenceLength = 8
        #expect(throws: ValidateError.self) { try Calibration.run(setup: setup) }
    }
}

/// Rates blended between two calibrations.
struct KernelRatesBlendTests {
    static func rates(_ scale: Double) -> KernelRates {
        KernelRates(
            matmulFlopsPerSecond: 1e11 * scale, mergeBytesPerSecond: 1e9 * scale, mergeSecondsPerModule: 1e-5 / scale,
            svdFlopsPerSecond: 3e10 * scale, memoryBytesPerSecond: 2e10 * scale)
    }

    @Test func endpointsAndMidpointInTimePerUnit() {
        let a = Self.rates(1), b = Self.rates(2)
        #expect(a.blended(with: b, weight: 0) == a)
        let one = a.blended(with: b, weight: 1)
        #expect(abs(one.matmulFlopsPerSecond / b.matmulFlopsPerSecond - 1) < 1e-12)
        let half = a.blended(with: b, weight: 0.5)
        // Half-way in seconds per FLOP: 1 / ((1/1e11 + 1/2e11) / 2).
        #expect(abs(half.matmulFlopsPerSecond / (1 / ((1 / 1e11 + 1 / 2e11) / 2)) - 1) < 1e-12)
        #expect(abs(half.mergeSecondsPerModule - 0.75e-5) < 1e-17)
    }
}
