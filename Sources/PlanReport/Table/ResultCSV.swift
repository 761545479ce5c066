import Foundation
import PlanCore
import PlanSim

/// The one CSV writer for results: `plan simulate --format csv`, `plan sweep --format csv`,
/// `plan sensitivity --format csv` and `plan runs export ID --format csv` all print through it.
///
/// Each writer reads the run as stored, never the live result: a simulate run's
/// `SimulationRecord` read back from its JSON document, a sweep's or sensitivity run's document,
/// so a command's CSV and the export of the run it stored are the same text by construction. The schemas are documented in the README
/// ("CSV schemas"); a cell a run did not compute (percentiles without Monte Carlo, savings of the
/// baseline) is empty, and the columns never depend on the run.
public enum ResultCSV {
    /// The columns of one strategy in one phase, shared by the simulation and sweep schemas.
    /// Strategy-wide figures (latency, saturation, break-even, Monte Carlo) fill the `total` row
    /// and are empty on the `initial` and `maintenance` rows.
    public static let strategyColumns: [String] = [
        "strategy", "phase", "jobs", "trained_tokens", "gpu_hours", "wall_clock_hours", "cost_usd", "energy_kwh", "co2_kg",
        "savings_gpu_hours", "savings_wall_clock_hours", "savings_cost_usd", "savings_energy_kwh", "savings_co2_kg",
        "update_latency_mean_hours", "update_latency_p90_hours", "saturated", "break_even_day", "probability_cheaper",
    ] + MonteCarlo.figures.flatMap { figure in ["p10", "p50", "p90"].map { "\(figure)_\($0)" } }

    /// `plan simulate` / `runs export` of a simulate run: one row per strategy and phase.
    public static let simulationColumns = ["run_id", "scenario"] + strategyColumns

    /// `plan sweep` / `runs export` of a sweep run: the simulation's columns at each grid value of
    /// each swept field, and the sweep's own figures.
    public static let sweepColumns = ["run_id", "scenario", "field", "value"] + strategyColumns
        + ["gap_cost_usd", "break_even", "break_even_interpolated"]

    /// `plan sensitivity` / `runs export` of a sensitivity run: one row per (output, input).
    public static let sensitivityColumns = [
        "run_id", "figure", "strategy", "input", "first_order", "first_order_low", "first_order_high",
        "total_effect", "total_effect_low", "total_effect_high",
    ]

    /// Runs that only measured (merge, bench, calibrate, validate): one row per measurement.
    public static let measurementColumns = ["run_id", "kind", "measurement", "predicted_s", "measured_s"]

    // MARK: writers

    /// A simulation record as CSV (the command reads it back from its stored document first, so
    /// its CSV and `runs export` of the run are the same text).
    public static func simulation(record: SimulationRecord, runID: Int64?) -> String {
        let prefix = [runID.map { String($0) } ?? "", field(record.scenario)]
        return table(simulationColumns, record.strategies.flatMap(strategyRows).map { prefix + $0 })
    }

    /// A `SweepDocument` as CSV.
    public static func sweep(document: JSONValue) -> String {
        let identity = [cell(document["run_id"]), field(document["scenario"]?.string ?? "")]
        var rows: [[String]] = []
        for sweep in document["sweeps"]?.items ?? [] {
            let swept = [field(sweep["field"]?.string ?? "")]
            let verdict = [cell(sweep["break_even"]), cell(sweep["break_even_interpolated"])]
            let compared = sweep["compared"]?.string
            for point in sweep["points"]?.items ?? [] {
                let prefix = identity + swept + [cell(point["value"])]
                for strategy in point["strategies"]?.items ?? [] {
                    // The probability belongs to the compared strategy's rows.
                    let probability = strategy["name"]?.string == compared ? point["probability_cheaper"] : nil
                    for row in strategyRows(strategy, probability: probability) {
                        rows.append(prefix + row + [cell(point["gap_cost_usd"])] + verdict)
                    }
                }
            }
        }
        return table(sweepColumns, rows)
    }

