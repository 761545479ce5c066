import Foundation
import PlanCore

/// One strategy's serving fleet over the horizon (`serving:` block). The simulate document's
/// `serving` object is this record (`SimulationDocument` writes it, stored runs decode it).
public struct ServingFigures: Sendable, Equatable, Decodable {
    /// GPUs of the largest fleet the horizon needs (languages join over time).
    public var gpus: Int
    public var gpuHours: Double
    public var costUSD: Double
    /// Input + output tokens processed per second per GPU at the fleet's operating point.
    public var tokensPerSecondPerGPU: Double
    public var gpusPerReplica: Int
    /// Concurrent sequences per replica.
    public var batch: Int
    /// Time per output token (a decode step) at that batch, in ms.
    public var msPerOutputToken: Double
    public var meetsLatencyTarget: Bool
    /// Input + output tokens served over the horizon (mean traffic).
    public var servedTokens: Double
    /// Price of a serving GPU-hour.
    public var usdPerGPUHour: Double
    /// Dollars per million tokens at full load (the price of a GPU-hour over the tokens a GPU
    /// processes in it): what a served token costs on these GPUs, whatever the fleet's rounding.
    public var usdPerMillionTokens: Double { tokensPerSecondPerGPU > 0 ? usdPerGPUHour / (tokensPerSecondPerGPU * 3600) * 1e6 : 0 }
    /// The fleet's dollars per million tokens it served (idle capacity included).
    public var fleetUSDPerMillionTokens: Double { servedTokens > 0 ? costUSD / servedTokens * 1e6 : 0 }
    /// Adapters resident per replica (0: one dense or merged model).
    public var adapters: Int

    enum CodingKeys: String, CodingKey {
        case gpus, gpuHours = "gpu_hours", costUSD = "cost_usd", tokensPerSecondPerGPU = "tokens_per_second_per_gpu"
        case gpusPerReplica = "gpus_per_replica", batch, msPerOutputToken = "ms_per_output_token"
        case meetsLatencyTarget = "meets_latency_target", servedTokens = "served_tokens", usdPerGPUHour = "usd_per_gpu_hour", adapters
    }
}
