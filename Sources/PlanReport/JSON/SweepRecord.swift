import Foundation
import PlanSim

/// A sweep run's results as stored (`plan sweep --format json`): typed, read back with
/// `SweepRunRecord(document:)`, or built from live results for the plots.
public struct SweepRecord: Sendable, Equatable, Decodable {
    public struct Crossing: Sendable, Equatable, Decodable {
        public var from: Double
        public var to: Double
        public var interpolated: Double
        /// `cheaper`, `dearer` or `even`: the side `compared` is on from `to` on.
        public var becomes: String
    }

    public struct Entry: Sendable, Equatable, Decodable {
        public var name: String
        public var gpuHours: Double
        public var costUSD: Double
        public var maintenanceGPUHours: Double
        public var updateLatencyMeanHours: Double
        public var saturated: Bool
        /// Monte Carlo band of the total cost (sweeps with --trials).
        public var costP10: Double?
        public var costP50: Double?
        public var costP90: Double?

        enum CodingKeys: String, CodingKey {
            case name, gpuHours = "gpu_hours", costUSD = "cost_usd", maintenanceGPUHours = "maintenance_gpu_hours"
            case updateLatencyMeanHours = "update_latency_mean_hours", saturated
            case costP10 = "cost_usd_p10", costP50 = "cost_usd_p50", costP90 = "cost_usd_p90"
        }
    }

    public struct Point: Sendable, Equatable, Decodable {
        public var value: Double
        public var gapUSD: Double
        public var probabilityCheaper: Double?
        public var strategies: [Entry]

        enum CodingKeys: String, CodingKey { case value, gapUSD = "gap_cost_usd", probabilityCheaper = "probability_cheaper", strategies }
    }

    public var field: String
    public var from: Double
    public var to: Double
    public var step: Double
    public var baseline: String
    public var compared: String
    public var breakEven: Double?
    public var breakEvenInterpolated: Double?
    public var cheaperThroughout: Bool
    /// `SweepTable.summary` as worded when the run was stored.
    public var summary: String
    public var crossings: [Crossing]
    public var saturatedValues: [Double]
    public var points: [Point]

    enum CodingKeys: String, CodingKey {
        case field, from, to, step, baseline, compared, breakEven = "break_even", breakEvenInterpolated = "break_even_interpolated"
        case cheaperThroughout = "cheaper_throughout", summary, crossings, saturatedValues = "saturated_values", points
    }

    /// Strategy names in point order.
    public var strategyNames: [String] { points.first?.strategies.map(\.name) ?? [] }

    public init(_ result: Sweep.Result) {
        field = result.range.field
        from = result.range.from
        to = result.range.to
        step = result.range.step
        baseline = result.baseline.rawValue
        compared = result.compared.rawValue
        breakEven = result.breakEven
        breakEvenInterpolated = result.breakEvenInterpolated
        cheaperThroughout = result.cheaperThroughout
        summary = SweepTable.summary(result)
        crossings = result.crossings.map { Crossing(from: $0.from, to: $0.to, interpolated: $0.interpolated, becomes: $0.becomes.rawValue) }
        saturatedValues = result.saturatedValues
        points = result.points.map { point in
            Point(value: point.value, gapUSD: point.gapUSD, probabilityCheaper: point.probabilityCheaper,
                  strategies: point.strategies.enumerated().map { index, row in
                      let band = index < point.costBands.count ? point.costBands[index] : nil
                      return Entry(name: row.kind.rawValue, gpuHours: row.total.gpuHours, costUSD: row.total.costUSD,
                                   maintenanceGPUHours: row.maintenance.gpuHours, updateLatencyMeanHours: row.latency.meanHours,
                                   saturated: row.saturated, costP10: band?.p10, costP50: band?.p50, costP90: band?.p90)
                  })
        }
    }
}

/// The tornado of a sweep run, as stored.
public struct TornadoRecord: Sendable, Equatable, Decodable {
    public struct Bar: Sendable, Equatable, Decodable {
        public var field: String
        public var base: Double
        public var low: Double
        public var high: Double
        public var gapLowUSD: Double
        public var gapHighUSD: Double
        public var swingUSD: Double

        enum CodingKeys: String, CodingKey {
            case field, base, low, high, gapLowUSD = "gap_low_cost_usd", gapHighUSD = "gap_high_cost_usd", swingUSD = "swing_cost_usd"
        }
    }

    public var baseline: String
    public var compared: String
    public var baseGapUSD: Double
    /// Largest swing first.
    public var bars: [Bar]

    enum CodingKeys: String, CodingKey { case baseline, compared, baseGapUSD = "base_gap_cost_usd", bars }

    public init(_ result: Tornado.Result) {
        baseline = result.baseline.rawValue
        compared = result.compared.rawValue
        baseGapUSD = result.baseGapUSD
        bars = result.bars.map {
            Bar(field: $0.field, base: $0.base, low: $0.low, high: $0.high, gapLowUSD: $0.gapLowUSD, gapHighUSD: $0.gapHighUSD, swingUSD: $0.swingUSD)
        }
    }
}

/// A stored sweep document: its sweeps and, with --tornado, the tornado.
public struct SweepRunRecord: Sendable, Equatable, Decodable {
    public var sweeps: [SweepRecord]
    public var tornado: TornadoRecord?

    public init(sweeps: [SweepRecord], tornado: TornadoRecord?) {
        self.sweeps = sweeps
        self.tornado = tornado
    }

    /// - Throws: `ReportError.unreadableRun` naming what is missing.
    public init(document: String) throws {
        do { self = try JSONDecoder().decode(Self.self, from: Data(document.utf8)) } catch let error as DecodingError {
            throw ReportError.unreadableRun(reason: SimulationRecord.describe(error))
        }
    }
}
