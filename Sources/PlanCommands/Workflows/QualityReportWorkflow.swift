import PlanCore
import Foundation
import PlanReport
import PlanStore

/// `plan report ID` of a `quality` run: its stored document read back and written as
/// report.md + report.html with the retention plot.
enum QualityReportWorkflow {
    static func write(_ stored: StoredRun, output: String) throws {
        guard let summary = QualityDocument.parse(stored.document) else {
            throw ReportError.unreadableRun(reason: "run \(stored.id) (stored by plan \(stored.toolVersion)) holds no readable quality document; "
                + "run plan quality again and report the new run")
        }
        let (document, plots) = QualityReport.make(runID: stored.id, toolVersion: stored.toolVersion, summary)
        let written = try ReportWriter.write(document, plots: plots, to: URL(fileURLWithPath: output))
        Console.out("report for run \(stored.id): \(output)/report.md, \(output)/report.html (\(written.filter { $0.pathExtension == "png" }.count) plots, "
            + "embedded in the HTML)\n")
    }
}
