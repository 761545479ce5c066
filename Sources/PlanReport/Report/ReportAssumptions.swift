import Foundation
import PlanCore

/// The report's assumptions table: every input with provenance (`Scenario.assumptions`), plus
/// the update schedule that drives maintenance and the memory model's figures for the training
/// job (GPUs per job, the smallest count that fits, checkpointing, peak GiB per GPU by term).
enum ReportAssumptions {
    static let header = ["input", "value", "unit", "source"]
    static let numeric = [false, false, false, false]

    static func rows(_ scenario: Scenario, yaml: String) -> [[String]] {
        var rows = scenario.assumptions(yaml: yaml).map { [$0.path, $0.value, $0.unit, $0.origin.description] }
        let release = rows.firstIndex { $0.first == "schedule.release_every_days" }
        if let release {
            let days = scenario.schedule.releaseEveryDays
            rows[release][1] = days == 0 ? "0 (no windows: each update deploys when ready)" : "\(days) (updates batched into \(days)-day release windows)"
        }
        rows.insert(contentsOf: scheduleRows(scenario.schedule), at: release ?? rows.endIndex)
        let afterMemory = rows.firstIndex { $0.first == "training job peak memory per GPU" }.map { $0 + 1 } ?? rows.endIndex
        rows.insert(contentsOf: memoryRows(scenario), at: afterMemory)
        return rows
    }

    /// At most `limit` entries of a list, then "… N more".
    static func list(_ items: [String], limit: Int = 8) -> String {
        items.count <= limit ? items.joined(separator: "; ") : (items.prefix(limit) + ["… \(items.count - limit) more"]).joined(separator: "; ")
    }

    static func languages(_ selection: LanguageSelection) -> String {
        switch selection {
        case .all: return "all languages"
        case let .some(codes): return codes.joined(separator: ", ")
        }
    }

    static func count(_ value: Double) -> String { NumberFormat.grouped(value, decimals: value == value.rounded() ? 0 : 1) }

    /// One row per kind of update the schedule has (each list is empty by default, so a row
    /// means the scenario file wrote it).
    static func scheduleRows(_ schedule: Schedule) -> [[String]] {
        var rows: [[String]] = []
        if !schedule.events.isEmpty {
            rows.append(["schedule.events", list(schedule.events.map { "day \(NumberFormat.plain($0.day)): \($0.language) +\(count($0.addExamples))" }),
                         "examples per update", "scenario file"])
        }
        if !schedule.periodic.isEmpty {
            rows.append(["schedule.periodic", list(schedule.periodic.map { p in
                "\(languages(p.languages)) +\(count(p.addExamples)) every \(NumberFormat.plain(p.everyDays)) days"
                    + (p.startDay.map { " from day \(NumberFormat.plain($0))" } ?? "")
            }), "examples per update", "scenario file"])
        }
        if !schedule.poisson.isEmpty {
            rows.append(["schedule.poisson", list(schedule.poisson.map { p in
                "\(languages(p.languages)) +\(count(p.addExamples)) at \(NumberFormat.plain(p.perYear)) per year (arrival days drawn from the seed)"
            }), "examples per update", "scenario file"])
        }
        if !schedule.additions.isEmpty {
            rows.append(["schedule.additions", list(schedule.additions.map { a in
                "day \(NumberFormat.plain(a.day)): \(a.language) (\(count(a.examples)) examples × \(count(a.tokensPerExample)) tokens)"
            }), "new languages", "scenario file"])
        }
        if rows.isEmpty { rows.append(["schedule updates", "none: only the initial build", "", "default"]) }
        return rows
    }

    static func memoryRows(_ scenario: Scenario) -> [[String]] {
        let rate = scenario.trainingRate
        let memory = rate.memory
        func gib(_ bytes: Double) -> String { String(format: "%.1f", bytes / Memory.gib) }
        let policy = scenario.finetune.checkpointingPolicy
        return [
            ["training job GPUs", "\(rate.job.gpus) (smallest that fits: \(rate.minimumGPUs.map(String.init) ?? "none up to \(MemoryModel.maximumGPUs)"))",
             "GPUs per job", "memory model"],
            ["training job sharding", rate.job.sharding.rawValue, "", "memory model"],
            ["gradient checkpointing in the job", (rate.job.gradientCheckpointing ? "on" : "off") + (policy == .auto ? " (auto: on only when needed to fit)" : ""),
             "", "memory model"],
            ["peak memory per GPU by term", "weights \(gib(memory.weights)) + gathered \(gib(memory.gathered)) + trainable state "
                + "\(gib(memory.trainableState)) + activations \(gib(memory.activations)) + logits \(gib(memory.logits)) + overhead \(gib(memory.overhead))",
             "GiB", "memory model"],
        ]
    }
}
