import Foundation
import PlanCore
import PlanSim

/// The `plan sweep --format json` document.
public enum SweepDocument {
    public static func make(runID: Int64?, scenario: Scenario, sweeps: [Sweep.Result], tornado: Tornado.Result?) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("run_id", runID.map { .number(Double($0)) } ?? .null),
            ("scenario", .string(scenario.name)),
            ("model_architecture", SimulationDocument.architecture(scenario.model)),
        ]
        pairs.append(("sweeps", .array(sweeps.map(sweep))))
        if let tornado { pairs.append(("tornado", self.tornado(tornado))) }
        return .object(pairs)
    }

    static func sweep(_ result: Sweep.Result) -> JSONValue {
        .object([
            ("field", .string(result.range.field)),
            ("from", .number(result.range.from)), ("to", .number(result.range.to)), ("step", .number(result.range.step)),
            ("baseline", .string(result.baseline.rawValue)), ("compared", .string(result.compared.rawValue)),
            ("break_even", result.breakEven.map { .rounded($0, digits: 6) } ?? .null),
            ("break_even_interpolated", result.breakEvenInterpolated.map { .rounded($0, digits: 4) } ?? .null),
            ("cheaper_throughout", .bool(result.cheaperThroughout)),
            ("summary", .string(SweepTable.summary(result))),
            ("crossings", .array(result.crossings.map { crossing in
                .object([
                    ("from", .number(crossing.from)), ("to", .number(crossing.to)),
                    ("interpolated", .rounded(crossing.interpolated, digits: 6)), ("becomes", .string(crossing.becomes.rawValue)),
                ])
            })),
            ("regions", .array(result.regions.map { region in
                .object([("from", .number(region.from)), ("to", .number(region.to)), ("side", .string(region.side.rawValue))])
            })),
            ("saturated_values", .array(result.saturatedValues.map { .number($0) })),
            ("points", .array(result.points.map { point in
                var pairs: [(String, JSONValue)] = [
                    ("value", .number(point.value)),
                    ("gap_cost_usd", .rounded(point.gapUSD)),
                ]
                if let probability = point.probabilityCheaper { pairs.append(("probability_cheaper", .rounded(probability, digits: 4))) }
                pairs.append(("strategies", .array(point.strategies.enumerated().map { s, row in
                        var fields: [(String, JSONValue)] = [
                            ("name", .string(row.kind.rawValue)),
                            ("gpu_hours", .rounded(row.total.gpuHours)), ("cost_usd", .rounded(row.total.costUSD)),
                            ("wall_clock_hours", .rounded(row.total.wallClockHours)), ("energy_kwh", .rounded(row.total.energyKWh)),
                            ("co2_kg", .rounded(row.total.co2Kg)), ("maintenance_gpu_hours", .rounded(row.maintenance.gpuHours)),
                            ("update_latency_mean_hours", .rounded(row.latency.meanHours)),
                            ("update_latency_p90_hours", .rounded(row.latency.p90Hours)),
                            ("saturated", .bool(row.saturated)),
                            ("trained_tokens", .rounded(row.total.trainedTokens)), ("jobs", .number(Double(row.total.jobs))),
                            ("initial", SimulationDocument.phase(row.initial)), ("maintenance", SimulationDocument.phase(row.maintenance)),
                        ]
                        fields += SimulationDocument.savings(row.savings, breakEvenDay: row.breakEvenDay)
                        if s < point.costBands.count {
                            let band = point.costBands[s]
                            fields += [("cost_usd_p10", .rounded(band.p10)), ("cost_usd_p50", .rounded(band.p50)), ("cost_usd_p90", .rounded(band.p90))]
                        }
                        return .object(fields)
                    })))
                return .object(pairs)
            })),
        ])
    }

    static func tornado(_ result: Tornado.Result) -> JSONValue {
        .object([
            ("baseline", .string(result.baseline.rawValue)), ("compared", .string(result.compared.rawValue)),
            ("base_gap_cost_usd", .rounded(result.baseGapUSD)),
            ("bars", .array(result.bars.map { bar in
                .object([
                    ("field", .string(bar.field)), ("base", .rounded(bar.base)), ("low", .rounded(bar.low)), ("high", .rounded(bar.high)),
                    ("gap_low_cost_usd", .rounded(bar.gapLowUSD)), ("gap_high_cost_usd", .rounded(bar.gapHighUSD)),
                    ("swing_cost_usd", .rounded(bar.swingUSD)),
                ])
            })),
        ])
    }
}
