import Foundation
import PlanCore
import PlanSim

/// The terminal summary of `plan simulate`: per strategy and phase, then savings, latency,
/// break-even and a sentence on why the numbers differ.
public enum SimulationTable {
    /// "training jobs on 2 GPUs instead of 1 would finish 48% sooner for 2% more GPU-hours",
    /// when `gpus_per_job: auto` leaves that on the table (`CostModel.widerJobAdvice`).
    public static func widerJobNote(_ scenario: Scenario) -> String? {
        guard let wider = CostModel(scenario: scenario).widerJobAdvice() else { return nil }
        return "training jobs on \(wider.widerGPUs) GPUs instead of \(wider.gpus) would finish "
            + "\(NumberFormat.percent(1 - wider.wallClockRatio)) sooner for \(NumberFormat.percent(wider.gpuHoursRatio - 1)) more GPU-hours "
            + "(gpus_per_job: auto takes the memory minimum, rounded to a launch size; set hardware.gpus_per_job to use more)"
    }

    /// The summary of a live simulation.
    public static func render(
        runID: Int64?, scenario: Scenario, result: SimulationResult, monteCarlo: MonteCarlo.Result? = nil
    ) -> String {
        render(runID: runID, scenario: scenario, record: SimulationRecord(result: result, monteCarlo: monteCarlo), result: result)
    }

