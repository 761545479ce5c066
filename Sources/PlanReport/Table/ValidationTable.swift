import Foundation

/// The terminal output of `plan validate`: jobs (predicted vs measured), the error summary and the
/// maintenance saving, held-out losses, the pretraining line and the quality table.
public enum ValidationTable {
    /// The models whose held-out losses are reported, in output order.
    public static let lossModels = ["base", "combined", "merged", "single"]

    /// Above this share of the cores used by other processes, the run says its times include interference.
    public static let interferenceThreshold = 0.05

    /// The whole table output (ends with a newline).
    public static func render(_ r: ValidationView) -> String {
        var jobs = TextTable(columns: [("job", .left), ("predicted s", .right), ("measured s", .right), ("error", .right)])
        for job in r.jobs {
            jobs.add([job.name, String(format: "%.3f", job.predictedSeconds), String(format: "%.3f", job.measuredSeconds),
                      String(format: "%+.1f%%", job.relativeError * 100)])
        }
        var lines = ["plan validate (\(r.setup)): openblas \(r.blasCore), \(r.threads) threads, \(r.build) build, "
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

    /// The note for stderr when other processes interfered (nil below `interferenceThreshold`).
    public static func interferenceNote(_ r: ValidationView) -> String? {
        guard let load = r.backgroundLoad, load > interferenceThreshold else { return nil }
        return String(format: "plan: note: other processes used %.0f%% of the cores during validation; measured times include their interference", load * 100)
    }

    /// The held-out losses per language and model.
    public static func lossTable(_ r: ValidationView) -> String {
        var losses = TextTable(columns: [("held-out loss", .left)] + lossModels.map { ($0, .right) })
        for loss in r.losses {
            losses.add([loss.language] + [loss.base, loss.combined, loss.merged, loss.single].map { String(format: "%.3f", $0) })
        }
        return losses.rendered()
    }

    /// The pretraining's cost and effect (not a timed job).
    public static func pretrainingLine(_ r: ValidationView) -> String {
        let p = r.pretraining
        return String(format: "pretrained base (not a timed job): %d full-training steps on general text, %.1f s%@; held-out general-text loss %.3f → %.3f",
                      p.steps, p.seconds, p.reused ? " when it ran (reused from the cache)" : "", p.randomLoss, p.pretrainedLoss)
    }

    /// The quality table: every model's held-out loss and answer accuracy per language, with the reading and caveat.
    public static func qualityTable(_ r: ValidationView) -> String {
        let quality = ValidationQuality(
            runID: 0, setup: r.setup, languages: r.languages,
            rows: r.quality.map { ValidationQuality.Row(model: $0.model, losses: $0.losses, accuracies: $0.accuracies) })
        let (header, rows) = quality.table
        var table = TextTable(columns: header.enumerated().map { ($1, $0 == 0 ? TextTable.Alignment.left : .right) })
        for row in rows { table.add(row) }
        return "quality (held-out, untimed merges):\n" + table.rendered() + "\n" + quality.reading + "\n" + ValidationQuality.caveat
    }

    /// The line listing the files written to `folder` (table output only).
    public static func plotsLine(_ folder: String) -> String {
        "plots: \(folder)/ (validation_parity.png, validation_losses.png, validation_quality_accuracy.png, "
            + "validation_quality_loss.png, and .svg; validation_losses.txt, validation_quality.txt)\n"
    }
}
