import Foundation
import PlanCore
import PlanKernels
import PlanReport
import PlanStore
import PlanValidate

/// `plan calibrate`: measure, store the run and the machine profile in one transaction, print.
struct CalibrationWorkflow {
    var setup: ValidationSetup
    var name: String
    var format: OutputFormat
    var databasePath: String?

    func run() throws {
        Console.warnAboutBLASCore()
        let store = try Inputs.store(databasePath)
        let started = Date()
        let progress = Progress("calibrate", total: Calibration.progressSteps)
        let calibration = try Calibration.run(setup: setup) { done, _ in progress.update(done) }
        progress.finish()
        let figures = calibration.output
        let profile = MachineProfile(
            name: name, runID: nil, createdAt: Date(), peakFlopsPerSecond: calibration.fmaPeakFlopsPerSecond,
            memoryBytesPerSecond: calibration.rates.memoryBytesPerSecond, memoryBytes: calibration.memoryBytes,
            boardWatts: calibration.boardWatts, details: CalibrationOutput.details(figures).rendered(pretty: false))
        let run = NewRun(
            kind: .calibrate, startedAt: started, finishedAt: Date(), toolVersion: PlanVersion.current,
            machine: CalibrationOutput.machine(figures).rendered(pretty: false),
            measurements: [MeasurementRow(
                name: "sgemm_\(calibration.sgemmSize)", predictedSeconds: nil,
                measuredSeconds: 2 * pow(Double(calibration.sgemmSize), 3) / calibration.sgemmFlopsPerSecond,
                details: CalibrationOutput.machine(figures).rendered(pretty: false))])
        let id = try store.recordCalibration(run, profile: profile) { id in CalibrationOutput.document(id: id, name: name, figures).rendered() }
        switch format {
        case .json: Console.out(CalibrationOutput.document(id: id, name: name, figures).rendered() + "\n")
        default: Console.out(CalibrationOutput.table(id: id, name: name, figures) + "\n" + RunNotes.stored(runID: id, profile: name, path: store.path))
        }
    }
}

extension Calibration {
    /// The calibration as PlanReport's renderers take it.
    var output: CalibrationOutput.Figures {
        CalibrationOutput.Figures(
            rates: rates, sgemmFlopsPerSecond: sgemmFlopsPerSecond, sgemmSize: sgemmSize, fmaPeakFlopsPerSecond: fmaPeakFlopsPerSecond,
            fmaPeakMethod: fmaPeakMethod, blasCore: blas.coreName, threads: blas.threads, blasConfig: blas.config,
            buildConfiguration: buildConfiguration, coreWarning: coreWarning, setupName: setupName, seconds: seconds, stepCurve: stepCurve,
            stepPoints: stepPoints.map {
                .init(sequencesPerStep: $0.sequencesPerStep, tokensPerStep: $0.tokensPerStep, medianSeconds: $0.medianSeconds,
                      predictedSeconds: $0.predictedSeconds)
            })
    }
}
