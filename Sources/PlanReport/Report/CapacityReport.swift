import Foundation
import PlanCore
import PlanSim

/// Builds the report from a run's stored results: answer first (a sweep's or sensitivity run's
/// own answer when it is one), then per-strategy tables, plots, the sweep, sensitivity,
/// assumptions, calibration and the study's figures for context.
public enum CapacityReport {
    /// The document and the gnuplot scripts for the images it references.
    public static func make(_ input: ReportInput) -> (document: ReportDocument, plots: [(name: String, script: String)]) {
        let scenario = input.scenario
        var plots: [(name: String, script: String)] = []
        var blocks: [ReportDocument.Block] = ReportLead.paragraphs(input).map { .paragraph($0) }
        if let warning = input.consistencyWarning { blocks.append(.paragraph("**Note:** \(warning)")) }
        blocks.append(.paragraph(header(input)))

        if let result = input.simulation {
            blocks += resultSections(result, input: input, plots: &plots)
        }
        for sweep in input.sweeps {
            blocks += sweepSection(sweep)
            let plot = GnuplotScript.sweep(sweep, title: scenario.name)
            plots.append(plot)
            blocks.append(.image(path: plot.name + ".png", alt: "Total cost per strategy against \(sweep.field)"))
        }
        if let tornado = input.tornado {
            blocks.append(.heading(level: 2, text: "Sensitivity"))
            blocks.append(.paragraph("Each input moved ±25% with the others fixed; bars show the cost gap "
                + "`\(tornado.compared)` − `\(tornado.baseline)` (base \(NumberFormat.dollars(tornado.baseGapUSD)))."))
            blocks.append(.table(header: ["input", "−25%", "+25%", "gap at −25%", "gap at +25%", "swing"],
                                 rows: tornado.bars.map { [$0.field, NumberFormat.plain($0.low), NumberFormat.plain($0.high), NumberFormat.dollars($0.gapLowUSD),
                                                           NumberFormat.dollars($0.gapHighUSD), NumberFormat.dollars($0.swingUSD)] },
                                 numeric: [false, true, true, true, true, true]))
            plots.append(GnuplotScript.tornado(tornado, title: scenario.name))
            blocks.append(.image(path: "tornado.png", alt: "Sensitivity of the cost gap to each input (±25%)"))
        }
        if let sensitivity = input.sensitivity {
            blocks += sobolSection(sensitivity)
            for plot in GnuplotScript.sensitivity(sensitivity, title: scenario.name) {
                plots.append(plot)
                blocks.append(.image(path: plot.name + ".png", alt: "Sobol indices per input"))
            }
        }

        blocks.append(.heading(level: 2, text: "Assumptions"))
        blocks.append(.table(header: ReportAssumptions.header, rows: ReportAssumptions.rows(scenario, yaml: input.yaml), numeric: ReportAssumptions.numeric))

        blocks += calibrationSection(input)
        blocks += studySection(input)
        return (ReportDocument(title: "Capacity plan: \(scenario.name)", blocks: blocks), plots)
    }

    /// "Run 7 (`simulate`, …). Scenario `x`: model, 5 → 15 languages over the horizon, …".
    static func header(_ input: ReportInput) -> String {
        let scenario = input.scenario
        let formatter = ISO8601DateFormatter()
        var text = "Run \(input.runID) (`\(input.kind)`, \(formatter.string(from: input.startedAt)), plan \(input.toolVersion), seed \(input.seed)). "
            + "Scenario \(ReportDocument.inlineCode(scenario.name)): \(scenario.model.name), \(languageCount(scenario)), "
            + "\(scenario.hardware.poolGPUs) × \(scenario.hardware.gpu.name), horizon \(scenario.schedule.horizonDays) days"
        if let result = input.simulation {
            text += ", \(plural(result.arrivals, "data arrival")) in \(plural(result.updates, "update build"))"
        }
        return text + "."
    }

    /// "5 languages", or "5 → 15 languages over the horizon" when the schedule adds languages
    /// within the horizon.
    static func languageCount(_ scenario: Scenario) -> String {
        let start = scenario.languages.count
        let existing = Set(scenario.languages.map(\.code))
        let added = Set(scenario.schedule.additions.filter { $0.day <= Double(scenario.schedule.horizonDays) }.map(\.language)).subtracting(existing)
        return added.isEmpty ? plural(start, "language") : "\(start) → \(start + added.count) languages over the horizon"
    }

