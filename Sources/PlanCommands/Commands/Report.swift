import ArgumentParser
import Foundation

extension PlanCommand {
    /// `plan report [ID | --latest] --output DIR`
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a capacity-planning report (report.md, a self-contained report.html, plots) from a stored simulate, sweep or sensitivity run.")

        @Argument(help: "Run id (default: the latest simulate, sweep or sensitivity run).") var id: Int64?
        @Flag(help: "Use the latest simulate, sweep or sensitivity run.") var latest = false
        @Option(help: ArgumentHelp("Folder to write the report into (replaced if it holds an earlier report).", valueName: "dir"))
        var output: String
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if id != nil && latest { throw ValidationError("give a run id or --latest, not both") }
        }

        func run() throws {
            try guarded { try ReportWorkflow(runID: id, latest: latest, output: output, databasePath: database.db).run() }
        }
    }
}