    /// The summary of a simulation record. Every figure comes from `record`; `result`'s builds
    /// only word the break-even and "why" explanations.
    public static func render(runID: Int64?, scenario: Scenario, record: SimulationRecord, result: SimulationResult) -> String {
        var out: [String] = []
        let hw = scenario.hardware
        let ft = scenario.finetune
        let method = ft.method == .full ? "full fine-tuning" : "\(ft.method.rawValue) r=\(ft.rank)"
        out.append("scenario \(scenario.name)\(runID.map { " (run \($0))" } ?? "")")
        out.append("  \(scenario.model.name), \(method), \(NumberFormat.plain(ft.epochs)) epochs; "
            + "\(scenario.languages.count) languages; \(hw.poolGPUs) x \(hw.gpu.name) pool, \(gpusPerJob(scenario)), "
            + "MFU \(String(format: "%.3f", scenario.trainingRate.mfu))\(hw.mfu == nil ? " (\(hw.stack.name) stack, modelled)" : " (given)"), \(NumberFormat.dollars(hw.usdPerGPUHour))/GPU-hour")
        out.append("  horizon \(record.horizonDays) days: \(CapacityReport.plural(record.arrivals, "data arrival")) in \(CapacityReport.plural(record.updates, "update build"))")
        out.append("")

        var table = TextTable(columns: [
            ("strategy", .left), ("phase", .left), ("jobs", .right), ("trained tokens", .right), ("GPU-hours", .right),
            ("build h", .right), ("cost", .right), ("energy kWh", .right), ("CO2 kg", .right),
        ])
        for strategy in record.strategies {
            for (phase, totals) in [("initial", strategy.initial), ("maintenance", strategy.maintenance), ("total", strategy.total)] {
                table.add([
                    phase == "initial" ? strategy.name : "", phase, "\(totals.jobs)", NumberFormat.tokens(totals.trainedTokens),
                    NumberFormat.quantity(totals.gpuHours), NumberFormat.quantity(totals.wallClockHours),
                    NumberFormat.dollars(totals.costUSD), NumberFormat.quantity(totals.energyKWh), NumberFormat.quantity(totals.co2Kg),
                ])
            }
        }
        out.append(table.rendered())
        out.append("build h: hours from each build's trigger to its deployed model, summed over the phase's builds; builds overlap")
        out.append("and queue, so this is neither calendar time nor GPU-hours (update latency below is per arrival).")
        out.append("")

        out.append("update latency, data arrival to deployed model (hours):")
        for strategy in record.strategies {
            let latency = strategy.latency
            out.append("  \(pad(strategy.name)) mean \(NumberFormat.quantity(latency.meanHours)), p90 \(NumberFormat.quantity(latency.p90Hours)) over \(CapacityReport.plural(latency.count, "arrival"))")
        }
        if let reliability = hw.reliability {
            out.append("")
            out.append("goodput (failures at \(String(format: "%.3g", reliability.gpuFailuresPerHour)) per GPU-hour, checkpoint-restart; docs/goodput.md):")
            for (strategy, outcome) in zip(record.strategies, result.strategies) {
                let t = outcome.total  // the lost hours are not part of the record (a stored run keeps the ratio)
                out.append("  \(pad(strategy.name)) effective training time \(NumberFormat.percent(strategy.effectiveTrainingTimeRatio ?? 1)), "
                    + "\(String(format: "%.2f", strategy.total.expectedInterruptions)) expected interruptions, "
                    + "\(NumberFormat.quantity(t.trainingRunGPUHours - t.trainingWorkGPUHours)) GPU-hours lost to checkpoints, failures and restarts")
            }
        }
        out += capacityLines(record, scenario: scenario)
        out.append("")
        out.append(PoolTable.headline(scenario, horizonDays: record.horizonDays) + ":")
        let pools = PoolTable.pools(record, scenario: scenario)
        let numeric = PoolTable.numeric(hw.pricing)
        var pool = TextTable(columns: PoolTable.header(hw.pricing).enumerated().map { ($1, numeric[$0] ? .right : .left) })
        for row in PoolTable.rows(pools) { pool.add(row) }
        out.append(pool.rendered().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        out += PoolTable.saturationWarnings(pools, horizonDays: record.horizonDays).map { "  warning: " + $0 }
        if let note = widerJobNote(scenario) { out.append("  note: " + note) }
        if let base = result.strategy(result.baseline) {
            for (strategy, outcome) in zip(record.strategies, result.strategies) where outcome.kind != result.baseline {
                guard let savings = strategy.savings else { continue }
                out.append("")
                out.append("\(strategy.name) vs \(record.baseline) (positive = saves):")
                out.append("  initial      GPU-hours \(signed(savings.initial.gpuHours)), wall-clock \(signed(savings.initial.wallClockHours))")
                out.append("  maintenance  GPU-hours \(signed(savings.maintenance.gpuHours)), cost \(signed(savings.maintenance.costUSD))")
                out.append("  total        GPU-hours \(signed(savings.total.gpuHours)), cost \(signed(savings.total.costUSD)), CO2 \(signed(savings.total.co2Kg))")
                out.append("  break-even   " + breakEven(outcome, base: base, horizonDays: result.horizonDays))
                out += why(outcome, base: base, scenario: scenario).map { "  " + $0 }
            }
        }
        let decision = DecisionTable.rows(record)
        if !decision.isEmpty {
            out.append("")
            out.append("the whole decision (quality relative to the combined model\(scenario.quality.floor > 0 ? ", floor \(NumberFormat.percent(scenario.quality.floor))" : "")):")
            var table = TextTable(columns: DecisionTable.header.enumerated().map { ($1, DecisionTable.numeric[$0] ? .right : .left) })
            for row in decision { table.add(row) }
            out.append(table.rendered().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            let serving = DecisionTable.servingRows(record)
            if !serving.isEmpty {
                out.append("  serving over the horizon:")
                var fleet = TextTable(columns: DecisionTable.servingHeader.enumerated().map { ($1, $0 == 0 ? .left : .right) })
                for row in serving { fleet.add(row) }
                out.append(fleet.rendered().split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            }
            for strategy in record.strategies {
                guard let choice = strategy.choice else { continue }
                if let reason = choice.reason { out.append("  \(strategy.name) is not eligible: \(reason)") }
            }
            if let headline = DecisionTable.headline(record) { out.append("  " + headline) }
        }
        if let trials = record.trials {
            out.append("")
            out.append("Monte Carlo, \(trials) trials (p10 / p50 / p90):")
            for strategy in record.strategies {
                guard let gpu = strategy.percentiles["gpu_hours"], let cost = strategy.percentiles["cost_usd"] else { continue }
                var line = "  \(pad(strategy.name)) GPU-hours \(NumberFormat.quantity(gpu.p10)) / \(NumberFormat.quantity(gpu.p50)) / \(NumberFormat.quantity(gpu.p90)); "
                    + "cost \(NumberFormat.dollars(cost.p10)) / \(NumberFormat.dollars(cost.p50)) / \(NumberFormat.dollars(cost.p90))"
                if let probability = strategy.probabilityCheaper {
                    line += "; cheaper than \(record.baseline) in \(NumberFormat.percent(probability)) of trials"
                }
                out.append(line)
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// "cheaper from day 30 on", with why day 0 can already be cheaper, or why never.
    static func breakEven(_ outcome: StrategyOutcome, base: StrategyOutcome, horizonDays: Int) -> String {
        guard let day = outcome.breakEvenDay else {
            return outcome.total.costUSD > base.total.costUSD
                ? "never: dearer in total (\(NumberFormat.dollars(outcome.total.costUSD)) vs \(NumberFormat.dollars(base.total.costUSD)))"
                : "never for the whole horizon (cumulative cost rises above the baseline's after a point)"
        }
        var text = day > horizonDays
            ? "cheaper from day \(day), once the work queued past the \(horizonDays)-day horizon has finished"
            : "cheaper from day \(day) on (cumulative cost, work past the horizon included)"
        if day == 0, outcome.initial.costUSD > base.initial.costUSD {
            let updatesOnDayZero = outcome.builds.contains { $0.build.reason != .initial && $0.build.day < 1 }
            text += updatesOnDayZero
                ? "; the initial build alone costs \(NumberFormat.percent(outcome.initial.costUSD / base.initial.costUSD - 1)) more, "
                    + "but an update also arrives on day 0 and its build runs that day, so day 0's cost already includes maintenance"
                : "; the initial build alone costs \(NumberFormat.percent(outcome.initial.costUSD / base.initial.costUSD - 1)) more, "
                    + "but part of its cost falls after day 0, and the maintenance savings cover it by then"
        }
        return text
    }

    /// "1 GPU(s) per job", or the per-strategy counts when a `strategies` entry sets its own;
    /// with tensor parallelism, the groups ("8 GPU(s) per job in TP 4 groups").
    static func gpusPerJob(_ scenario: Scenario) -> String {
        func groups(_ hardware: Hardware) -> String {
            hardware.tensorParallel > 1 ? " in TP \(hardware.tensorParallel) groups" : ""
        }
        let layouts = scenario.strategies.map { kind in
            let hardware = scenario.hardware(for: kind)
            return (kind, hardware.gpusPerJob, groups(hardware))
        }
        if Set(layouts.map { "\($0.1)\($0.2)" }).count <= 1 {
            let gpus = layouts.first?.1 ?? scenario.hardware.gpusPerJob
            return "\(gpus) GPU(s) per job" + (layouts.first?.2 ?? groups(scenario.hardware))
        }
        return "GPUs per job: " + layouts.map { "\($0.0.rawValue) \($0.1)\($0.2)" }.joined(separator: ", ")
    }

    /// Plain-language reasons, computed from the builds.
    static func why(_ outcome: StrategyOutcome, base: StrategyOutcome, scenario: Scenario) -> [String] {
        var lines: [String] = []
        if let first = outcome.builds.first, let baseFirst = base.builds.first {
            let training = first.jobs.filter { $0.cost.kind == .training }.count
            let baseTraining = baseFirst.jobs.filter { $0.cost.kind == .training }.count
            if training != baseTraining {
                let waves = Int((Double(training) / Double(max(1, scenario.hardware.poolGPUs / scenario.hardware(for: outcome.kind).gpusPerJob))).rounded(.up))
                lines.append("why (initial): \(training) training jobs on \(scenario.hardware.poolGPUs) GPUs run in \(waves) wave(s) instead of "
                    + "\(baseTraining) job; trained tokens \(NumberFormat.tokens(outcome.initial.trainedTokens)) vs "
                    + "\(NumberFormat.tokens(base.initial.trainedTokens)), so GPU-hours stay close "
                    + "(\(training) start-ups instead of \(baseTraining)) while wall-clock falls.")
            }
        }
        if base.maintenance.trainedTokens > 0 {
            lines.append("why (maintenance): updates retrain \(NumberFormat.tokens(outcome.maintenance.trainedTokens)) tokens instead of "
                + "\(NumberFormat.tokens(base.maintenance.trainedTokens)) "
                + "(\(NumberFormat.percent(outcome.maintenance.trainedTokens / base.maintenance.trainedTokens)) of the baseline's).")
        }
        return lines
    }

    static func signed(_ fraction: Double) -> String {
        fraction >= 0 ? "saves \(NumberFormat.percent(fraction))" : "costs \(NumberFormat.percent(-fraction)) more"
    }

    static func pad(_ text: String) -> String { text.padding(toLength: max(13, text.count + 1), withPad: " ", startingAt: 0) }
}
