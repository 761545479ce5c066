import Foundation
import PlanCore

/// Rendering of `plan estimate`: table, JSON and CSV of one job estimate.
public enum EstimateReport {
    static func gib(_ bytes: Double) -> JSONValue { .rounded(bytes / Memory.gib, digits: 4) }

    public static func json(_ e: JobEstimate) -> JSONValue {
        var pairs: [(String, JSONValue)] = []
        if let flops = e.flops { pairs.append(("flops", .rounded(flops))) }
        if let perToken = e.flopsPerToken { pairs.append(("flops_per_token", .rounded(perToken))) }
        if let executed = e.hardwareFlops { pairs.append(("hardware_flops", .rounded(executed))) }
        pairs += [
            ("gpu_hours", .rounded(e.gpuHours)), ("wall_clock_hours", .rounded(e.wallClockHours)), ("cost_usd", .rounded(e.costUSD)),
            ("energy_kwh", .rounded(e.energyKWh)), ("co2_kg", .rounded(e.co2Kg)),
        ]
        guard let t = e.training else { return .object(pairs) }
        let m = t.memory
        let s = t.throughput.step
        pairs += [
            ("parameters", .rounded(t.parameters)),
            ("trainable_parameters", .rounded(t.job.trainableParameters)),
            ("model", .string(t.job.model.name)), ("method", .string(t.job.method.rawValue)),
            ("gpu", .string(t.gpu.name)), ("gpus", .number(Double(t.job.gpus))),
            ("tensor_parallel", .number(Double(t.job.tensorParallel))), ("sharding", .string(t.job.sharding.rawValue)),
            ("tp_comm_overlap", .bool(t.job.tensorParallelCommOverlap)), ("link_gb_per_s", .rounded(t.gpu.linkBytesPerSecond / 1e9)),
            ("stack", .string(t.stack.name)), ("micro_batch", .number(Double(t.job.microBatch))),
            ("gradient_accumulation", .number(Double(t.job.gradientAccumulation))),
            ("sequence_length", .number(Double(t.job.context))),
            ("gradient_checkpointing", .bool(t.job.gradientCheckpointing)),
            ("memory", .object([
                ("weights_gib", gib(m.weights + m.gathered)), ("trainable_state_gib", gib(m.trainableState)),
                ("activations_gib", gib(m.activations)), ("logits_gib", gib(m.logits)), ("overhead_gib", gib(m.overhead)),
                ("peak_gib", gib(m.peak)), ("gpu_gib", gib(m.deviceBytes)), ("fits", .bool(m.fits)),
                ("gathered_gib", gib(m.gathered)),
            ])),
            ("min_gpus", t.minimumGPUs.map { .number(Double($0)) } ?? .null),
            ("min_gpus_tensor_parallel", t.minimumTensorParallel.map { .number(Double($0.gpus)) } ?? .null),
            ("min_gpus_tensor_parallel_degree", t.minimumTensorParallel.map { .number(Double($0.tensorParallel)) } ?? .null),
            ("step", .object([
                ("gemm_seconds", .rounded(s.gemm, digits: 6)), ("memory_bound_seconds", .rounded(s.memoryBound, digits: 6)),
                ("optimizer_seconds", .rounded(s.optimizer, digits: 6)), ("communication_seconds", .rounded(s.communication, digits: 6)),
                ("overhead_seconds", .rounded(s.overhead, digits: 6)), ("gemm_efficiency", .rounded(s.gemmEfficiency, digits: 4)),
                ("communication_total_seconds", .rounded(s.communicationTotal, digits: 6)),
            ])),
            ("step_seconds", .rounded(t.stepSeconds, digits: 6)),
            ("tokens_per_second_per_gpu", .rounded(t.tokensPerSecondPerGPU, digits: 6)),
            ("mfu", .rounded(t.mfu, digits: 4)),
            ("mfu_source", .string(t.mfuIsModelled ? "step-time model" : "--mfu")),
            ("scaling_efficiency", .rounded(t.throughput.scalingEfficiency, digits: 4)),
        ]
        if let v = e.evaluation {
            pairs.append(("evaluation", .object([
                ("evaluations", .rounded(v.evaluations)), ("samples_per_evaluation", .rounded(v.samplesPerEvaluation)),
                ("tokens", .rounded(v.tokens)), ("flops", .rounded(v.flops)), ("flops_per_token", .rounded(v.flopsPerToken)),
                ("seconds", .rounded(v.seconds, digits: 6)), ("gpu_hours", .rounded(v.gpuHours)),
            ])))
        }
        if let g = e.goodput {
            pairs.append(("goodput", .object([
                ("expected_interruptions", .rounded(g.expectedInterruptions, digits: 6)),
                ("effective_training_time_ratio", .rounded(g.effectiveTrainingTimeRatio, digits: 6)),
                ("checkpoint_interval_minutes", .rounded(g.checkpointIntervalMinutes, digits: 4)),
                ("checkpoint_minutes", .rounded(g.checkpointMinutes, digits: 6)),
                ("expected_wall_clock_hours", .rounded(g.expectedHours)),
            ])))
        }
        return .object(pairs)
    }

