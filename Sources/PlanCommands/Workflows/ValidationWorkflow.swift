import PlanCore
import Foundation
import PlanKernels
import PlanReport
import PlanStore
import PlanValidate

/// `plan validate`: run the experiments, store the run with its measurements (one transaction),
/// print and plot through PlanReport (`ValidationTable`, `ValidationDocument`, `ValidationPlots`).
struct ValidationWorkflow {
    var setup: ValidationSetup
    var format: OutputFormat
    var databasePath: String?
    var plotsFolder: String?
    /// OpenBLAS threads for the whole experiment (calibration and jobs alike); 0 keeps OpenBLAS's default.
    var blasThreads: Int = 0

    func run() throws {
        if blasThreads > 0 { BLASInfo.setThreads(blasThreads) }
        Console.warnAboutBLASCore()
        let store = try Inputs.store(databasePath)
        let started = Date()
        let progress = Progress("validate", total: Validation.progressUnits(setup))
        let cache = PretrainingCache.file(databasePath: store.path, setup: setup.name)
        let report = try Validation.run(setup: setup, pretrainingCache: cache) { done, _, _ in progress.update(done) }
        progress.finish()
        let view = Self.view(report)
        if let warning = report.pretrainingWarning { Console.error("plan: warning: \(warning)") }
        if let note = ValidationTable.interferenceNote(view) { Console.error(note) }
        let machine = CalibrationOutput.machine(report.calibration.output)
        let measurements = view.jobs.map { job in
            MeasurementRow(
                name: job.name, predictedSeconds: job.predictedSeconds, measuredSeconds: job.measuredSeconds,
                details: ValidationDocument.measurementDetails(job, view))
        }
        let run = NewRun(
            kind: .validate, startedAt: started, finishedAt: Date(), toolVersion: PlanVersion.current, scenarioName: "validate-\(setup.name)",
            seed: setup.seed, machine: machine.rendered(pretty: false), measurements: measurements)
        let id = try store.record(run) { id in ValidationDocument.make(runID: id, view).rendered() }
        switch format {
        case .json: Console.out(ValidationDocument.make(runID: id, view).rendered() + "\n")
        default: Console.out(ValidationTable.render(view) + "\n" + RunNotes.stored(runID: id, path: store.path))
        }
        if let plotsFolder {
            try writePlots(view, to: plotsFolder)
            if format == .table { Console.out(ValidationTable.plotsLine(plotsFolder)) }
        }
    }

    /// The parity and loss plots, the quality plots and their text tables.
    func writePlots(_ view: ValidationView, to plotsFolder: String) throws {
        let folder = URL(fileURLWithPath: plotsFolder)
        try PlotWriter.write(ValidationPlots.all(view, setup: setup.name), to: folder)
        try Self.writeText(ValidationTable.lossTable(view) + "\n", to: folder.appendingPathComponent("validation_losses.txt"))
        try Self.writeText(ValidationTable.qualityTable(view) + "\n", to: folder.appendingPathComponent("validation_quality.txt"))
    }

    static func writeText(_ text: String, to file: URL) throws {
        do { try Data(text.utf8).write(to: file, options: .atomic) } catch {
            throw CommandError.cannotCreate(file.path, error.localizedDescription)
        }
    }

    /// The report as plain values for PlanReport.
    static func view(_ r: ValidationReport) -> ValidationView {
        ValidationView(
            setup: r.setup,
            jobs: r.jobs.map {
                ValidationView.Job(name: $0.name, kind: $0.kind.rawValue, predictedSeconds: $0.predictedSeconds, measuredSeconds: $0.measuredSeconds,
                                   relativeError: $0.relativeError, units: $0.units, backgroundLoad: $0.backgroundLoad)
            },
            medianAbsError: r.medianAbsError, maxAbsError: r.maxAbsError, savingsPredicted: r.savingsPredicted, savingsMeasured: r.savingsMeasured,
            losses: r.losses.map { ValidationView.Loss(language: $0.language, base: $0.base, combined: $0.combined, merged: $0.merged, single: $0.single) },
            languages: r.languages,
            pretraining: ValidationView.Pretraining(
                steps: r.pretraining.steps, seconds: r.pretraining.seconds, reused: r.pretraining.reused, randomLoss: r.pretraining.randomLoss,
                pretrainedLoss: r.pretraining.pretrainedLoss),
            quality: r.quality.map {
                ValidationView.QualityRow(model: $0.model, method: $0.method, density: $0.density, losses: $0.scores.map(\.loss),
                                          accuracies: $0.scores.map(\.accuracy))
            },
            blasCore: r.blasCore, threads: r.threads, build: r.calibration.buildConfiguration, seconds: r.seconds, backgroundLoad: r.backgroundLoad,
            rates: r.calibration.rates, ratesAfter: r.closingCalibration.rates, stepSizes: r.stepCalibration.sizes,
            stepRounds: r.stepCalibration.rounds)
    }
}
