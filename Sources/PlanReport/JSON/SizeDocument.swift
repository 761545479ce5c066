import Foundation
import PlanSim

/// The `plan size --format json` document.
public enum SizeDocument {
    public static func make(_ result: PoolSizing.Result) -> JSONValue {
        .object([
            ("scenario", .string(result.scenarioName)),
            ("seed", .number(Double(result.seed))),
            ("horizon_days", .number(Double(result.horizonDays))),
            ("target_latency_hours", .number(result.targetLatencyHours)),
            ("gpu", .string(result.gpuName)),
            ("pricing", .string(result.pricing.rawValue)),
            ("strategies", .array(result.strategies.map(strategy))),
            ("recommended", result.recommended.map { .string($0.rawValue) } ?? .null),
        ])
    }

    static func strategy(_ size: PoolSizing.StrategySize) -> JSONValue {
        let at = size.atSize
        return .object([
            ("name", .string(size.kind.rawValue)),
            ("gpus_per_job", .number(Double(size.gpusPerJob))),
            ("gpus_per_job_searched", .bool(size.gpusPerJobSearched)),
            ("minimum_pool_gpus", .number(Double(size.minimumPoolGPUs))),
            ("pool_gpus", size.poolGPUs.map { .number(Double($0)) } ?? .null),
            ("meets_target", .bool(size.poolGPUs != nil)),
            ("p90_latency_hours", at.map { .rounded($0.latency.p90Hours) } ?? .null),
            ("cost_usd", size.costUSD.map { .rounded($0) } ?? .null),
            ("reason", size.reason.map { .string($0) } ?? .null),
            ("eligible", .bool(size.eligible)),
            ("ineligible_reason", size.ineligibleReason.map { .string($0) } ?? .null),
            ("update_latency_hours", at.map { .object([("mean", .rounded($0.latency.meanHours)), ("p90", .rounded($0.latency.p90Hours))]) } ?? .null),
            ("unqueued_p90_latency_hours", .rounded(size.unqueuedP90Hours)),
            ("utilisation", at.map { .rounded($0.utilisation, digits: 4) } ?? .null),
            ("saturated", at.map { .bool($0.saturated) } ?? .null),
            ("updates", .number(Double(size.updates))),
            ("busy_gpu_hours", .rounded(size.busyGPUHours)),
            ("on_demand_cost_usd", .rounded(size.onDemandCostUSD)),
            ("reserved_cost_usd", size.reservedCostUSD.map { .rounded($0) } ?? .null),
            ("options", .array(size.options.map { option in
                .object([
                    ("gpus_per_job", .number(Double(option.gpusPerJob))),
                    ("pool_gpus", option.poolGPUs.map { .number(Double($0)) } ?? .null),
                    ("p90_latency_hours", option.p90LatencyHours.map { .rounded($0) } ?? .null),
                    ("busy_gpu_hours", .rounded(option.busyGPUHours)),
                    ("cost_usd", option.costUSD.map { .rounded($0) } ?? .null),
                    ("unqueued_p90_latency_hours", .rounded(option.unqueuedP90Hours)),
                ])
            })),
            ("curve", .array(size.curve.map { probe in
                .object([
                    ("pool_gpus", .number(Double(probe.poolGPUs))), ("p90_latency_hours", .rounded(probe.latency.p90Hours)),
                    ("mean_latency_hours", .rounded(probe.latency.meanHours)), ("utilisation", .rounded(probe.utilisation, digits: 4)),
                ])
            })),
        ])
    }
}