    /// One header row and one value row.
    public static func csv(_ e: JobEstimate) -> String {
        var header = ["flops", "flops_per_token", "gpu_hours", "wall_clock_hours", "cost_usd", "energy_kwh", "co2_kg"]
        var row = [e.flops, e.flopsPerToken, e.gpuHours, e.wallClockHours, e.costUSD, e.energyKWh, e.co2Kg].map { value in
            value.map { JSONValue.rounded($0).rendered() } ?? ""
        }
        if let t = e.training {
            let m = t.memory
            header += ["gpus", "min_gpus", "peak_gib", "gpu_gib", "fits", "step_seconds", "tokens_per_second_per_gpu", "mfu",
                       "scaling_efficiency"]
            row += [String(t.job.gpus), t.minimumGPUs.map(String.init) ?? "", JSONValue.rounded(m.peak / Memory.gib, digits: 4).rendered(),
                    JSONValue.rounded(m.deviceBytes / Memory.gib, digits: 4).rendered(), m.fits ? "true" : "false",
                    JSONValue.rounded(t.stepSeconds, digits: 6).rendered(), JSONValue.rounded(t.tokensPerSecondPerGPU, digits: 6).rendered(),
                    JSONValue.rounded(t.mfu, digits: 4).rendered(), JSONValue.rounded(t.throughput.scalingEfficiency, digits: 4).rendered()]
        }
        return header.joined(separator: ",") + "\n" + row.joined(separator: ",") + "\n"
    }