    /// The cost–quality table (training, serving, TCO, quality retention, update latency,
    /// eligibility), the serving fleet, the recommendation and the TCO plot; empty for a run
    /// stored before the decision existed.
    static func decisionSection(_ result: SimulationRecord, plots: inout [(name: String, script: String)]) -> [ReportDocument.Block] {
        let rows = DecisionTable.rows(result)
        guard !rows.isEmpty else { return [] }
        var blocks: [ReportDocument.Block] = [.heading(level: 2, text: "Cost and quality")]
        let floor = result.qualityFloor.map { $0 > 0 ? " Quality floor: \(NumberFormat.percent($0))." : "" } ?? ""
        blocks.append(.paragraph("Quality is retention relative to the combined (full-retrain) model; TCO is training, merges, evaluation"
            + (result.servingPriced == true ? " and serving" : " (serving is not priced: the scenario has no serving block)")
            + " over the horizon.\(floor)"))
        blocks.append(.table(header: DecisionTable.header, rows: rows, numeric: DecisionTable.numeric))
        let serving = DecisionTable.servingRows(result)
        if !serving.isEmpty {
            blocks.append(.table(header: DecisionTable.servingHeader, rows: serving, numeric: DecisionTable.servingHeader.indices.map { $0 > 0 }))
        }
        let notes = result.strategies.compactMap { s in s.choice?.reason.map { "`\(s.name)` is not eligible: \($0)." } }
        if !notes.isEmpty { blocks.append(.paragraph(notes.joined(separator: " "))) }
        if let headline = DecisionTable.headline(result, markdown: true) { blocks.append(.paragraph(headline)) }
        if let plot = GnuplotScript.totalCostOfOwnership(result) {
            plots.append(plot)
            blocks.append(.image(path: plot.name + ".png", alt: "Cumulative total cost of ownership per strategy over the horizon"))
        }
        return blocks
    }

