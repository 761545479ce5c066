import Foundation
import PlanCore
import PlanSim

/// Everything a capacity-planning report is made from: the stored run's inputs and the results
/// they reproduce.
public struct ReportInput: Sendable {
    public var runID: Int64
    public var kind: String
    public var startedAt: Date
    public var toolVersion: String
    public var scenario: Scenario
    public var yaml: String
    public var seed: UInt64
    public var simulation: SimulationResult
    public var monteCarlo: MonteCarlo.Result?
    public var sweeps: [Sweep.Result]
    public var tornado: Tornado.Result?
    /// The latest validation's predicted vs measured seconds, if any: (run id, rows).
    public var calibration: (runID: Int64, rows: [(name: String, predicted: Double, measured: Double)])?
    /// Set when the re-derived figures differ from those stored with the run.
    public var consistencyWarning: String?
    /// Sobol indices of a stored sensitivity run.
    public var sensitivity: Sensitivity.Result?
    /// The latest validation's quality table, if it has one.
    public var quality: ValidationQuality?

    public init(runID: Int64, kind: String, startedAt: Date, toolVersion: String, scenario: Scenario, yaml: String, seed: UInt64,
                simulation: SimulationResult, monteCarlo: MonteCarlo.Result?, sweeps: [Sweep.Result], tornado: Tornado.Result?,
                calibration: (runID: Int64, rows: [(name: String, predicted: Double, measured: Double)])?, consistencyWarning: String?,
                sensitivity: Sensitivity.Result? = nil,
                quality: ValidationQuality? = nil) {
        self.runID = runID
        self.kind = kind
        self.startedAt = startedAt
        self.toolVersion = toolVersion
        self.scenario = scenario
        self.yaml = yaml
        self.seed = seed
        self.simulation = simulation
        self.monteCarlo = monteCarlo
        self.sweeps = sweeps
        self.tornado = tornado
        self.calibration = calibration
        self.consistencyWarning = consistencyWarning
        self.sensitivity = sensitivity
        self.quality = quality
    }
}

