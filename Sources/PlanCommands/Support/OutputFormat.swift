import ArgumentParser

/// `--format` for commands that print results.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// `--db PATH`, shared by every command that stores or reads runs.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite file runs are stored in (default: $PLAN_DB or plan-runs.sqlite).", valueName: "path"))
    var db: String?
}
