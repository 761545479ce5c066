import ArgumentParser

/// `--format` for commands that print results.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// `--format` for commands whose results are not rows (csv would make no sense); `--help` lists
/// exactly these two.
enum TableOrJSON: String, ExpressibleByArgument, CaseIterable {
    case table, json

    /// The same choice as an `OutputFormat`, for workflows that take one.
    var output: OutputFormat { self == .json ? .json : .table }
}

/// `plan scenarios show --format`: the scenario's own YAML, or a JSON document.
enum YAMLOrJSON: String, ExpressibleByArgument, CaseIterable {
    case yaml, json
}

/// `--db PATH`, shared by every command that stores or reads runs.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite file runs are stored in (default: $PLAN_DB or plan-runs.sqlite).", valueName: "path"))
    var db: String?
}