/// Builds the report: answer first, then assumptions, per-strategy tables, plots, calibration
/// and the study's figures for context.
public enum CapacityReport {
    /// The document and the gnuplot scripts for the images it references.
    public static func make(_ input: ReportInput) -> (document: ReportDocument, plots: [(name: String, script: String)]) {
        let result = input.simulation
        let scenario = input.scenario
        var plots = GnuplotScript.all(CostCurves(result: result))
        var blocks: [ReportDocument.Block] = [.paragraph(answer(input))]
        if let warning = input.consistencyWarning { blocks.append(.paragraph("**Note:** \(warning)")) }
        let formatter = ISO8601DateFormatter()
        blocks.append(.paragraph("Run \(input.runID) (`\(input.kind)`, \(formatter.string(from: input.startedAt)), plan \(input.toolVersion), "
            + "seed \(input.seed)). Scenario `\(scenario.name)`: \(scenario.model.name), \(scenario.languages.count) languages, "
            + "\(scenario.hardware.poolGPUs) × \(scenario.hardware.gpu.name), horizon \(result.horizonDays) days, "
            + "\(plural(result.arrivals, "data arrival")) in \(plural(result.updates, "update build"))."))

        blocks.append(.heading(level: 2, text: "Results per strategy"))
        var rows: [[String]] = []
        for outcome in result.strategies {
            for (phase, t) in [("initial", outcome.initial), ("maintenance", outcome.maintenance), ("total", outcome.total)] {
                rows.append([phase == "initial" ? outcome.kind.rawValue : "", phase, NumberFormat.tokens(t.trainedTokens),
                             NumberFormat.quantity(t.gpuHours), NumberFormat.dollars(t.costUSD), NumberFormat.quantity(t.energyKWh),
                             NumberFormat.quantity(t.co2Kg), NumberFormat.quantity(t.wallClockHours),
                             phase == "maintenance" ? "\(NumberFormat.quantity(outcome.latency.meanHours)) / \(NumberFormat.quantity(outcome.latency.p90Hours))" : ""])
            }
        }
        blocks.append(.table(header: ["strategy", "phase", "trained tokens", "GPU-hours", "cost", "energy (kWh)", "CO2 (kg)",
                                      "build hours, summed", "latency mean / p90 (h)"],
                             rows: rows, numeric: [false, false, true, true, true, true, true, true, true]))
        blocks.append(.paragraph("*Build hours, summed*: hours from each build's trigger to its deployed model, added over the phase's "
            + "builds. Builds overlap and queue for GPUs, so this is neither calendar time nor GPU-hours; the latency column is per data arrival."))
        var savingsRows: [[String]] = []
        for outcome in result.strategies {
            guard let s = outcome.savings else { continue }
            savingsRows.append([outcome.kind.rawValue, NumberFormat.percent(s.initial.gpuHours), NumberFormat.percent(s.initial.wallClockHours),
                                NumberFormat.percent(s.maintenance.gpuHours), NumberFormat.percent(s.total.costUSD),
                                outcome.breakEvenDay.map { "day \($0)" } ?? "never"])
        }
        if !savingsRows.isEmpty {
            blocks.append(.paragraph("Savings against `\(result.baseline.rawValue)` (positive = cheaper or faster):"))
            blocks.append(.table(header: ["strategy", "initial GPU-hours", "initial wall-clock", "maintenance GPU-hours", "total cost", "break-even"],
                                 rows: savingsRows, numeric: [false, true, true, true, true, false]))
        }
        blocks += poolSection(input)
        blocks.append(.image(path: "cumulative_cost_usd.png", alt: "Cumulative cost per strategy over the horizon"))
        blocks.append(.image(path: "cumulative_gpu_hours.png", alt: "Cumulative GPU-hours per strategy over the horizon"))
        blocks.append(.image(path: "initial_vs_maintenance.png", alt: "GPU-hours of the initial build and of maintenance"))

        if let mc = input.monteCarlo {
            blocks.append(.heading(level: 2, text: "Uncertainty (Monte Carlo, \(mc.trials) trials)"))
            blocks.append(.paragraph("Inputs drawn per trial: " + scenario.uncertainty.map { "`\($0.path)` \(describe($0.distribution))" }.joined(separator: ", ")
                + (scenario.schedule.poisson.isEmpty ? "." : "; Poisson arrivals redrawn per trial.")))
            var mcRows: [[String]] = []
            for outcome in result.strategies {
                guard let bands = mc.percentiles[outcome.kind] else { continue }
                func band(_ key: String, _ format: (Double) -> String) -> String {
                    guard let b = bands[key] else { return "" }
                    return "\(format(b.p10)) – \(format(b.p50)) – \(format(b.p90))"
                }
                mcRows.append([outcome.kind.rawValue, band("gpu_hours", NumberFormat.quantity), band("cost_usd", NumberFormat.dollars),
                               band("update_latency_mean_hours", NumberFormat.quantity),
                               mc.probabilityCheaper[outcome.kind].map(NumberFormat.percent) ?? "baseline"])
            }
            blocks.append(.table(header: ["strategy", "GPU-hours p10 – p50 – p90", "cost p10 – p50 – p90", "latency mean (h) p10 – p50 – p90",
                                          "cheaper than baseline"],
                                 rows: mcRows, numeric: [false, true, true, true, true]))
            plots.append(GnuplotScript.monteCarloBands(mc, strategies: result.strategies.map(\.kind.rawValue), figure: "cost_usd",
                                                       label: "total cost (USD)", title: scenario.name))
            blocks.append(.image(path: "monte_carlo_cost_usd.png", alt: "Total cost per strategy: median with p10–p90 band"))
        }

        for sweep in input.sweeps {
            blocks.append(.heading(level: 2, text: "Cost growth: \(sweep.range.field)"))
            blocks.append(.paragraph("\(sweep.range.field) from \(NumberFormat.plain(sweep.range.from)) to \(NumberFormat.plain(sweep.range.to)) "
                + "in steps of \(NumberFormat.plain(sweep.range.step)): \(SweepTable.summary(sweep))."))
            if !sweep.crossings.isEmpty { blocks.append(.bullets(SweepTable.crossingLines(sweep))) }
            if !sweep.saturatedValues.isEmpty {
                blocks.append(.paragraph("**Saturated pool** at `\(sweep.range.field)` = "
                    + sweep.saturatedValues.map(NumberFormat.plain).joined(separator: ", ") + ": the pool cannot keep up within the horizon there."))
            }
            let plot = GnuplotScript.sweep(sweep, title: scenario.name)
            plots.append(plot)
            blocks.append(.image(path: plot.name + ".png", alt: "Total cost per strategy against \(sweep.range.field)"))
        }
        if let tornado = input.tornado {
            blocks.append(.heading(level: 2, text: "Sensitivity"))
            blocks.append(.paragraph("Each input moved ±25% with the others fixed; bars show the cost gap "
                + "`\(tornado.compared.rawValue)` − `\(tornado.baseline.rawValue)` (base \(NumberFormat.dollars(tornado.baseGapUSD)))."))
            blocks.append(.table(header: ["input", "−25%", "+25%", "gap at −25%", "gap at +25%", "swing"],
                                 rows: tornado.bars.map { [$0.field, NumberFormat.plain($0.low), NumberFormat.plain($0.high), NumberFormat.dollars($0.gapLowUSD),
                                                           NumberFormat.dollars($0.gapHighUSD), NumberFormat.dollars($0.swingUSD)] },
                                 numeric: [false, true, true, true, true, true]))
            plots.append(GnuplotScript.tornado(tornado, title: scenario.name))
            blocks.append(.image(path: "tornado.png", alt: "Sensitivity of the cost gap to each input (±25%)"))
        }

        if let sensitivity = input.sensitivity {
            blocks.append(.heading(level: 2, text: "Variance-based sensitivity (Sobol)"))
            blocks.append(.paragraph("Saltelli sampling over the uncertainty block: \(sensitivity.baseSamples) base samples × "
                + "(\(sensitivity.inputs.count) inputs + 2) = \(sensitivity.evaluations) simulations. S1 is the share of an output's variance "
                + "due to the input alone, ST the share including its interactions; intervals are 95% bootstrap intervals. "
                + SensitivityTable.summaries(sensitivity).map { $0.prefix(1).uppercased() + $0.dropFirst() + "." }.joined(separator: " ")))
            for output in sensitivity.outputs {
                blocks.append(.paragraph("**\(SensitivityTable.title(output, baseline: sensitivity.baseline))** (mean "
                    + "\(NumberFormat.dollars(output.mean)), sd \(NumberFormat.dollars(output.standardDeviation)))"))
                blocks.append(.table(header: ["input", "S1", "S1 95% CI", "ST", "ST 95% CI"],
                                     rows: sensitivity.ranked(output).map { entry in
                                         [entry.input, SensitivityTable.fixed(entry.index.first),
                                          SensitivityTable.interval(entry.index.firstLow, entry.index.firstHigh),
                                          SensitivityTable.fixed(entry.index.total), SensitivityTable.interval(entry.index.totalLow, entry.index.totalHigh)]
                                     },
                                     numeric: [false, true, true, true, true]))
            }
            for plot in GnuplotScript.sensitivity(sensitivity, title: scenario.name) {
                plots.append(plot)
                blocks.append(.image(path: plot.name + ".png", alt: "Sobol indices per input"))
            }
        }

        blocks.append(.heading(level: 2, text: "Assumptions"))
        blocks.append(.table(header: ["input", "value", "unit", "source"],
                             rows: scenario.assumptions(yaml: input.yaml).map { [$0.path, $0.value, $0.unit, $0.origin.description] },
                             numeric: [false, true, false, false]))

        blocks.append(.heading(level: 2, text: "Model check against measurements"))
        if let calibration = input.calibration, !calibration.rows.isEmpty {
            let errors = calibration.rows.map { abs($0.predicted - $0.measured) / $0.measured }.sorted()
            blocks.append(.paragraph("Latest `plan validate` (run \(calibration.runID)): median |relative error| "
                + "\(NumberFormat.percent(Percentile.of(errors, 0.5))), max \(NumberFormat.percent(errors.last ?? 0))."))
            blocks.append(.table(header: ["job", "predicted (s)", "measured (s)", "relative error"],
                                 rows: calibration.rows.map { [$0.name, String(format: "%.3g", $0.predicted), String(format: "%.3g", $0.measured),
                                                               NumberFormat.percent(($0.predicted - $0.measured) / $0.measured)] },
                                 numeric: [false, true, true, true]))
        } else {
            blocks.append(.paragraph("No validation run in this database yet: `plan validate` times real fine-tune steps and merges on this "
                + "machine and compares them with the cost model's predictions."))
        }

        if let quality = input.quality {
            blocks.append(.heading(level: 2, text: "Quality at small scale"))
            blocks.append(.paragraph("Latest `plan validate` with quality (run \(quality.runID), setup `\(quality.setup)`): held-out loss "
                + "(nats per answer token) and answer-token accuracy per language. \(quality.reading)"))
            let table = quality.table
            blocks.append(.table(header: table.header, rows: table.rows, numeric: [false] + Array(repeating: true, count: table.header.count - 1)))
            blocks.append(.paragraph("**Caveat:** \(ValidationQuality.caveat) The study's findings: merged models at parity with the "
                + "combined one on summarization and reasoning; English sentiment about 15 points lower after merging (TIES, DARE-TIES, "
                + "KnOTS at densities such as 0.5 and 1.0)."))
        }

        blocks.append(.heading(level: 2, text: "The study for context"))
        blocks.append(.paragraph("Dmonte et al., *Improving Training Efficiency and Reducing Maintenance Costs via Language Specific Model Merging*, "
            + "arXiv 2601.16127 (2026): Llama-3.1-8B-Instruct, LoRA r = alpha = 64, 4 epochs, five languages × 5,000 examples; "
            + "hardware, precision and device count not disclosed."))
        var study: [[String]] = [
            ["initial training time (wall-clock; adapters train in parallel)", "down by up to 50% (about 35% for one task)"],
            ["update one language (+5,000 English) and re-merge vs retrain combined", "more than 60% less training cost (10k vs 30k examples), about 70%"],
            ["quality", "parity on summarization and reasoning; English sentiment about 15 points lower after merging"],
        ]
        if let merge = result.strategy(.merge), let s = merge.savings {
            study[0].append("\(NumberFormat.percent(s.initial.wallClockHours)) (initial GPU-hours \(NumberFormat.percent(s.initial.gpuHours)))")
            study[1].append(NumberFormat.percent(s.maintenance.gpuHours) + " of maintenance GPU-hours")
            study[2].append(input.quality.map { "not modelled; toy-scale check: " + $0.reading } ?? "not modelled (see `plan validate` for held-out loss at toy scale)")
        }
        blocks.append(.table(header: ["claim", "study", "this scenario"].prefix(study[0].count).map { $0 }, rows: study,
                             numeric: [false, false, true]))
        return (ReportDocument(title: "Capacity plan: \(scenario.name)", blocks: blocks), plots)
    }