    /// A `SensitivityDocument` as CSV.
    public static func sensitivity(document: JSONValue) -> String {
        var rows: [[String]] = []
        for output in document["outputs"]?.items ?? [] {
            for index in output["indices"]?.items ?? [] {
                rows.append([
                    cell(document["run_id"]), field(output["figure"]?.string ?? ""), field(output["strategy"]?.string ?? ""),
                    field(index["input"]?.string ?? ""), cell(index["first_order"]), cell(index["first_order_ci"]?.items?.first),
                    cell(index["first_order_ci"]?.items?.last), cell(index["total_effect"]), cell(index["total_effect_ci"]?.items?.first),
                    cell(index["total_effect_ci"]?.items?.last),
                ])
            }
        }
        return table(sensitivityColumns, rows)
    }

    /// A stored run as CSV, in the schema of its kind: a simulate, sweep or sensitivity run from
    /// its document; other runs' measurements. A simulate run whose document cannot be read
    /// falls back to its stored result rows in the simulation schema.
    public static func run(_ run: StoredRun) -> String {
        let document = JSONValue.parse(run.document)
        switch run.kind {
        case .simulate:
            if let record = try? SimulationRecord(document: run.document) { return simulation(record: record, runID: run.id) }
            return simulation(results: run)
        case .sweep:
            if let document, document["sweeps"]?.items != nil { return sweep(document: document) }
            return table(sweepColumns, [])
        case .sensitivity:
            return sensitivity(document: document ?? .null)
        default:
            if run.measurements.isEmpty && !run.results.isEmpty { return simulation(results: run) }
            return measurements(run)
        }
    }

    /// The measurements of a run.
    public static func measurements(_ run: StoredRun) -> String {
        table(measurementColumns, run.measurements.map { row in
            [String(run.id), field(run.kind.rawValue), field(row.name), row.predictedSeconds.map(number) ?? "", number(row.measuredSeconds)]
        })
    }

    /// The stored result rows in the simulation schema (what the database holds beside the
    /// document: the phase totals).
    static func simulation(results run: StoredRun) -> String {
        let rows = run.results.map { row -> [String] in
            var cells = [String](repeating: "", count: simulationColumns.count)
            let values: [(String, String)] = [
                ("run_id", String(run.id)), ("scenario", field(run.scenarioName ?? "")), ("strategy", field(row.strategy)),
                ("phase", field(row.phase)), ("trained_tokens", number(row.trainedTokens)), ("gpu_hours", number(row.gpuHours)),
                ("wall_clock_hours", number(row.wallClockHours)), ("cost_usd", number(row.costUSD)),
                ("energy_kwh", number(row.energyKWh)), ("co2_kg", number(row.co2Kg)),
            ]
            for (column, value) in values { if let index = simulationColumns.firstIndex(of: column) { cells[index] = value } }
            return cells
        }
        return table(simulationColumns, rows)
    }

    // MARK: rows

    /// The `strategyColumns` rows of one strategy of a simulation record: `initial`,
    /// `maintenance`, then `total` with the strategy-wide figures.
    static func strategyRows(_ s: SimulationRecord.Strategy) -> [[String]] {
        func phase(_ label: String, _ t: PhaseTotals, _ saved: SavingsFigures?) -> [String] {
            [field(s.name), label, number(Double(t.jobs)), number(t.trainedTokens)]
                + [t.gpuHours, t.wallClockHours, t.costUSD, t.energyKWh, t.co2Kg].map(number)
                + (saved.map { [$0.gpuHours, $0.wallClockHours, $0.costUSD, $0.energyKWh, $0.co2Kg].map(number) } ?? Array(repeating: "", count: 5))
        }
        let blank = [String](repeating: "", count: 5 + 3 * MonteCarlo.figures.count)
        var total = phase("total", s.total, s.savings?.total)
        total += [number(s.latency.meanHours), number(s.latency.p90Hours), s.saturated ? "true" : "false",
                  s.breakEvenDay.map { number(Double($0)) } ?? "", s.probabilityCheaper.map(number) ?? ""]
        for figure in MonteCarlo.figures {
            let band = s.percentiles[figure]
            total += [band?.p10, band?.p50, band?.p90].map { $0.map(number) ?? "" }
        }
        return [phase("initial", s.initial, s.savings?.initial) + blank, phase("maintenance", s.maintenance, s.savings?.maintenance) + blank, total]
    }

