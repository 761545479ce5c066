import Foundation
import PlanCore
import PlanSim

/// The `plan simulate --format json` document (DESIGN §8), with snake_case keys and plain
/// numbers (fractions as 0.667).
public enum SimulationDocument {
    /// The document of a live simulation.
    public static func make(
        runID: Int64?, scenario: Scenario, result: SimulationResult, monteCarlo: MonteCarlo.Result? = nil,
        monteCarloSeconds: Double? = nil
    ) -> JSONValue {
        make(runID: runID, scenario: scenario, record: SimulationRecord(result: result, monteCarlo: monteCarlo), monteCarloSeconds: monteCarloSeconds)
    }

    /// The document of a simulation record: every figure comes from `record`; `scenario` gives the assumptions.
    public static func make(runID: Int64?, scenario: Scenario, record: SimulationRecord, monteCarloSeconds: Double? = nil) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("run_id", runID.map { .number(Double($0)) } ?? .null),
            ("scenario", .string(scenario.name)),
            ("seed", record.seed.map { .number(Double($0)) } ?? .null),
            ("horizon_days", .number(Double(record.horizonDays))),
            ("baseline", .string(record.baseline)),
            ("assumptions", assumptions(scenario)),
            ("arrivals", .number(Double(record.arrivals))),
            ("updates", .number(Double(record.updates))),
        ]
        pairs.append(("strategies", .array(record.strategies.map { strategy($0, scenario: scenario) })))
        if let floor = record.qualityFloor {
            pairs.append(("recommended", record.recommended.map { .string($0) } ?? .null))
            pairs.append(("quality_floor", .rounded(floor, digits: 4)))
            pairs.append(("serving_priced", .bool(scenario.serving != nil)))
        }
        if let trials = record.trials {
            let events = record.trialEvents ?? 0
            pairs.append(("trials", .number(Double(trials))))
            pairs.append(("trial_events", .number(Double(events))))
            if let seconds = monteCarloSeconds, seconds > 0 {
                pairs.append(("monte_carlo_seconds", .rounded(seconds, digits: 4)))
                pairs.append(("events_per_second", .rounded(Double(events) / seconds, digits: 4)))
            }
        }
        return .object(pairs)
    }

    static func strategy(_ s: SimulationRecord.Strategy, scenario: Scenario) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("name", .string(s.name))]
        pairs += figures(s.total)
        pairs.append(("trained_tokens", .rounded(s.total.trainedTokens)))
        pairs.append(("initial", phase(s.initial)))
        pairs.append(("maintenance", phase(s.maintenance)))
        pairs.append(("update_latency_hours", .object([
            ("mean", .rounded(s.latency.meanHours)), ("p90", .rounded(s.latency.p90Hours)), ("updates", .number(Double(s.latency.count))),
        ])))
        pairs += savings(s.savings, breakEvenDay: s.breakEvenDay)
        let pool = s.pool
        pairs.append(("saturated", .bool(s.saturated)))
        // reserved_cost_usd only under reserved pricing (on demand, the pool's idle hours are not paid).
        pairs.append(("pool", .object([
            ("gpus", .number(Double(pool.gpus))), ("gpus_per_job", .number(Double(pool.gpusPerJob))),
            ("usable_gpus", .number(Double(pool.usableGPUs ?? pool.gpus))), ("pricing", .string(pool.pricing)),
            ("utilisation", .rounded(pool.utilisation, digits: 4)), ("busy_gpu_hours", .rounded(pool.busyGPUHours)),
            ("peak_queue_jobs", .number(Double(pool.peakQueueJobs))), ("last_job_finished_hours", .rounded(pool.lastJobFinishedHours)),
            ("max_update_latency_hours", .rounded(pool.maxUpdateLatencyHours)),
            ("queued_at_horizon_end", .number(Double(pool.queuedAtHorizonEnd ?? 0))),
            ("backlog_hours", .rounded(pool.backlogHours ?? 0)),
            ("on_demand_cost_usd", .rounded(pool.onDemandCostUSD)),
        ] + (pool.reservedCostUSD.map { [("reserved_cost_usd", .rounded($0))] } ?? []))))
        pairs.append(("builds", .number(Double(s.builds))))
        pairs.append(("jobs", .number(Double(s.total.jobs))))
        pairs.append(("merge_jobs", .number(Double(s.mergeJobs ?? s.total.mergeJobs))))
        pairs.append(("effective_training_time_ratio", .rounded(s.effectiveTrainingTimeRatio ?? 1, digits: 6)))
        pairs.append(("expected_interruptions", .rounded(s.total.expectedInterruptions, digits: 6)))
        pairs += capacity(s, scenario: scenario)
        pairs += regions(s)
        if let choice = s.choice { pairs += decision(choice) }
        if !s.percentiles.isEmpty {
            pairs.append(("percentiles", .object(MonteCarlo.figures.compactMap { name in
                s.percentiles[name].map { band in
                    (name, .object([("p10", .rounded(band.p10)), ("p50", .rounded(band.p50)), ("p90", .rounded(band.p90))]))
                }
            })))
            if let probability = s.probabilityCheaper {
                pairs.append(("probability_cheaper", .rounded(probability, digits: 4)))
            }
        }
        return .object(pairs)
    }

    /// Serving, total cost of ownership, quality retention and eligibility of one strategy.
    static func decision(_ d: StrategyDecision) -> [(String, JSONValue)] {
        var pairs: [(String, JSONValue)] = []
        if let s = d.serving {
            pairs.append(("serving", .object([
                ("gpus", .number(Double(s.gpus))), ("gpu_hours", .rounded(s.gpuHours)), ("cost_usd", .rounded(s.costUSD)),
                ("tokens_per_second_per_gpu", .rounded(s.tokensPerSecondPerGPU)),
                ("gpus_per_replica", .number(Double(s.gpusPerReplica))), ("batch", .number(Double(s.batch))),
                ("ms_per_output_token", .rounded(s.msPerOutputToken, digits: 4)), ("meets_latency_target", .bool(s.meetsLatencyTarget)),
                ("adapters", .number(Double(s.adapters))), ("served_tokens", .rounded(s.servedTokens)),
                ("usd_per_gpu_hour", .rounded(s.usdPerGPUHour, digits: 6)),
                ("usd_per_million_tokens", .rounded(s.usdPerMillionTokens, digits: 6)),
                ("fleet_usd_per_million_tokens", .rounded(s.fleetUSDPerMillionTokens, digits: 6)),
            ])))
        } else {
            pairs.append(("serving", .null))
        }
        pairs.append(("total_cost_of_ownership_usd", .rounded(d.totalCostOfOwnershipUSD)))
        pairs.append(("quality_retention", d.qualityRetention.map { .rounded($0, digits: 4) } ?? .null))
        pairs.append(("quality_source", .string(d.retentionSource)))
        pairs.append(("eligible", .bool(d.eligible)))
        pairs.append(("ineligible_reason", d.reason.map { .string($0) } ?? .null))
        pairs.append(("quality_caveat", d.caveat.map { .string($0) } ?? .null))
        return pairs
    }

    /// A phase's figures, trained tokens and job count (`initial`, `maintenance`).
    static func phase(_ totals: PhaseTotals) -> JSONValue {
        .object(figures(totals) + [("trained_tokens", .rounded(totals.trainedTokens)), ("jobs", .number(Double(totals.jobs)))])
    }

    /// `savings` (per phase, fractions of the baseline's figures) and `break_even_day`; for the
    /// baseline `savings` is null and there is no break-even day.
    static func savings(_ savings: Savings?, breakEvenDay: Int?) -> [(String, JSONValue)] {
        guard let savings else { return [("savings", .null)] }
        var saved = savingsFigures(savings.total)
        saved.append(("initial", .object(savingsFigures(savings.initial))))
        saved.append(("maintenance", .object(savingsFigures(savings.maintenance))))
        saved.append(("update_latency_mean", .rounded(savings.updateLatencyMean, digits: 4)))
        return [("savings", .object(saved)), ("break_even_day", breakEvenDay.map { .number(Double($0)) } ?? .null)]
    }

    static func figures(_ totals: PhaseTotals) -> [(String, JSONValue)] {
        [
            ("gpu_hours", .rounded(totals.gpuHours)), ("wall_clock_hours", .rounded(totals.wallClockHours)),
            ("cost_usd", .rounded(totals.costUSD)), ("energy_kwh", .rounded(totals.energyKWh)),
            ("co2_kg", .rounded(totals.co2Kg)),
        ]
    }

    static func savingsFigures(_ s: SavingsFigures) -> [(String, JSONValue)] {
        [
            ("gpu_hours", .rounded(s.gpuHours, digits: 4)), ("wall_clock_hours", .rounded(s.wallClockHours, digits: 4)),
            ("cost_usd", .rounded(s.costUSD, digits: 4)), ("energy_kwh", .rounded(s.energyKWh, digits: 4)),
            ("co2_kg", .rounded(s.co2Kg, digits: 4)),
        ]
    }

    /// The step-time and memory figures of the scenario's training job shape.
    static func trainingJob(_ rate: CostModel.TrainingRate) -> JSONValue {
        .object([
            ("gpus", .number(Double(rate.job.gpus))),
            ("min_gpus", rate.minimumGPUs.map { .number(Double($0)) } ?? .null),
            ("tensor_parallel", .number(Double(rate.job.tensorParallel))),
            ("sharding", .string(rate.job.sharding.rawValue)),
            ("mfu", .rounded(rate.mfu, digits: 4)),
            ("tokens_per_second_per_gpu", .rounded(rate.tokensPerSecond / Double(rate.job.gpus), digits: 6)),
            ("step_seconds", .rounded(rate.throughput.stepSeconds, digits: 6)),
            ("peak_memory_gib", .rounded(rate.memory.peak / Memory.gib, digits: 4)),
            ("gpu_memory_gib", .rounded(rate.memory.deviceBytes / Memory.gib, digits: 4)),
        ])
    }

    /// The inputs that move the numbers most, for the record.
    static func assumptions(_ scenario: Scenario) -> JSONValue {
        let rate = scenario.trainingRate
        return .object([
            ("model", .string(scenario.model.name)),
            ("method", .string(scenario.finetune.method.rawValue)),
            ("rank", .number(Double(scenario.finetune.rank))),
            ("epochs", .number(scenario.finetune.epochs)),
            ("gpu", .string(scenario.hardware.gpu.name)),
            ("pool_gpus", .number(Double(scenario.hardware.poolGPUs))),
            ("gpus_per_job", .number(Double(scenario.hardware.gpusPerJob))),
            ("mfu", .rounded(rate.mfu, digits: 4)),
            ("mfu_source", .string(scenario.hardware.mfu == nil ? "step-time model" : "scenario")),
            ("stack", .string(scenario.hardware.stack.name)),
            ("micro_batch_size", .number(Double(scenario.finetune.microBatchSize))),
            ("gradient_accumulation", .number(Double(scenario.finetune.gradientAccumulation))),
            ("training_job", trainingJob(rate)),
            ("usd_per_gpu_hour", .number(scenario.hardware.usdPerGPUHour)),
            ("pricing", .string(scenario.hardware.pricing.rawValue)),
            ("job_startup_minutes", .number(scenario.overheads.jobStartupMinutes)),
            ("merge_method", .string(scenario.merge.method)),
            ("languages", .number(Double(scenario.languages.count))),
            ("model_architecture", architecture(scenario.model)),
        ])
    }

    /// The architecture the run used, in the catalog's field names (`ModelArchitecture.decode`
    /// reads it back): a report of a `model: {hf_config: PATH}` run needs no config.json.
    public static func architecture(_ model: ModelArchitecture) -> JSONValue {
        .object([
            ("name", .string(model.name)), ("layers", .number(Double(model.layers))), ("hidden", .number(Double(model.hidden))),
            ("mlp", .number(Double(model.mlp))), ("heads", .number(Double(model.heads))), ("kv_heads", .number(Double(model.kvHeads))),
            ("vocab", .number(Double(model.vocab))), ("head_dim", .number(Double(model.headDim))),
            ("tied_embeddings", .bool(model.tiedEmbeddings)), ("qkv_bias", .bool(model.qkvBias)), ("source", .string(model.source)),
        ])
    }
}