    /// The one-paragraph answer: which strategy wins, by how much, how sure, break-even.
    static func answer(_ input: ReportInput) -> String {
        let result = input.simulation
        guard let winner = result.strategies.min(by: { $0.total.costUSD < $1.total.costUSD }),
            let base = result.strategy(result.baseline)
        else { return "No strategies were simulated." }
        let days = result.horizonDays
        var text: String
        if winner.kind == base.kind {
            text = "**`\(base.kind.rawValue)`** is the cheapest way to maintain this model over \(days) days: "
                + "\(NumberFormat.dollars(base.total.costUSD)) (\(NumberFormat.quantity(base.total.gpuHours)) GPU-hours)."
        } else {
            let s = winner.savings
            text = "**`\(winner.kind.rawValue)`** is the cheapest way to maintain this model over \(days) days: "
                + "\(NumberFormat.dollars(winner.total.costUSD)) against \(NumberFormat.dollars(base.total.costUSD)) for `\(base.kind.rawValue)` "
                + "(\(NumberFormat.percent(s?.total.costUSD ?? 0)) less; \(NumberFormat.quantity(winner.total.gpuHours)) vs "
                + "\(NumberFormat.quantity(base.total.gpuHours)) GPU-hours, \(NumberFormat.quantity(winner.total.co2Kg)) vs "
                + "\(NumberFormat.quantity(base.total.co2Kg)) kg CO2)."
            if let s {
                text += " Maintenance costs \(NumberFormat.percent(s.maintenance.gpuHours)) fewer GPU-hours; the initial build uses "
                    + (s.initial.gpuHours >= 0 ? "\(NumberFormat.percent(s.initial.gpuHours)) fewer" : "\(NumberFormat.percent(-s.initial.gpuHours)) more")
                    + " GPU-hours and finishes \(NumberFormat.percent(s.initial.wallClockHours)) "
                    + (s.initial.wallClockHours >= 0 ? "sooner" : "later") + "."
            }
            text += winner.breakEvenDay.map { " It is cheaper from day \($0) on." } ?? ""
        }
        if let mc = input.monteCarlo, winner.kind != base.kind, let p = mc.probabilityCheaper[winner.kind],
            let band = mc.percentiles[winner.kind]?["savings_cost_usd"]
        {
            text += " Across \(mc.trials) Monte Carlo trials it is cheaper in \(NumberFormat.percent(p)) of them "
                + "(total saving p10–p90: \(NumberFormat.percent(band.p10)) to \(NumberFormat.percent(band.p90)))."
        } else if input.monteCarlo == nil {
            text += " This is one deterministic run; rerun `plan simulate --trials 2000` for uncertainty ranges."
        }
        if input.scenario.hardware.pricing == .reserved {
            text += " The pool is reserved: \(NumberFormat.dollars(base.pool.reservedCostUSD)) for the horizon whichever strategy runs on it, "
                + "so the strategies differ in utilisation and latency (see Pool), not in what the pool costs."
        }
        if let saturated = result.strategies.first(where: \.pool.saturated) {
            text += " **Warning:** the pool cannot keep up with `\(saturated.kind.rawValue)` (see Pool)."
        }
        for sweep in input.sweeps where !sweep.crossings.isEmpty {
            text += " Along `\(sweep.range.field)`, \(SweepTable.summary(sweep))."
        }
        return text
    }

