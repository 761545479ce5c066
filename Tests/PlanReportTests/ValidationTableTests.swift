import PlanCore
import Testing
@testable import PlanReport

/// `plan validate`'s table and JSON for a fixed result (snapshots), and the interference note.
struct ValidationTableTests {
    static func rates(_ scale: Double) -> KernelRates {
        KernelRates(
            matmulFlopsPerSecond: 1.234e11 * scale, mergeBytesPerSecond: 4.08799999e9 * scale, mergeSecondsPerModule: 1.2e-5,
            svdFlopsPerSecond: 3e10 * scale, memoryBytesPerSecond: 2.1e10 * scale)
    }

    static func view(backgroundLoad: Double? = 0.012) -> ValidationView {
        func job(_ name: String, _ kind: String, _ predicted: Double, _ measured: Double, _ units: Int) -> ValidationView.Job {
            ValidationView.Job(name: name, kind: kind, predictedSeconds: predicted, measuredSeconds: measured,
                               relativeError: (predicted - measured) / measured, units: units, backgroundLoad: 0.01)
        }
        let jobs = [
            job("initial/combined", "training", 7.5, 8.1, 144), job("initial/adapter-en", "training", 2.5, 2.35, 48),
            job("initial/adapter-de", "training", 2.5, 2.92, 48), job("initial/merge", "merge", 0.011, 0.012, 14),
            job("update/retrain-all", "training", 10.0, 10.4, 192), job("update/retrain-en", "training", 5.0, 5.1, 96),
            job("update/re-merge", "merge", 0.011, 0.010, 14),
        ]
        return ValidationView(
            setup: "quick", jobs: jobs, medianAbsError: 0.0417, maxAbsError: 0.1438, savingsPredicted: 0.4989, savingsMeasured: 0.5087,
            losses: [ValidationView.Loss(language: "en", base: 4.61, combined: 1.66, merged: 2.9, single: 2.35),
                     ValidationView.Loss(language: "de", base: 4.55, combined: 2.28, merged: 3.1, single: 2.38)],
            languages: ["en", "de"],
            pretraining: ValidationView.Pretraining(steps: 200, seconds: 12.2, reused: true, randomLoss: 4.161, pretrainedLoss: 1.397),
            quality: [ValidationView.QualityRow(model: "combined", method: nil, density: nil, losses: [1.66, 2.28], accuracies: [0.31, 0.27]),
                      ValidationView.QualityRow(model: "merge/ties d=0.5", method: "ties", density: 0.5, losses: [2.9, 3.1],
                                                accuracies: [0.08, 0.07])],
            blasCore: "SkylakeX", threads: 2, build: "release", seconds: 61.4, backgroundLoad: backgroundLoad, rates: rates(1),
            ratesAfter: rates(0.95), stepSizes: [2, 4, 12, 16], stepRounds: [[0.0151, 0.0262, 0.0713, 0.0934], [0.0149, 0.0266, 0.0721, 0.0951]])
    }

    @Test func tableAndDocumentSnapshots() throws {
        let view = Self.view()
        try SnapshotTests().check(ValidationTable.render(view), "validate-table.txt")
        try SnapshotTests().check(ValidationDocument.make(runID: 7, view).rendered() + "\n", "validate.json")
        try SnapshotTests().check(ValidationTable.plotsLine("plots"), "validate-plots-line.txt")
    }

    @Test func measurementDetailsAreCompactJSON() {
        let view = Self.view()
        #expect(ValidationDocument.measurementDetails(view.jobs[3], view)
            == #"{"kind":"merge","units":14,"relative_error":-0.08333,"blas_core":"SkylakeX","threads":2,"build":"release"}"#)
    }

    @Test(arguments: [(nil, false), (0.05, false), (0.051, true), (0.4, true)] as [(Double?, Bool)])
    func interferenceNoteAboveTheThreshold(load: Double?, noted: Bool) {
        let note = ValidationTable.interferenceNote(Self.view(backgroundLoad: load))
        #expect((note != nil) == noted)
        if let load, noted { #expect(note?.contains(String(format: "%.0f%%", load * 100)) == true) }
    }

    @Test func ratesPrintWithoutBinaryNoise() {
        #expect(KernelRatesDocument.figure(4.08799999e9).rendered() == "4088000000")
        #expect(KernelRatesDocument.figure(0.000123456).rendered() == "0.0001235")
    }
}
