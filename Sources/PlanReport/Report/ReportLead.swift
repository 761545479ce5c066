import Foundation
import PlanCore
import PlanSim

/// The report's opening: the answer to the question the run asked. A sweep run answers with
/// its break-even and crossings and the tornado's top inputs, a sensitivity run with its most
/// influential inputs; a simulation with the cheapest strategy, by how much and how sure.
enum ReportLead {
    static func paragraphs(_ input: ReportInput) -> [String] {
        var paragraphs = sweepAnswer(input)
        if let simulation = input.simulation {
            paragraphs.append((paragraphs.isEmpty ? "" : "For the base scenario: ") + answer(simulation, input: input))
        }
        if paragraphs.isEmpty { paragraphs.append("The run stored no results to report.") }
        return paragraphs
    }

    /// A paragraph per sweep (its break-even and crossings), the tornado's top inputs and the
    /// Sobol leaders; empty when the run has none of them.
    static func sweepAnswer(_ input: ReportInput) -> [String] {
        var sentences: [String] = []
        for sweep in input.sweeps {
            var text = "**Along `\(sweep.field)`** (\(NumberFormat.plain(sweep.from)) to \(NumberFormat.plain(sweep.to))), \(sweep.summary)."
            if let breakEven = sweep.breakEven {
                text += " **Break-even at `\(sweep.field)` = \(NumberFormat.plain(breakEven))**"
                    + (sweep.breakEvenInterpolated.map { " (≈ \(NumberFormat.plain($0)) by linear interpolation)" } ?? "")
                    + ": from there on `\(sweep.compared)` costs less than `\(sweep.baseline)`."
            } else if sweep.cheaperThroughout {
                text += " No break-even is needed: `\(sweep.compared)` is cheaper at every value swept."
            } else if sweep.crossings.isEmpty {
                text += " The curves do not cross in this range."
            }
            let crossings = sweep.crossings.filter { $0.becomes != "cheaper" || sweep.breakEven == nil || $0.to != sweep.breakEven }
            if !crossings.isEmpty {
                text += " The curves cross at " + crossings.map { "≈ \(NumberFormat.plain($0.interpolated)) (\(sweep.compared) becomes \($0.becomes))" }
                    .joined(separator: ", ") + "."
            }
            sentences.append(text)
        }
        if let tornado = input.tornado, !tornado.bars.isEmpty {
            let top = tornado.bars.prefix(3).map { "`\($0.field)` (swing \(NumberFormat.dollars($0.swingUSD)))" }
            sentences.append("The `\(tornado.compared)` − `\(tornado.baseline)` cost gap (base \(NumberFormat.dollars(tornado.baseGapUSD))) "
                + "moves most with " + joined(top) + " when each input moves ±25%.")
        }
        if let sensitivity = input.sensitivity {
            sentences.append(sensitivity.mostInfluential.map { $0.prefix(1).uppercased() + $0.dropFirst() + "." }.joined(separator: " "))
        }
        return sentences
    }

    /// Differences below this fraction (0.05%) print as "the same", never as "0.0% fewer".
    static let sameWithin = 0.0005

    /// "uses 12.5% fewer GPU-hours", "uses 3.0% more GPU-hours", "uses the same GPU-hours".
    static func compared(_ saving: Double, _ what: String, fewer: String, more: String) -> String {
        if abs(saving) < sameWithin { return "uses the same \(what)" }
        return "uses \(NumberFormat.percent(abs(saving))) \(saving > 0 ? fewer : more) \(what)"
    }

    /// How the initial build compares: GPU-hours and wall-clock, or "costs the same" when
    /// neither differs by 0.05% or more.
    static func initialBuild(gpuHours: Double, wallClock: Double) -> String {
        let sameTime = abs(wallClock) < sameWithin
        if abs(gpuHours) < sameWithin && sameTime { return "costs the same GPU-hours and wall-clock time" }
        return compared(gpuHours, "GPU-hours", fewer: "fewer", more: "more")
            + (sameTime ? " and takes as long" : " and finishes \(NumberFormat.percent(abs(wallClock))) \(wallClock > 0 ? "sooner" : "later")")
    }

    static func joined(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + (items.last ?? "")
    }

    /// Which strategy wins, by how much, how sure, break-even.
    static func answer(_ result: SimulationRecord, input: ReportInput) -> String {
        guard let cheapest = result.strategies.min(by: { $0.total.costUSD < $1.total.costUSD }), let base = result.strategy(result.baseline)
        else { return "No strategies were simulated." }
        // The recommendation (cheapest eligible by TCO) leads when the run has the decision.
        let winner = result.recommended.flatMap { result.strategy($0) } ?? cheapest
        let days = result.horizonDays
        var text: String
        if let decision = DecisionTable.headline(result, markdown: true) {
            text = "R" + decision.dropFirst() + " (Horizon: \(days) days.)"
            text += winner.name == base.name ? "" : winner.breakEvenDay.map { " Its training is cheaper than `\(base.name)`'s from day \($0) on." } ?? ""
        } else if winner.name == base.name {
            text = "**`\(base.name)`** is the cheapest way to maintain this model over \(days) days: "
                + "\(NumberFormat.dollars(base.total.costUSD)) (\(NumberFormat.quantity(base.total.gpuHours)) GPU-hours)."
        } else {
            let s = winner.savings
            text = "**`\(winner.name)`** is the cheapest way to maintain this model over \(days) days: "
                + "\(NumberFormat.dollars(winner.total.costUSD)) against \(NumberFormat.dollars(base.total.costUSD)) for `\(base.name)` "
                + "(\(NumberFormat.percent(s?.total.costUSD ?? 0)) less; \(NumberFormat.quantity(winner.total.gpuHours)) vs "
                + "\(NumberFormat.quantity(base.total.gpuHours)) GPU-hours, \(NumberFormat.quantity(winner.total.co2Kg)) vs "
                + "\(NumberFormat.quantity(base.total.co2Kg)) kg CO2)."
            if let s {
                text += " Maintenance " + compared(s.maintenance.gpuHours, "GPU-hours", fewer: "fewer", more: "more")
                    + "; the initial build " + initialBuild(gpuHours: s.initial.gpuHours, wallClock: s.initial.wallClockHours) + "."
            }
            text += winner.breakEvenDay.map { " It is cheaper from day \($0) on." } ?? ""
        }
        let varies = MonteCarloNote.trialsVary(input.scenario)
        if let trials = result.trials, winner.name != base.name, let p = winner.probabilityCheaper, let band = winner.percentiles["savings_cost_usd"] {
            text += varies
                ? " Across \(trials) Monte Carlo trials it is cheaper in \(NumberFormat.percent(p)) of them "
                    + "(total saving p10–p90: \(NumberFormat.percent(band.p10)) to \(NumberFormat.percent(band.p90)))."
                : " The \(trials) Monte Carlo trials are identical (the scenario has no uncertainty block), so they add no range."
        } else if result.trials == nil && varies {
            text += " This is one deterministic run; rerun `plan simulate --trials 2000` for uncertainty ranges."
        }
        if input.scenario.hardware.pricing == .reserved, let reserved = base.pool.reservedCostUSD {
            text += " The pool is reserved: \(NumberFormat.dollars(reserved)) for the horizon whichever strategy runs on it, "
                + "so the strategies differ in utilisation and latency (see Pool), not in what the pool costs."
        }
        if let saturated = result.strategies.first(where: \.saturated) {
            text += " **Warning:** the pool cannot keep up with `\(saturated.name)` (see Pool)."
        }
        return text
    }
}
