import ArgumentParser

/// `--plots DIR` and `--no-plots`, shared by every command that draws gnuplot plots.
struct PlotOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Folder for the gnuplot plots (PNG + SVG).", valueName: "dir"))
    var plots: String = "plots"

    @Flag(name: .customLong("no-plots"), help: "Do not draw plots.")
    var noPlots = false

    /// The folder to draw into; nil with `--no-plots`.
    var folder: String? { noPlots ? nil : plots }
}