    /// Utilisation, saturation and on-demand vs reserved cost per strategy.
    static func poolSection(_ input: ReportInput) -> [ReportDocument.Block] {
        let result = input.simulation
        var blocks: [ReportDocument.Block] = [.heading(level: 2, text: "Pool")]
        blocks.append(.paragraph(PoolTable.headline(input.scenario, horizonDays: result.horizonDays) + ". Utilisation is busy GPU-hours / "
            + "(pool GPUs × horizon hours); a pool is saturated when utilisation exceeds 100% or an update waits longer than the horizon."))
        let pricing = input.scenario.hardware.pricing
        blocks.append(.table(header: PoolTable.header(pricing), rows: PoolTable.rows(result), numeric: PoolTable.numeric(pricing)))
        let warnings = PoolTable.saturationWarnings(result)
        if !warnings.isEmpty { blocks.append(.bullets(warnings.map { "**Saturated:** " + $0 })) }
        return blocks
    }

    static func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    static func describe(_ distribution: Distribution) -> String {
        switch distribution {
        case let .uniform(low, high): return "uniform [\(NumberFormat.plain(low)), \(NumberFormat.plain(high))]"
        case let .triangular(low, mode, high): return "triangular [\(NumberFormat.plain(low)), \(NumberFormat.plain(mode)), \(NumberFormat.plain(high))]"
        case let .normal(mean, sd): return "normal (mean \(NumberFormat.plain(mean)), sd \(NumberFormat.plain(sd)))"
        case let .lognormal(median, sigma): return "log-normal (median \(NumberFormat.plain(median)), sigma \(NumberFormat.plain(sigma)))"
        }
    }
}
