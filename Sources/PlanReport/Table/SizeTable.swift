import Foundation
import PlanCore
import PlanSim

/// The terminal output of `plan size`.
public enum SizeTable {
    /// - Parameter releaseEveryDays: the scenario's release window, to explain latency floors.
    public static func render(_ result: PoolSizing.Result, releaseEveryDays: Int = 0) -> String {
        let target = NumberFormat.plain(result.targetLatencyHours)
        var out = [
            "sizing for \(result.scenarioName): the cheapest GPUs per job and pool of \(result.gpuName) GPUs at which p90 update latency "
                + "(data arrival to deployed model) stays ≤ \(target) h over \(result.horizonDays) days (seed \(result.seed))",
            "",
        ]
        let reserved = result.pricing == .reserved
        var columns: [(String, TextTable.Alignment)] = [
            ("strategy", .left), ("GPUs per job", .right), ("widest job", .right), ("smallest pool", .right), ("p90 latency h", .right), ("mean latency h", .right),
            ("utilisation", .right), ("busy GPU-hours", .right), ("on-demand cost", .right),
        ]
        if reserved { columns.append(("reserved cost", .right)) }
        var table = TextTable(columns: columns)
        var notes: [String] = []
        for size in result.strategies {
            var row = [size.kind.rawValue, "\(size.gpusPerJob)" + (size.gpusPerJobSearched ? "" : " (fixed)"), "\(size.minimumPoolGPUs)"]
            if let gpus = size.poolGPUs, let at = size.atSize {
                row += ["\(gpus)", NumberFormat.quantity(at.latency.p90Hours), NumberFormat.quantity(at.latency.meanHours),
                        NumberFormat.percent(at.utilisation)]
            } else {
                row += ["none", "≥ " + NumberFormat.quantity(size.unqueuedP90Hours), "", ""]
            }
            row += [NumberFormat.quantity(size.busyGPUHours), NumberFormat.dollars(size.onDemandCostUSD)]
            if reserved { row.append(size.reservedCostUSD.map(NumberFormat.dollars) ?? "") }
            table.add(row)
            if let reason = size.ineligibleReason { notes.append("\(size.kind.rawValue) is not eligible: \(reason).") }
            if size.updates == 0 {
                notes.append("\(size.kind.rawValue): no update arrives within the horizon, so any pool that fits its widest job "
                    + "(\(size.minimumPoolGPUs) GPUs) meets the target.")
            } else if size.poolGPUs == nil {
                let why = releaseEveryDays > 0
                    ? "updates wait for the next \(releaseEveryDays)-day release window (schedule.release_every_days) and then for their builds"
                    : "its builds alone take that long"
                let widths = size.gpusPerJobSearched && size.options.count > 1
                    ? " at every GPUs-per-job count tried (" + size.options.map { "\($0.gpusPerJob)" }.joined(separator: ", ") + ")" : ""
                notes.append("\(size.kind.rawValue): no pool meets \(target) h: even when no job ever waits for a GPU, p90 latency is "
                    + "\(NumberFormat.quantity(size.unqueuedP90Hours)) h\(widths) (\(why)); more GPUs cannot shorten that.")
            } else if size.gpusPerJobSearched && size.options.count > 1 {
                let tried = size.options.map { option in
                    "\(option.gpusPerJob): " + (option.poolGPUs.map { "pool \($0), \(option.costUSD.map(NumberFormat.dollars) ?? "")" } ?? "misses")
                }
                notes.append("\(size.kind.rawValue) GPUs per job tried — " + tried.joined(separator: "; "))
            }
        }
        out.append(table.rendered())
        out.append("")
        out += notes
        if result.strategies.contains(where: { !$0.eligible }) || result.strategies.count > 1 {
            out.append(result.recommended.map { "recommended: \($0.rawValue), the cheapest strategy that reaches the quality floor and meets \(target) h" }
                ?? "no strategy that reaches the quality floor meets \(target) h")
        }
        out.append("GPUs per job: searched from the memory minimum through whole nodes when the scenario says auto (fixed: the scenario's); "
            + "widest job: the smallest pool that can run it; utilisation and latency at the smallest pool; "
            + "on-demand cost: busy GPU-hours, the same at every pool size"
            + (reserved ? "; reserved cost: the smallest pool for the whole horizon." : "; with hardware.pricing: reserved the pool's cost is shown too."))
        return out.joined(separator: "\n") + "\n"
    }
}
