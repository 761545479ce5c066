import Foundation
import PlanKernels
import PlanReport
import PlanStore
import PlanValidate

/// `plan validate`: run the experiments, store the run with its measurements (one transaction),
/// print, plot.
struct ValidationWorkflow {
    var setup: ValidationSetup
    var format: OutputFormat
    var databasePath: String?
    var plotsFolder: String?

    /// The models whose held-out losses are reported, in output order.
    static let lossModels = ["base", "combined", "merged", "single"]

    func run() throws {
        if let warning = BLASInfo.current().coreWarning() { Console.error("plan: \(warning)") }
        let store = try Inputs.store(databasePath)
        let started = Date()
        let progress = Progress("validate", total: Validation.progressUnits(setup))
        let cache = PretrainingCache.file(databasePath: store.path, setup: setup.name)
        let report = try Validation.run(setup: setup, pretrainingCache: cache) { done, _, _ in progress.update(done) }
        progress.finish()
        if let warning = report.pretrainingWarning { Console.error("plan: warning: \(warning)") }
        if let load = report.backgroundLoad, load > 0.05 {
            Console.error(String(format: "plan: note: other processes used %.0f%% of the cores during validation; measured times include their interference", load * 100))
        }
        let machine = CalibrationWorkflow.machine(report.calibration)
        let measurements = report.jobs.map { job in
            MeasurementRow(
                name: job.name, predictedSeconds: job.predictedSeconds, measuredSeconds: job.measuredSeconds,
                details: JSONValue.object([
                    ("kind", .string(job.kind)), ("units", .number(Double(job.units))),
                    ("relative_error", .rounded(job.relativeError, digits: 4)), ("blas_core", .string(report.blasCore)),
                    ("threads", .number(Double(report.threads))), ("build", .string(report.calibration.buildConfiguration)),
                ]).rendered(pretty: false))
        }
        let run = NewRun(
            kind: .validate, startedAt: started, finishedAt: Date(), toolVersion: PlanVersion.current, scenarioName: "validate-\(setup.name)",
            seed: setup.seed, machine: machine.rendered(pretty: false), measurements: measurements)
        let id = try store.record(run) { id in Self.document(id: id, report).rendered() }
        switch format {
        case .json: Console.out(Self.document(id: id, report).rendered() + "\n")
        default: Console.out(Self.table(report) + "\nstored: run \(id) in \(store.path)\n")
        }
        if let plotsFolder {
            let folder = URL(fileURLWithPath: plotsFolder)
            let points = report.jobs.map { ValidationPlots.Point(name: $0.name, predictedSeconds: $0.predictedSeconds, measuredSeconds: $0.measuredSeconds) }
            let rows = report.losses.map { ValidationPlots.LossRow(language: $0.language, losses: [$0.base, $0.combined, $0.merged, $0.single]) }
            try PlotWriter.write(ValidationPlots.all(points: points, losses: rows, models: Self.lossModels, setup: setup.name), to: folder)
            let tableFile = folder.appendingPathComponent("validation_losses.txt")
            do { try Data((Self.lossTable(report) + "\n").utf8).write(to: tableFile, options: .atomic) } catch {
                throw CommandError.cannotCreate(tableFile.path, error.localizedDescription)
            }
            let qualityRows = report.quality.map { row in (row.model, row.scores) }
            try PlotWriter.write([
                ("validation_quality_accuracy", ValidationPlots.quality(
                    qualityRows.map { ValidationPlots.LossRow(language: $0.0, losses: $0.1.map(\.accuracy)) }, languages: report.languages,
                    name: "validation_quality_accuracy", label: "held-out answer-token accuracy",
                    title: "plan validate (\(setup.name)): answer accuracy by model and merge method, per language")),
                ("validation_quality_loss", ValidationPlots.quality(
                    qualityRows.map { ValidationPlots.LossRow(language: $0.0, losses: $0.1.map(\.loss)) }, languages: report.languages,
                    name: "validation_quality_loss", label: "held-out loss (nats per answer token)",
                    title: "plan validate (\(setup.name)): held-out loss by model and merge method, per language")),
            ], to: folder)
            let qualityFile = folder.appendingPathComponent("validation_quality.txt")
            do { try Data((Self.qualityTable(report) + "\n").utf8).write(to: qualityFile, options: .atomic) } catch {
                throw CommandError.cannotCreate(qualityFile.path, error.localizedDescription)
            }
            if format == .table {
                Console.out("plots: \(plotsFolder)/ (validation_parity.png, validation_losses.png, validation_quality_accuracy.png, "
                    + "validation_quality_loss.png, and .svg; validation_losses.txt, validation_quality.txt)\n")
            }
        }
    }