    /// Per-strategy results, savings, pool, cost plots and Monte Carlo bands of a simulation.
    static func resultSections(_ result: SimulationRecord, input: ReportInput, plots: inout [(name: String, script: String)]) -> [ReportDocument.Block] {
        let scenario = input.scenario
        var blocks: [ReportDocument.Block] = [.heading(level: 2, text: "Results per strategy")]
        var rows: [[String]] = []
        for outcome in result.strategies {
            for (phase, t) in [("initial", outcome.initial), ("maintenance", outcome.maintenance), ("total", outcome.total)] {
                rows.append([phase == "initial" ? outcome.name : "", phase, NumberFormat.tokens(t.trainedTokens),
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
            savingsRows.append([outcome.name, NumberFormat.percent(s.initial.gpuHours), NumberFormat.percent(s.initial.wallClockHours),
                                NumberFormat.percent(s.maintenance.gpuHours), NumberFormat.percent(s.total.costUSD),
                                outcome.breakEvenDay.map { "day \($0)" } ?? "never"])
        }
        if !savingsRows.isEmpty {
            blocks.append(.paragraph("Savings against `\(result.baseline)` (positive = cheaper or faster):"))
            blocks.append(.table(header: ["strategy", "initial GPU-hours", "initial wall-clock", "maintenance GPU-hours", "total cost", "break-even"],
                                 rows: savingsRows, numeric: [false, true, true, true, true, false]))
        }
        blocks += decisionSection(result, plots: &plots)
        blocks += poolSection(result, scenario: scenario)
        blocks += goodputSection(result, scenario: scenario)
        if result.strategies.contains(where: { !$0.series.isEmpty }) {
            plots += GnuplotScript.all(CostCurves(record: result))
            blocks.append(.image(path: "cumulative_cost_usd.png", alt: "Cumulative cost per strategy over the horizon"))
            blocks.append(.image(path: "cumulative_gpu_hours.png", alt: "Cumulative GPU-hours per strategy over the horizon"))
            blocks.append(.image(path: "initial_vs_maintenance.png", alt: "GPU-hours of the initial build and of maintenance, on separate scales"))
        }

        if let trials = result.trials {
            blocks.append(.heading(level: 2, text: "Uncertainty (Monte Carlo, \(trials) trials)"))
            if MonteCarloNote.trialsVary(scenario) {
                let drawn = scenario.uncertainty.map { "`\($0.path)` \(describe($0.distribution))" }
                blocks.append(.paragraph("Drawn per trial: " + (drawn.isEmpty ? "" : "inputs " + drawn.joined(separator: ", ")
                    + (scenario.schedule.poisson.isEmpty ? "" : "; ")) + (scenario.schedule.poisson.isEmpty ? "" : "the Poisson arrivals") + "."))
            } else {
                blocks.append(.paragraph("**Note:** the scenario has no uncertainty block and no Poisson arrivals, so every trial is identical "
                    + "and each band below is a single value; add an uncertainty block for ranges."))
            }
            var mcRows: [[String]] = []
            for outcome in result.strategies where !outcome.percentiles.isEmpty {
                func band(_ key: String, _ format: (Double) -> String) -> String {
                    guard let b = outcome.percentiles[key] else { return "" }
                    return "\(format(b.p10)) – \(format(b.p50)) – \(format(b.p90))"
                }
                mcRows.append([outcome.name, band("gpu_hours", NumberFormat.quantity), band("cost_usd", NumberFormat.dollars),
                               band("update_latency_mean_hours", NumberFormat.quantity),
                               outcome.probabilityCheaper.map(NumberFormat.percent) ?? "baseline"])
            }
            blocks.append(.table(header: ["strategy", "GPU-hours p10 – p50 – p90", "cost p10 – p50 – p90", "latency mean (h) p10 – p50 – p90",
                                          "cheaper than baseline"],
                                 rows: mcRows, numeric: [false, true, true, true, true]))
            plots.append(GnuplotScript.monteCarloBands(result, figure: "cost_usd", label: "total cost (USD)", title: scenario.name))
            blocks.append(.image(path: "monte_carlo_cost_usd.png", alt: "Total cost per strategy: median with p10–p90 band"))
        }
        return blocks
    }

    /// A sweep's verdict, crossings and points.
    static func sweepSection(_ sweep: SweepRecord) -> [ReportDocument.Block] {
        var blocks: [ReportDocument.Block] = [.heading(level: 2, text: "Cost growth: \(sweep.field)")]
        blocks.append(.paragraph("`\(sweep.field)` from \(NumberFormat.plain(sweep.from)) to \(NumberFormat.plain(sweep.to)) "
            + "in steps of \(NumberFormat.plain(sweep.step)): \(sweep.summary)."))
        if !sweep.crossings.isEmpty { blocks.append(.bullets(sweep.crossings.map { SweepTable.crossingLine($0, compared: sweep.compared) })) }
        if !sweep.saturatedValues.isEmpty {
            blocks.append(.paragraph("**Saturated pool** at `\(sweep.field)` = "
                + sweep.saturatedValues.map(NumberFormat.plain).joined(separator: ", ") + ": the pool cannot keep up within the horizon there."))
        }
        let names = sweep.strategyNames
        let banded = sweep.points.contains { $0.strategies.contains { $0.costP10 != nil } }
        var header = [FieldUnits.label(sweep.field)] + names.map { "\($0) cost" } + ["\(sweep.compared) − \(sweep.baseline)"]
        if banded { header += names.map { "\($0) cost p10 – p90" } + ["P(\(sweep.compared) cheaper)"] }
        let rows = sweep.points.map { point -> [String] in
            var row = [NumberFormat.plain(point.value)] + point.strategies.map { NumberFormat.dollars($0.costUSD) } + [NumberFormat.dollars(point.gapUSD)]
            if banded {
                row += point.strategies.map { e in e.costP10.map { NumberFormat.dollars($0) + " – " + NumberFormat.dollars(e.costP90 ?? $0) } ?? "" }
                row.append(point.probabilityCheaper.map(NumberFormat.percent) ?? "")
            }
            return row
        }
        blocks.append(.table(header: header, rows: rows, numeric: header.map { _ in true }))
        return blocks
    }

    /// The Sobol indices of a sensitivity run.
    static func sobolSection(_ sensitivity: SensitivityRecord) -> [ReportDocument.Block] {
        var blocks: [ReportDocument.Block] = [.heading(level: 2, text: "Variance-based sensitivity (Sobol)")]
        blocks.append(.paragraph("Saltelli sampling over the uncertainty block: \(sensitivity.baseSamples) base samples × "
            + "(\(sensitivity.inputs.count) inputs + 2) = \(sensitivity.evaluations) simulations. S1 is the share of an output's variance "
            + "due to the input alone, ST the share including its interactions; intervals are 95% bootstrap intervals "
            + "(the most influential inputs open the report)."))
        for output in sensitivity.outputs {
            blocks.append(.paragraph("**\(sensitivity.title(output))** (mean "
                + "\(NumberFormat.dollars(output.mean)), sd \(NumberFormat.dollars(output.standardDeviation)))"))
            blocks.append(.table(header: ["input", "S1", "S1 95% CI", "ST", "ST 95% CI"],
                                 rows: output.ranked.map { entry in
                                     [entry.input, SensitivityTable.fixed(entry.first),
                                      SensitivityTable.interval(entry.firstInterval.first ?? .nan, entry.firstInterval.last ?? .nan),
                                      SensitivityTable.fixed(entry.total),
                                      SensitivityTable.interval(entry.totalInterval.first ?? .nan, entry.totalInterval.last ?? .nan)]
                                 },
                                 numeric: [false, true, true, true, true]))
        }
        return blocks
    }

    static func calibrationSection(_ input: ReportInput) -> [ReportDocument.Block] {
        var blocks: [ReportDocument.Block] = [.heading(level: 2, text: "Model check against measurements")]
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
        return blocks
    }

    /// The study's claims beside this scenario's figures.
    static func studySection(_ input: ReportInput) -> [ReportDocument.Block] {
        var blocks: [ReportDocument.Block] = [.heading(level: 2, text: "The study for context")]
        blocks.append(.paragraph("Dmonte et al., *Improving Training Efficiency and Reducing Maintenance Costs via Language Specific Model Merging*, "
            + "arXiv 2601.16127 (2026): Llama-3.1-8B-Instruct, LoRA r = alpha = 64, 4 epochs, five languages × 5,000 examples; "
            + "hardware, precision and device count not disclosed."))
        var study: [[String]] = [
            ["initial training time (wall-clock; adapters train in parallel)", "down by up to 50% (about 35% for one task)"],
            ["update one language (+5,000 English) and re-merge vs retrain combined", "more than 60% less training cost (10k vs 30k examples), about 70%"],
            ["quality", "parity on summarization and reasoning; English sentiment about 15 points lower after merging"],
        ]
        if let merge = input.simulation?.strategy(StrategyKind.merge.rawValue), let s = merge.savings {
            study[0].append("\(NumberFormat.percent(s.initial.wallClockHours)) (initial GPU-hours \(NumberFormat.percent(s.initial.gpuHours)))")
            study[1].append(NumberFormat.percent(s.maintenance.gpuHours) + " of maintenance GPU-hours")
            study[2].append(input.quality.map { "not modelled; toy-scale check: " + $0.reading } ?? "not modelled (see `plan validate` for held-out loss at toy scale)")
        }
        blocks.append(.table(header: ["claim", "study", "this scenario"].prefix(study[0].count).map { $0 }, rows: study,
                             numeric: [false, false, false]))
        return blocks
    }

    /// Utilisation, saturation and on-demand vs reserved cost per strategy.
    static func poolSection(_ result: SimulationRecord, scenario: Scenario) -> [ReportDocument.Block] {
        var blocks: [ReportDocument.Block] = [.heading(level: 2, text: "Pool")]
        blocks.append(.paragraph(PoolTable.headline(scenario, horizonDays: result.horizonDays) + ". Utilisation is busy GPU-hours / "
            + "(usable GPUs × horizon hours), usable GPUs being those whole jobs can occupy at once; a pool is saturated when "
            + "utilisation exceeds 100%, a job has waited for GPUs for more than a tenth of the horizon when it ends, or an update "
            + "waits longer than the horizon."))
        let pricing = scenario.hardware.pricing
        let pools = PoolTable.pools(result, scenario: scenario)
        blocks.append(.table(header: PoolTable.header(pricing), rows: PoolTable.rows(pools), numeric: PoolTable.numeric(pricing)))
        let warnings = PoolTable.saturationWarnings(pools, horizonDays: result.horizonDays)
        if !warnings.isEmpty { blocks.append(.bullets(warnings.map { "**Saturated:** " + $0 })) }
        if let note = SimulationTable.widerJobNote(scenario) { blocks.append(.paragraph("GPUs per job: " + note + ".")) }
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