    public static func table(_ e: JobEstimate) -> String {
        var table = TextTable(columns: [("figure", .left), ("value", .right), ("unit", .left)])
        if let t = e.training {
            table.add(["parameters", String(format: "%.3g", t.parameters), "total (trainable \(String(format: "%.3g", t.job.trainableParameters)))"])
        }
        if let flops = e.flops { table.add(["training compute", String(format: "%.3e", flops), "FLOP (model)"]) }
        if let executed = e.hardwareFlops, let flops = e.flops, executed != flops {
            table.add(["executed", String(format: "%.3e", executed), "FLOP (with recompute)"])
        }
        if let perToken = e.flopsPerToken { table.add(["per token", String(format: "%.3e", perToken), "FLOP/token"]) }
        table.add(["GPU time", NumberFormat.quantity(e.gpuHours), "GPU-hours"])
        table.add(["wall-clock", NumberFormat.quantity(e.wallClockHours), "hours"])
        table.add(["cost", NumberFormat.dollars(e.costUSD), "USD"])
        table.add(["energy", NumberFormat.quantity(e.energyKWh), "kWh"])
        table.add(["emissions", NumberFormat.quantity(e.co2Kg), "kg CO2"])
        var out = table.rendered() + "\n"
        guard let t = e.training else { return out }
        let s = t.throughput.step
        let layout = t.job.tensorParallel > 1
            ? ", TP \(t.job.tensorParallel)" + (t.job.tensorParallelCommOverlap ? "" : " (collectives not overlapped)") : ""
        var step = TextTable(columns: [("step (\(t.job.gpus) x \(t.gpu.name)\(layout), \(t.stack.name))", .left), ("seconds", .right), ("share", .right)])
        let total = s.total
        for (name, value) in [("GEMM (\(String(format: "%.0f%%", s.gemmEfficiency * 100)) of peak)", s.gemm),
                              ("memory-bound kernels", s.memoryBound), ("optimizer", s.optimizer),
                              ("communication (exposed)", s.communication), ("overhead", s.overhead)] {
            step.add([name, String(format: "%.4g", value), String(format: "%.1f%%", total > 0 ? value / total * 100 : 0)])
        }
        step.add(["step", String(format: "%.4g", t.stepSeconds), ""])
        if let v = e.evaluation {
            // Not part of a step: the whole job's evaluations, and their share of the job's time.
            let jobSeconds = e.wallClockHours * 3600
            step.add([String(format: "evaluation (%.0f x %.0f samples, whole job)", v.evaluations, v.samplesPerEvaluation),
                      String(format: "%.4g", v.seconds), String(format: "%.1f%% of job", jobSeconds > 0 ? v.seconds / jobSeconds * 100 : 0)])
        }
        out += "\n" + step.rendered() + "\n"
        // Sequences per step: micro-batch × accumulation × model replicas (GPUs / TP).
        out += String(format: "tokens/s per GPU %.0f, MFU %.3f (%@), scaling efficiency %.2f; step = %d x %d x %d sequences of %d tokens%@\n",
                      t.tokensPerSecondPerGPU, t.mfu, t.mfuIsModelled ? "modelled" : "given", t.throughput.scalingEfficiency,
                      t.job.microBatch, t.job.gradientAccumulation, t.job.dataParallel, t.job.context,
                      t.job.tensorParallel > 1 ? " (each replica split over \(t.job.tensorParallel) GPUs)" : "")
        let m = t.memory
        var memory = TextTable(columns: [("memory per GPU", .left), ("GiB", .right)])
        memory.add(["weights" + (m.gathered > 0 ? " (shard + gathered units)" : ""), String(format: "%.2f", (m.weights + m.gathered) / Memory.gib)])
        memory.add(["trainable state (grads, optimizer)", String(format: "%.2f", m.trainableState / Memory.gib)])
        memory.add(["activations", String(format: "%.2f", m.activations / Memory.gib)])
        memory.add(["logits", String(format: "%.2f", m.logits / Memory.gib)])
        memory.add(["overhead (CUDA context, workspaces)", String(format: "%.2f", m.overhead / Memory.gib)])
        memory.add(["peak", String(format: "%.2f", m.peak / Memory.gib)])
        memory.add(["\(t.gpu.name) memory", String(format: "%.2f", m.deviceBytes / Memory.gib)])
        out += "\n" + memory.rendered() + "\n"
        out += "fits: \(m.fits ? "yes" : "no"); min_gpus (fsdp): \(t.minimumGPUs.map(String.init) ?? "none up to \(MemoryModel.maximumGPUs)")"
        if t.minimumGPUs == nil {
            out += "; min_gpus (tensor parallel): " + (t.minimumTensorParallel.map { "\($0.gpus) with --tensor-parallel \($0.tensorParallel)" }
                ?? "none up to \(MemoryModel.maximumGPUs) (degrees dividing the heads, up to a node)")
        }
        out += "\n"
        if let g = e.goodput {
            out += String(format: "goodput: %.3g expected interruptions, checkpoint every %.0f min (%.2g min each), effective training time %.2f%% "
                          + "(expected %@ h wall-clock with failures)\n",
                          g.expectedInterruptions, g.checkpointIntervalMinutes, g.checkpointMinutes, g.effectiveTrainingTimeRatio * 100,
                          NumberFormat.quantity(g.expectedHours))
        }
        return out
    }

    /// The stderr note for a job that does not fit, or nil.
    public static func fitNote(_ e: JobEstimate) -> String? {
        guard let t = e.training, !t.memory.fits else { return nil }
        let need = String(format: "%.1f", t.memory.peak / Memory.gib)
        let have = String(format: "%.1f", t.memory.deviceBytes / Memory.gib)
        let what = "\(t.job.model.name) \(t.job.method.rawValue) needs \(need) GiB per GPU on \(t.job.gpus) x \(t.gpu.name) (\(have) GiB)"
        if let minimum = t.minimumGPUs {
            return "note: \(what); it fits on \(minimum) with fsdp (--gpus \(minimum))"
        }
        if let layout = t.minimumTensorParallel {
            let how = "--gpus \(layout.gpus) --tensor-parallel \(layout.tensorParallel)"
            return "note: \(what)\(t.job.tensorParallel > 1 ? " with tensor parallelism \(t.job.tensorParallel)" : "") and fits on no count up to "
                + "\(MemoryModel.maximumGPUs) with fsdp alone; it fits on \(layout.gpus) with tensor parallelism \(layout.tensorParallel) (\(how))"
        }
        if t.job.tensorParallel > 1 {
            return "note: \(what) with tensor parallelism \(t.job.tensorParallel); more GPUs, a larger --tensor-parallel or checkpointing would lower it"
        }
        return "note: \(what) and fits on no count up to \(MemoryModel.maximumGPUs) with fsdp or any tensor-parallel degree; it would need pipeline parallelism or CPU offload, which plan does not model"
    }
}