    /// The JSON document of DESIGN §8 plus losses, BLAS core, threads and the calibrated rates.
    static func document(id: Int64, _ r: ValidationReport) -> JSONValue {
        .object([
            ("run_id", .number(Double(id))), ("setup", .string(r.setup)),
            ("jobs", .array(r.jobs.map { job in
                .object([
                    ("name", .string(job.name)), ("kind", .string(job.kind)), ("predicted_s", .rounded(job.predictedSeconds, digits: 4)),
                    ("measured_s", .rounded(job.measuredSeconds, digits: 4)), ("relative_error", .rounded(job.relativeError, digits: 4)),
                    ("units", .number(Double(job.units))),
                ])
            })),
            ("median_abs_error", .rounded(r.medianAbsError, digits: 4)), ("max_abs_error", .rounded(r.maxAbsError, digits: 4)),
            ("savings_predicted", .rounded(r.savingsPredicted, digits: 4)), ("savings_measured", .rounded(r.savingsMeasured, digits: 4)),
            ("losses", .array(r.losses.map { loss in
                .object([
                    ("language", .string(loss.language)), ("base", .rounded(loss.base, digits: 4)),
                    ("combined", .rounded(loss.combined, digits: 4)), ("merged", .rounded(loss.merged, digits: 4)),
                    ("single", .rounded(loss.single, digits: 4)),
                ])
            })),
            ("languages", .array(r.languages.map { .string($0) })),
            ("pretraining", .object([
                ("steps", .number(Double(r.pretraining.steps))), ("seconds", .rounded(r.pretraining.seconds, digits: 4)),
                ("reused", .bool(r.pretraining.reused)), ("random_loss", .rounded(r.pretraining.randomLoss, digits: 4)),
                ("pretrained_loss", .rounded(r.pretraining.pretrainedLoss, digits: 4)),
            ])),
            ("quality", .array(r.quality.map { row in
                .object([
                    ("model", .string(row.model)), ("method", row.method.map { .string($0) } ?? .null),
                    ("density", row.density.map { .rounded($0, digits: 4) } ?? .null),
                    ("scores", .array(zip(r.languages, row.scores).map { language, score in
                        .object([
                            ("language", .string(language)), ("loss", .rounded(score.loss, digits: 4)),
                            ("accuracy", .rounded(score.accuracy, digits: 4)),
                        ])
                    })),
                ])
            })),
            ("blas_core", .string(r.blasCore)), ("threads", .number(Double(r.threads))), ("build", .string(r.calibration.buildConfiguration)),
            ("seconds", .rounded(r.seconds, digits: 4)), ("background_load", r.backgroundLoad.map { .rounded($0, digits: 3) } ?? .null),
            ("rates", CalibrationWorkflow.rates(r.calibration.rates)), ("rates_after", CalibrationWorkflow.rates(r.closingCalibration.rates)),
        ])
    }

    static func table(_ r: ValidationReport) -> String {
        var jobs = TextTable(columns: [("job", .left), ("predicted s", .right), ("measured s", .right), ("error", .right)])
        for job in r.jobs {
            jobs.add([job.name, String(format: "%.3f", job.predictedSeconds), String(format: "%.3f", job.measuredSeconds),
                      String(format: "%+.1f%%", job.relativeError * 100)])
        }
        var lines = ["plan validate (\(r.setup)): openblas \(r.blasCore), \(r.threads) threads, \(r.calibration.buildConfiguration) build, "
            + String(format: "%.0f s", r.seconds), "", jobs.rendered(), ""]
        lines.append(String(format: "median |error| %.1f%%, max |error| %.1f%%", r.medianAbsError * 100, r.maxAbsError * 100))
        lines.append(String(format: "maintenance saving (retrain one + re-merge vs retrain all): predicted %.1f%%, measured %.1f%%",
                            r.savingsPredicted * 100, r.savingsMeasured * 100))
        if let load = r.backgroundLoad {
            lines.append(String(format: "other processes used %.1f%% of the cores meanwhile", load * 100))
        }
        lines += ["", lossTable(r), "", pretrainingLine(r), "", qualityTable(r)]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The pretraining's cost and effect (not a timed job).
    static func pretrainingLine(_ r: ValidationReport) -> String {
        let p = r.pretraining
        return String(format: "pretrained base (not a timed job): %d full-training steps on general text, %.1f s%@; held-out general-text loss %.3f → %.3f",
                      p.steps, p.seconds, p.reused ? " when it ran (reused from the cache)" : "", p.randomLoss, p.pretrainedLoss)
    }

    /// The quality table: every model's held-out loss and answer accuracy per language, with the reading and caveat.
    static func qualityTable(_ r: ValidationReport) -> String {
        let quality = ValidationQuality(
            runID: 0, setup: r.setup, languages: r.languages,
            rows: r.quality.map { ValidationQuality.Row(model: $0.model, losses: $0.scores.map(\.loss), accuracies: $0.scores.map(\.accuracy)) })
        let (header, rows) = quality.table
        var table = TextTable(columns: header.enumerated().map { ($1, $0 == 0 ? TextTable.Alignment.left : .right) })
        for row in rows { table.add(row) }
        return "quality (held-out, untimed merges):\n" + table.rendered() + "\n" + quality.reading + "\n" + ValidationQuality.caveat
    }

    static func lossTable(_ r: ValidationReport) -> String {
        var losses = TextTable(columns: [("held-out loss", .left)] + lossModels.map { ($0, .right) })
        for loss in r.losses {
            losses.add([loss.language] + [loss.base, loss.combined, loss.merged, loss.single].map { String(format: "%.3f", $0) })
        }
        return losses.rendered()
    }
}
