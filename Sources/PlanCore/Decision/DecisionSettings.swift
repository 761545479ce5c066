import Foundation

/// Settings of the `merge-incremental` strategy (`merge_incremental:`).
public struct MergeIncrementalSettings: Sendable, Equatable {
    /// Old examples of the updated language replayed with its new ones, as a fraction of that
    /// language's data before the update (0…1).
    public var replayFraction: Double = 0.1
    public init() {}
}

/// Settings of the `adapters` strategy (`adapters:`): one adapter per language, never merged,
/// served routed by language as multi-LoRA.
public struct AdaptersSettings: Sendable, Equatable {
    /// How an update trains the language's adapter.
    public enum Update: String, Sendable, Equatable, CaseIterable {
        /// From scratch on all of the language's current data (as `merge`).
        case retrain
        /// Continue the adapter on the new examples plus `replay_fraction` of its old data (as `merge-incremental`).
        case `continue`
    }

    public var update: Update = .retrain
    /// Old examples replayed when `update: continue`, as a fraction of the language's data before the update.
    public var replayFraction: Double = 0.1
    /// Hot-loading an evaluated adapter into the serving fleet, in minutes: added to every
    /// `adapters` build's deployment (and so to its update latency).
    public var deployMinutes: Double = 5
    public init() {}
}

/// Traffic of one language (`serving.traffic.<code|*>`); nil fields take the `*` entry's,
/// then the documented defaults.
public struct ServingTraffic: Sendable, Equatable {
    public var requestsPerDay: Double?
    public var inputTokens: Double?
    public var outputTokens: Double?

    public init(requestsPerDay: Double? = nil, inputTokens: Double? = nil, outputTokens: Double? = nil) {
        self.requestsPerDay = requestsPerDay
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }

    /// This entry with `fallback`'s values where it has none.
    public func over(_ fallback: ServingTraffic) -> ServingTraffic {
        ServingTraffic(requestsPerDay: requestsPerDay ?? fallback.requestsPerDay, inputTokens: inputTokens ?? fallback.inputTokens,
                       outputTokens: outputTokens ?? fallback.outputTokens)
    }
}

/// The `serving:` block: the traffic the maintained model serves and the fleet serving it.
/// Absent (nil on `Scenario`) → serving is not priced.
public struct ServingSettings: Sendable, Equatable {
    /// The serving accelerator (default: `hardware.gpu`).
    public var gpu: GPUSpec
    /// Price of a serving GPU-hour (default: `hardware.usd_per_gpu_hour`).
    public var usdPerGPUHour: Double
    /// The serving stack's name (`serving-stacks.yaml`).
    public var stack: String
    /// Latency target: the longest time per output token (decode step), in milliseconds; nil → none.
    public var maxMsPerOutputToken: Double?
    /// The fleet is sized for the mean request rate times this (diurnal peaks: 2–3 is typical).
    public var peakToMean: Double = 1
    /// Multiplies every language's requests per day (for sweeps: "what if traffic doubles").
    public var trafficScale: Double = 1
    /// Per-language entries by code; `*` is the default for every language.
    public var traffic: [String: ServingTraffic] = [:]

    /// The stack when `serving.stack` is not given.
    public static var defaultStack: String { ServingStack.defaultName }
    /// The serving stacks a scenario may name (`serving-stacks.yaml`).
    public static var knownStacks: Set<String> { Set(((try? ServingStack.bundled()) ?? [:]).keys) }

    /// Defaults of a traffic field no entry gives.
    public static let defaultRequestsPerDay = 0.0
    public static let defaultInputTokens = 512.0
    public static let defaultOutputTokens = 256.0

    public init(gpu: GPUSpec, usdPerGPUHour: Double, stack: String) {
        self.gpu = gpu
        self.usdPerGPUHour = usdPerGPUHour
        self.stack = stack
    }

    /// The resolved traffic of language `code`: its entry over `*` over the defaults, requests scaled.
    public func traffic(of code: String) -> (requestsPerDay: Double, inputTokens: Double, outputTokens: Double) {
        let own = (traffic[code] ?? ServingTraffic()).over(traffic["*"] ?? ServingTraffic())
        return ((own.requestsPerDay ?? Self.defaultRequestsPerDay) * trafficScale, own.inputTokens ?? Self.defaultInputTokens,
                own.outputTokens ?? Self.defaultOutputTokens)
    }
}

/// The `quality:` block: each strategy's quality retention relative to the combined
/// (full-retrain) model, and the floor a strategy must reach to be recommended.
public struct QualitySettings: Sendable, Equatable {
    /// Strategies whose retention is below this are not eligible (0: every strategy is).
    public var floor: Double = 0
    /// Retention by strategy name or merge method name (a method's applies to the merged strategies).
    public var retention: [String: Double] = [:]
    /// A stored `plan quality` / `plan validate` run whose measured retention per merge method
    /// fills the methods `retention` does not give (resolved by the command layer).
    public var fromRun: Int64?
    /// The retention per merge method read from `fromRun` (filled by the command layer).
    public var measured: [String: Double] = [:]
    public init() {}
}
