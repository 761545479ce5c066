import Foundation
import PlanCore
import PlanSim

/// The pool view of a simulation: per strategy, utilisation, peak queue, saturation and the
/// pool's cost under on-demand and reserved pricing. Shared by the terminal table and the
/// report so that the two never disagree.
public enum PoolTable {
    /// One sentence on the pool and how it is priced.
    public static func headline(_ scenario: Scenario, horizonDays: Int) -> String {
        let hw = scenario.hardware
        let reserved = Double(hw.poolGPUs) * Double(horizonDays) * 24 * hw.usdPerGPUHour
        switch hw.pricing {
        case .onDemand:
            return "pool \(hw.poolGPUs) x \(hw.gpu.name), on-demand pricing: only busy GPU-hours are paid "
                + "(reserving the pool for the \(horizonDays)-day horizon would cost \(NumberFormat.dollars(reserved)); hardware.pricing: reserved)"
        case .reserved:
            return "pool \(hw.poolGPUs) x \(hw.gpu.name), reserved pricing: every pool GPU is paid for the whole \(horizonDays)-day horizon, "
                + "busy or idle: \(NumberFormat.dollars(reserved)) whichever strategy runs on it"
        }
    }

    /// Column titles: the reserved cost is a column only under reserved pricing (the headline
    /// gives it otherwise).
    public static func header(_ pricing: Hardware.Pricing) -> [String] {
        ["strategy", "GPUs per job", "busy GPU-hours", "utilisation", "peak queue (jobs)", "last job done", "saturated", "on-demand cost"]
            + (pricing == .reserved ? ["reserved cost"] : [])
    }

    /// Which columns are numbers (right-aligned).
    public static func numeric(_ pricing: Hardware.Pricing) -> [Bool] {
        [false, true, true, true, true, true, false, true] + (pricing == .reserved ? [true] : [])
    }

    /// Each strategy's pool usage as a simulation record holds it (live or stored), with the
    /// strategy's own hardware (its `gpus_per_job`) from the scenario.
    public static func pools(_ record: SimulationRecord, scenario: Scenario) -> [(strategy: String, pool: PoolUsage)] {
        record.strategies.map { strategy in
            let hardware = StrategyKind(rawValue: strategy.name).map(scenario.hardware(for:)) ?? scenario.hardware
            return (strategy.name, strategy.poolUsage(hardware: hardware, horizonDays: record.horizonDays))
        }
    }

    /// One row per (strategy, pool usage): a live result's or a stored run's.
    public static func rows(_ pools: [(strategy: String, pool: PoolUsage)]) -> [[String]] {
        pools.map { strategy, pool in
            let row = [
                strategy, "\(pool.gpusPerJob)", NumberFormat.quantity(pool.busyGPUHours), NumberFormat.percent(pool.utilisation),
                "\(pool.peakQueuedJobs)", "day \(lastDay(pool))",
                pool.saturated ? "yes" : "no", NumberFormat.dollars(pool.onDemandCostUSD),
            ]
            return row + (pool.pricing == .reserved ? [NumberFormat.dollars(pool.reservedCostUSD)] : [])
        }
    }

    /// The day the last job finished (day d spans hours [24d, 24d + 24)).
    static func lastDay(_ pool: PoolUsage) -> String {
        NumberFormat.grouped(max(0, (pool.lastFinishHours / 24).rounded(.up) - 1), decimals: 0)
    }

    /// A warning per saturated strategy: the pool cannot keep up with its work.
    public static func saturationWarnings(_ result: SimulationResult) -> [String] {
        saturationWarnings(result.strategies.map { ($0.kind.rawValue, $0.pool) }, horizonDays: result.horizonDays)
    }

    /// The same for (strategy, pool usage) pairs.
    public static func saturationWarnings(_ pools: [(strategy: String, pool: PoolUsage)], horizonDays: Int) -> [String] {
        pools.filter(\.pool.saturated).map { strategy, pool in
            "the pool of \(pool.poolGPUs) GPUs cannot keep up with \(strategy): utilisation \(NumberFormat.percent(pool.utilisation)) "
                + "of \(pool.usableGPUs) usable GPUs, longest update latency \(NumberFormat.quantity(pool.maxLatencyHours)) h against a "
                + "\(horizonDays)-day (\(NumberFormat.quantity(pool.horizonHours)) h) horizon, up to \(pool.peakQueuedJobs) jobs queued"
                + (pool.queuedAtHorizonEnd > 0
                    ? ", \(pool.queuedAtHorizonEnd) still queued when it ends (the oldest for \(NumberFormat.quantity(pool.backlogHours)) h)" : "")
                + (pool.lastFinishHours > pool.horizonHours ? ", last job done on day \(NumberFormat.quantity((pool.lastFinishHours / 24).rounded(.up)))" : "")
                + "; raise hardware.pool_gpus (plan size finds the cheapest pool for a latency target)"
        }
    }
}
