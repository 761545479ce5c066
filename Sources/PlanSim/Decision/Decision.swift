import Foundation
import PlanCore

/// One strategy's place in the whole decision: what it costs to train and serve, the quality it
/// keeps, and whether it may be recommended.
public struct StrategyDecision: Sendable, Equatable {
    public var kind: StrategyKind
    /// Training, merges and evaluation over the horizon (the strategy's `cost_usd`).
    public var trainingCostUSD: Double
    /// Serving over the horizon; nil when the scenario has no `serving:` block.
    public var serving: ServingFigures?
    /// Training + merges + evaluation + serving.
    public var totalCostOfOwnershipUSD: Double
    /// Quality relative to the combined model; nil when unknown.
    public var qualityRetention: Double?
    public var retentionSource: String
    public var eligible: Bool
    /// Why the strategy is not eligible (nil when it is).
    public var reason: String?
    /// What a reader must know about an eligible strategy's quality (`continued`'s forgetting).
    public var caveat: String?
}

/// The whole decision over a simulation: per strategy its TCO, quality and eligibility, and the
/// recommendation (the cheapest eligible strategy by total cost of ownership).
public struct Decision: Sendable, Equatable {
    public var strategies: [StrategyDecision]
    public var floor: Double
    /// The cheapest eligible strategy; nil when none is eligible.
    public var recommended: StrategyKind?

    public func strategy(_ kind: StrategyKind) -> StrategyDecision? { strategies.first { $0.kind == kind } }

    /// The decision over `costs` (each strategy's training cost in scenario order) with serving
    /// figures `serving` (nil: not priced).
    public init(scenario: Scenario, costs: [(StrategyKind, Double)], serving: [StrategyKind: ServingFigures]?) {
        floor = scenario.quality.floor
        strategies = costs.map { kind, cost in
            let (retention, source) = QualityRetention.of(kind, in: scenario)
            let served = serving?[kind]
            var decision = StrategyDecision(
                kind: kind, trainingCostUSD: cost, serving: served, totalCostOfOwnershipUSD: cost + (served?.costUSD ?? 0),
                qualityRetention: retention, retentionSource: source, eligible: true, reason: nil, caveat: nil)
            let quality = Self.quality(kind, in: scenario)
            decision.eligible = quality.eligible
            decision.reason = quality.reason
            decision.caveat = quality.caveat
            if decision.eligible, let served, !served.meetsLatencyTarget {
                decision.eligible = false
                decision.reason = "serving cannot meet max_ms_per_output_token: \(Self.decimal(served.msPerOutputToken)) ms per output token at batch 1"
            }
            return decision
        }
        recommended = strategies.filter(\.eligible).min { $0.totalCostOfOwnershipUSD < $1.totalCostOfOwnershipUSD }?.kind
    }

    /// Whether `kind` reaches the scenario's quality floor (serving aside): the reason when it
    /// does not, the caveat when its retention is unknown and there is no floor.
    public static func quality(_ kind: StrategyKind, in scenario: Scenario) -> (eligible: Bool, reason: String?, caveat: String?) {
        let retention = QualityRetention.of(kind, in: scenario).value
        let floor = scenario.quality.floor
        if let retention {
            return retention < floor
                ? (false, "quality retention \(percent(retention)) is below the floor \(percent(floor))", nil)
                : (true, nil, nil)
        }
        let caveat = "forgetting: continued training on new data degrades earlier languages by an amount plan does not model; "
            + "give quality.retention.\(kind.rawValue)"
        return floor > 0 ? (false, "quality retention unknown (\(caveat))", nil) : (true, nil, caveat)
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
    static func decimal(_ value: Double) -> String { String(format: "%.1f", value) }
}
