import Foundation
import PlanCore
import PlanKernels
import PlanReport
import PlanStore
import PlanValidate

/// `plan quality`: run the experiment (`QualityExperiment`), store it as a `quality` run whose
/// document is the JSON output, print the table or the JSON, draw the retention plot.
struct QualityWorkflow {
    var scale: QualityScale
    var setups: [QualitySetup]
    var seeds: Int
    var seed: UInt64
    var format: OutputFormat
    var databasePath: String?
    var plotsFolder: String?
    var blasThreads: Int = 1

    func run() throws {
        if blasThreads > 0 { BLASInfo.setThreads(blasThreads) }
        let blas = BLASInfo.current()
        if let warning = blas.coreWarning() { Console.error("plan: \(warning)") }
        let store = try Inputs.store(databasePath)
        let started = Date()
        let progress = Progress("quality", total: QualityExperiment.progressUnits(setups, seedCount: seeds))
        let outcome = try QualityExperiment.run(
            scale: scale, setups: setups, seedCount: seeds, seed: seed,
            cache: { [path = store.path] name in PretrainingCache.file(databasePath: path, setup: name) }
        ) { done, _, _ in progress.update(done) }
        progress.finish()
        for warning in outcome.warnings { Console.error("plan: warning: \(warning)") }
        let bases = outcome.bases.map {
            QualityDocument.Base(
                name: $0.name, steps: $0.base.steps, seconds: $0.base.seconds, reused: $0.base.reused, randomLoss: $0.base.randomLoss,
                pretrainedLoss: $0.base.pretrainedLoss)
        }
        let machine = JSONValue.object([("blas_core", .string(blas.coreName)), ("threads", .number(Double(blas.threads)))])
        let run = NewRun(
            kind: .quality, startedAt: started, finishedAt: Date(), toolVersion: PlanVersion.current, scenarioName: "quality-\(scale.name)",
            seed: seed, machine: machine.rendered(pretty: false))
        let document = { (id: Int64) in
            QualityDocument.make(runID: id, outcome.summary, bases: bases, blasCore: blas.coreName, threads: blas.threads).rendered()
        }
        let id = try store.record(run, document: document)
        switch format {
        case .json: Console.out(try document(id) + "\n")
        default: Console.out(QualityTable.render(outcome.summary) + "\n")
        }
        try Console.plotAndSummarise(
            plotsFolder == nil ? [] : [QualityPlots.retention(outcome.summary)], folder: plotsFolder, runID: id, storePath: store.path,
            summary: format == .table)
    }
}
