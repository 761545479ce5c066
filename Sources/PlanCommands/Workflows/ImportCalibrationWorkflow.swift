import Foundation
import PlanCore
import PlanReport
import PlanStore

/// `plan calibrate --import FILE... --name NAME`: read measured runs, fit the step curve, store the
/// run and the profile in one transaction, print measured against fitted. Every file is read and
/// checked before the database is opened, so a bad file stores nothing.
struct ImportCalibrationWorkflow {
    var files: [String]
    var name: String
    var facts: JobSpec?
    var format: OutputFormat
    var databasePath: String?

    func run() throws {
        let started = Date()
        let catalog = try Catalog.bundled()
        let reader = RunLogReader(catalog: catalog, facts: facts)
        var runs: [MeasuredRun] = []
        for file in files {
            runs += try reader.read(try Inputs.read(file, limit: WorkLimits.importFileBytes), file: file)
            guard runs.count <= WorkLimits.importedRuns else {
                throw PlanCoreError.invalidRunLog(
                    "\(file): the files up to this one hold \(runs.count) measured runs, more than the limit of \(WorkLimits.importedRuns) in one import")
            }
        }
        let fit = try StepCurveFit.fit(runs, catalog: catalog)
        try fit.checkImported()
        let device = fit.device(named: name)
        let profile = try MachineProfile.imported(
            name: name, device: device, baseGPU: fit.baseGPU.name, createdAt: Date(),
            extra: ["runs": fit.runs.count, "fitted": fit.fitted.map(\.rawValue), "median_abs_error": fit.medianAbsError,
                    "max_abs_error": fit.maxAbsError, "files": files])
        let store = try Inputs.store(databasePath)
        let run = NewRun(
            kind: .calibrate, startedAt: started, finishedAt: Date(), toolVersion: PlanVersion.current,
            machine: profile.details,
            measurements: fit.runs.map { row in
                MeasurementRow(name: row.run.source, predictedSeconds: row.fittedStepSeconds, measuredSeconds: row.measuredStepSeconds,
                               details: ImportCalibrationOutput.runJSON(row).rendered(pretty: false))
            })
        let id = try store.recordCalibration(run, profile: profile) { id in ImportCalibrationOutput.document(id: id, name: name, fit).rendered() }
        switch format {
        case .json: Console.out(ImportCalibrationOutput.document(id: id, name: name, fit).rendered() + "\n")
        default: Console.out(ImportCalibrationOutput.table(id: id, name: name, fit) + RunNotes.stored(runID: id, profile: name, path: store.path))
        }
    }
}
