import Foundation
import PlanCore

/// `plan runs list | show` as a table, JSON or CSV (a run's own CSV is `ResultCSV.run`).
public enum RunOutput {
    /// ISO 8601 in UTC, as every run timestamp is printed.
    public static func timestamp(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    // MARK: list

    public static func listTable(_ runs: [RunSummary]) -> String {
        var table = TextTable(columns: [("id", .right), ("kind", .left), ("started (UTC)", .left), ("scenario", .left), ("seed", .right), ("trials", .right)])
        for run in runs {
            table.add(["\(run.id)", run.kind.rawValue, timestamp(run.startedAt), run.scenarioName ?? "", run.seed.map(String.init) ?? "",
                       run.trials.map(String.init) ?? ""])
        }
        return table.rendered() + "\n"
    }

    /// `{"runs": [{"run_id", "kind", "started_at", "scenario", "seed", "trials"}]}`, newest first.
    public static func listJSON(_ runs: [RunSummary]) -> JSONValue {
        .object([("runs", .array(runs.map { run in
            .object([
                ("run_id", .number(Double(run.id))), ("kind", .string(run.kind.rawValue)), ("started_at", .string(timestamp(run.startedAt))),
                ("scenario", run.scenarioName.map(JSONValue.string) ?? .null), ("seed", seed(run.seed)),
                ("trials", run.trials.map { .number(Double($0)) } ?? .null),
            ])
        }))])
    }

    public static func listCSV(_ runs: [RunSummary]) -> String {
        var lines = ["run_id,kind,started_at,scenario,seed,trials"]
        for run in runs {
            lines.append([String(run.id), ResultCSV.field(run.kind.rawValue), timestamp(run.startedAt), ResultCSV.field(run.scenarioName ?? ""),
                          run.seed.map(String.init) ?? "", run.trials.map(String.init) ?? ""].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Seeds are 64-bit: above 2^53 a JSON number would lose digits, so those print as strings.
    static func seed(_ seed: UInt64?) -> JSONValue {
        guard let seed else { return .null }
        return seed < (1 << 53) ? .number(Double(seed)) : .string(String(seed))
    }

    // MARK: show

    /// Everything stored for the run: identity, scenario (name, sha256, YAML), machine, results,
    /// series, measurements (with their details) and the run's own document.
    public static func showJSON(_ run: StoredRun) -> JSONValue {
        let series: [JSONValue] = run.series.map { point in
            .object([("strategy", .string(point.strategy)), ("day", .number(Double(point.day))),
                     ("gpu_hours", .rounded(point.gpuHours)), ("cost_usd", .rounded(point.costUSD))])
        }
        let measurements: [JSONValue] = run.measurements.map { row in
            let predicted: JSONValue = row.predictedSeconds.map { .rounded($0) } ?? .null
            return .object([("name", .string(row.name)), ("predicted_s", predicted),
                            ("measured_s", .rounded(row.measuredSeconds)), ("details", embedded(row.details))])
        }
        var pairs: [(String, JSONValue)] = [
            ("run_id", .number(Double(run.id))), ("kind", .string(run.kind.rawValue)),
            ("started_at", .string(timestamp(run.startedAt))), ("finished_at", .string(timestamp(run.finishedAt))),
            ("tool_version", .string(run.toolVersion)),
        ]
        pairs.append(("scenario", run.scenarioName.map(JSONValue.string) ?? .null))
        pairs.append(("scenario_sha256", run.scenarioHash.map(JSONValue.string) ?? .null))
        pairs.append(("scenario_yaml", run.scenarioYAML.map(JSONValue.string) ?? .null))
        pairs.append(("seed", seed(run.seed)))
        pairs.append(("trials", run.trials.map { .number(Double($0)) } ?? .null))
        pairs.append(("machine", run.machine.map(embedded) ?? .null))
        pairs.append(("results", .array(run.results.map(result))))
        pairs.append(("series", .array(series)))
        pairs.append(("measurements", .array(measurements)))
        pairs.append(("document", embedded(run.document)))
        return .object(pairs)
    }

    static func result(_ row: ResultRow) -> JSONValue {
        .object([
            ("strategy", .string(row.strategy)), ("phase", .string(row.phase)), ("gpu_hours", .rounded(row.gpuHours)),
            ("wall_clock_hours", .rounded(row.wallClockHours)), ("cost_usd", .rounded(row.costUSD)),
            ("energy_kwh", .rounded(row.energyKWh)), ("co2_kg", .rounded(row.co2Kg)), ("trained_tokens", .rounded(row.trainedTokens)),
        ])
    }

    /// Stored JSON text as a value; text that does not parse (not written by plan) stays a string.
    static func embedded(_ text: String) -> JSONValue { JSONValue.parse(text) ?? .string(text) }

    /// The run as text: identity, results, Monte Carlo percentiles, sweep points, tornado, merge
    /// inputs, the document's figures and the measurements.
    public static func showTable(_ run: StoredRun) -> String {
        var lines = [
            "run \(run.id): \(run.kind)",
            "  started   \(timestamp(run.startedAt)), finished \(timestamp(run.finishedAt))",
            "  plan      \(run.toolVersion)",
        ]
        if let name = run.scenarioName { lines.append("  scenario  \(name) (sha256 \(run.scenarioHash?.prefix(12) ?? "-"))") }
        if let seed = run.seed { lines.append("  seed      \(seed)" + (run.trials.map { ", \($0) Monte Carlo trials" } ?? "")) }
        if let machine = run.machine.flatMap(JSONValue.parse), case let .object(pairs) = machine, !pairs.isEmpty {
            lines.append("  machine   " + pairs.map { "\($0.0) \(scalarText($0.1))" }.joined(separator: ", "))
        }
        if !run.series.isEmpty {
            let strategies = Set(run.series.map(\.strategy)).count
            lines.append("  series    \(run.series.count) daily points for \(strategies) strategies (--format json or csv)")
        }
        if !run.results.isEmpty {
            var table = TextTable(columns: [("strategy", .left), ("phase", .left), ("GPU-hours", .right), ("wall-clock h", .right),
                                            ("cost", .right), ("energy kWh", .right), ("CO2 kg", .right)])
            for row in run.results {
                table.add([row.strategy, row.phase, NumberFormat.quantity(row.gpuHours), NumberFormat.quantity(row.wallClockHours),
                           NumberFormat.dollars(row.costUSD), NumberFormat.quantity(row.energyKWh), NumberFormat.quantity(row.co2Kg)])
            }
            lines += ["", table.rendered()]
        }
        let document = JSONValue.parse(run.document) ?? .null
        lines += percentiles(document) + sweeps(document) + tornado(document) + sensitivity(document) + mergeInputs(document)
            + figures(document)
        if run.kind == .quality, let quality = QualityDocument.parse(run.document) { lines += ["", QualityTable.summary(quality).rendered()] }
        if !run.measurements.isEmpty {
            var table = TextTable(columns: [("measurement", .left), ("predicted s", .right), ("measured s", .right)])
            for row in run.measurements {
                table.add([row.name, row.predictedSeconds.map { String(format: "%.4g", $0) } ?? "", String(format: "%.4g", row.measuredSeconds)])
            }
            lines += ["", table.rendered()]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func scalarText(_ value: JSONValue) -> String {
        switch value {
        case let .string(text): return text
        case .null: return "-"
        default: return value.rendered(pretty: false)
        }
    }

    static func percentiles(_ document: JSONValue) -> [String] {
        var table = TextTable(columns: [("strategy", .left), ("figure", .left), ("p10", .right), ("p50", .right), ("p90", .right)])
        var cheaper: [String] = []
        for strategy in document["strategies"]?.items ?? [] {
            let name = strategy["name"]?.string ?? "?"
            guard case let .object(bands)? = strategy["percentiles"] else { continue }
            for (figure, band) in bands {
                table.add([name, figure] + ["p10", "p50", "p90"].map { band[$0]?.number.map(NumberFormat.quantity) ?? "" })
            }
            if let probability = strategy["probability_cheaper"]?.number {
                cheaper.append("\(name) cheaper than the baseline in \(NumberFormat.percent(probability)) of trials")
            }
        }
        guard !table.rows.isEmpty else { return [] }
        return ["", "Monte Carlo (\(document["trials"]?.number.map { String(Int($0)) } ?? "?") trials):", table.rendered()] + cheaper
    }

    static func sweeps(_ document: JSONValue) -> [String] {
        var lines: [String] = []
        for sweep in document["sweeps"]?.items ?? [] {
            let field = sweep["field"]?.string ?? "?"
            let breakEven = sweep["break_even"]?.number.map { NumberFormat.quantity($0) } ?? "never"
            var table = TextTable(columns: [(field, .right), ("strategy", .left), ("GPU-hours", .right), ("cost", .right), ("gap $", .right)])
            for point in sweep["points"]?.items ?? [] {
                let value = point["value"]?.number.map(NumberFormat.quantity) ?? ""
                let gap = point["gap_cost_usd"]?.number.map(NumberFormat.dollars) ?? ""
                for row in point["strategies"]?.items ?? [] {
                    table.add([value, row["name"]?.string ?? "", row["gpu_hours"]?.number.map(NumberFormat.quantity) ?? "",
                               row["cost_usd"]?.number.map(NumberFormat.dollars) ?? "", gap])
                }
            }
            lines += ["", "sweep \(field) (break-even: \(breakEven)):", table.rendered()]
        }
        return lines
    }

    static func tornado(_ document: JSONValue) -> [String] {
        guard let bars = document["tornado"]?["bars"]?.items, !bars.isEmpty else { return [] }
        var table = TextTable(columns: [("input", .left), ("low", .right), ("high", .right), ("gap at low $", .right),
                                        ("gap at high $", .right), ("swing $", .right)])
        for bar in bars {
            table.add([bar["field"]?.string ?? ""] + ["low", "high"].map { bar[$0]?.number.map(NumberFormat.quantity) ?? "" }
                + ["gap_low_cost_usd", "gap_high_cost_usd", "swing_cost_usd"].map { bar[$0]?.number.map(NumberFormat.dollars) ?? "" })
        }
        return ["", "tornado (±25% one at a time):", table.rendered()]
    }

    /// A sensitivity run's Sobol indices, one table per output.
    static func sensitivity(_ document: JSONValue) -> [String] {
        var lines: [String] = []
        for output in document["outputs"]?.items ?? [] {
            guard let indices = output["indices"]?.items else { continue }
            var table = TextTable(columns: [("input", .left), ("S1", .right), ("S1 95% CI", .right), ("ST", .right), ("ST 95% CI", .right)])
            func fixed(_ value: JSONValue?) -> String { value?.number.map { String(format: "%.3f", $0) } ?? "" }
            func interval(_ value: JSONValue?) -> String {
                guard let bounds = value?.items, bounds.count == 2 else { return "" }
                return "[\(fixed(bounds[0])), \(fixed(bounds[1]))]"
            }
            for index in indices {
                table.add([index["input"]?.string ?? "", fixed(index["first_order"]), interval(index["first_order_ci"]),
                           fixed(index["total_effect"]), interval(index["total_effect_ci"])])
            }
            let title = "\(output["strategy"]?.string ?? "?") \(output["figure"]?.string ?? "?")"
            let moments = "mean \(output["mean"]?.number.map(NumberFormat.dollars) ?? "?"), sd \(output["sd"]?.number.map(NumberFormat.dollars) ?? "?")"
            lines += ["", "Sobol indices of \(title) (\(moments)):", table.rendered()]
        }
        return lines
    }

    static func mergeInputs(_ document: JSONValue) -> [String] {
        guard let inputs = document["merge"]?["inputs"]?.items, !inputs.isEmpty else { return [] }
        var table = TextTable(columns: [("input adapter", .left), ("weight", .right), ("rank", .right), ("alpha", .right),
                                        ("sha256 (adapter_model.safetensors)", .left), ("sha256 (adapter_config.json)", .left)])
        for input in inputs {
            table.add([input["path"]?.string ?? ""] + ["weight", "rank", "alpha"].map { input[$0]?.number.map { String(format: "%g", $0) } ?? "" }
                + [input["sha256"]?.string ?? "", input["config_sha256"]?.string ?? ""])
        }
        return ["", table.rendered()]
    }

    /// The document's own scalar figures (bench, calibrate, validate, merge settings), which the
    /// rows above do not show.
    static func figures(_ document: JSONValue) -> [String] {
        let source = document["merge"] ?? document
        guard case let .object(pairs) = source else { return [] }
        var table = TextTable(columns: [("figure", .left), ("value", .right)])
        for (key, value) in pairs where key != "run_id" && key != "scenario" {
            switch value {
            case .number, .string, .bool, .null: table.add([key, scalarText(value)])
            case let .object(inner) where key == "settings":
                for (name, setting) in inner { table.add([name, scalarText(setting)]) }
            case let .object(inner):
                // One level down (a calibration's rates and step curve, a simulation's assumptions).
                for (name, inner) in inner {
                    switch inner {
                    case .number, .string, .bool, .null: table.add(["\(key).\(name)", scalarText(inner)])
                    default: continue
                    }
                }
            case let .array(items) where key != "adapters" && !items.isEmpty && items.allSatisfy(\.isScalar):
                // Lists of names or numbers (weights, a sensitivity's inputs, a fit's parameters); a merge's
                // adapters are in the inputs table.
                table.add([key, items.map(scalarText).joined(separator: ", ")])
            default: continue
            }
        }
        return table.rows.isEmpty ? [] : ["", table.rendered()]
    }
}