    /// The `strategyColumns` rows of a sweep point's strategy object: `initial` and `maintenance`
    /// when the document has them (older sweeps did not), then `total`.
    static func strategyRows(_ s: JSONValue, probability: JSONValue?) -> [[String]] {
        let name = field(s["name"]?.string ?? "")
        let savings = s["savings"]
        func phase(_ label: String, _ totals: JSONValue?, _ saved: JSONValue?) -> [String] {
            [name, label, cell(totals?["jobs"]), cell(totals?["trained_tokens"])]
                + ["gpu_hours", "wall_clock_hours", "cost_usd", "energy_kwh", "co2_kg"].map { cell(totals?[$0]) }
                + ["gpu_hours", "wall_clock_hours", "cost_usd", "energy_kwh", "co2_kg"].map { cell(saved?[$0]) }
        }
        var rows: [[String]] = []
        for label in ["initial", "maintenance"] where s[label]?.isObject == true {
            rows.append(phase(label, s[label], savings?[label]) + [String](repeating: "", count: 5 + 3 * MonteCarlo.figures.count))
        }
        var total = phase("total", s, savings)
        total += [cell(s["update_latency_hours"]?["mean"] ?? s["update_latency_mean_hours"]),
                  cell(s["update_latency_hours"]?["p90"] ?? s["update_latency_p90_hours"]), cell(s["saturated"]),
                  cell(s["break_even_day"]), cell(s["probability_cheaper"] ?? probability)]
        for figure in MonteCarlo.figures {
            for p in ["p10", "p50", "p90"] { total.append(cell(s["percentiles"]?[figure]?[p] ?? s["\(figure)_\(p)"])) }
        }
        rows.append(total)
        return rows
    }

    // MARK: cells

    /// A document value as a cell: numbers in plain form, booleans as true/false, text quoted
    /// when needed, null or absent as an empty cell.
    static func cell(_ value: JSONValue?) -> String {
        switch value {
        case let .number(x)?: return number(x)
        case let .bool(b)?: return b ? "true" : "false"
        case let .string(text)?: return field(text)
        default: return ""
        }
    }

    static func number(_ value: Double) -> String { JSONValue.number(value).rendered() }

    static func table(_ columns: [String], _ rows: [[String]]) -> String {
        ([columns.joined(separator: ",")] + rows.map { $0.joined(separator: ",") }).joined(separator: "\n") + "\n"
    }

    /// The one way text reaches a CSV cell: neutralised against formula injection, then quoted
    /// when needed (RFC 4180). Every CSV writer (`simulate`, `sweep`, `sensitivity`, `runs list`,
    /// `runs export`, `runs compare`) puts its text cells through here; numbers are written by
    /// `number` and never start a formula.
    ///
    /// A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return (or the fullwidth
    /// `＝ ＋ － ＠`, which spreadsheets also read as operators) gets a leading single quote, as the
    /// OWASP rule for CSV injection says, so that `=HYPERLINK(…)` or `@SUM(…)` opens as text.
    /// - Complexity: O(n) in the length of `text`.
    public static func field(_ text: String) -> String {
        let neutral = formulaStarts.contains(text.unicodeScalars.first ?? " ") ? "'" + text : text
        guard neutral.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return neutral }
        return "\"" + neutral.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// First characters that make a spreadsheet read a cell as a formula.
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}"]
}

extension JSONValue {
    var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    /// A number, string, boolean or null.
    var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }
}
