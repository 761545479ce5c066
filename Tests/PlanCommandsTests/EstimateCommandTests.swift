import Foundation
import Testing

/// `plan estimate` reproduces the published anchors end to end (DESIGN §4).
struct EstimateCommandTests {
    func figures(_ arguments: [String]) throws -> [String: Double] {
        let output = try Binary.run(["estimate"] + arguments + ["--format", "json"], in: Binary.workspace())
        #expect(output.status == 0, "\(output.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        return document.compactMapValues { $0 as? Double }
    }

    /// Llama 3 paper: 3.8e25 FLOPs for 405B on 15.6T tokens.
    @Test func llama3_405B() throws {
        let result = try figures(["--model", "llama-3.1-405b", "--tokens", "15.6e12", "--method", "full"])
        #expect(abs(result["flops"]! / 3.8e25 - 1) < 0.06)
        for key in ["flops_per_token", "gpu_hours", "wall_clock_hours", "cost_usd", "energy_kwh", "co2_kg"] { #expect(result[key] != nil) }
    }

    /// NVIDIA NeMo: LoRA 25,206 vs SFT 17,120 tokens/s/GPU on Llama2-7B.
    @Test func fullOverLoRAOnLlama2_7B() throws {
        let full = try figures(["--model", "llama-2-7b", "--tokens", "1e9", "--method", "full"])
        let lora = try figures(["--model", "llama-2-7b", "--tokens", "1e9", "--method", "lora"])
        let ratio = full["flops"]! / lora["flops"]!
        #expect(ratio > 1.35 && ratio < 1.6, "\(ratio)")
    }

    /// LLaMA paper Table 15: 449.8 MWh and 173.2 t for 65B.
    @Test func llama65BFootprint() throws {
        let result = try figures(["--gpu", "a100-80gb", "--gpu-hours", "1022362", "--gpu-watts", "400", "--pue", "1.1", "--kg-co2-per-kwh", "0.385"])
        #expect(abs(result["energy_kwh"]! / 449_759 - 1) < 0.01)
        #expect(abs(result["co2_kg"]! / 173_157 - 1) < 0.01)
    }

    /// `--tensor-parallel`: the NeMo MLPerf layout (TP4 × DP2) prices per GPU and reports its degree;
    /// a degree that does not divide the GPUs or the heads is a one-line data error (exit 65).
    @Test func tensorParallelFlag() throws {
        let job = ["--model", "llama-2-70b", "--tokens", "1e9", "--gpu", "h100-sxm", "--gpus", "8", "--sequence-length", "8192",
                   "--targets", "q_proj,k_proj,v_proj,o_proj", "--stack", "nemo-fp8", "--sharding", "none", "--no-gradient-checkpointing",
                   "--gradient-accumulation", "4"]
        let split = try figures(job + ["--tensor-parallel", "4"])
        #expect(split["tensor_parallel"] == 4)
        let plain = try figures(job)
        #expect(plain["tensor_parallel"] == 1)
        let table = try Binary.run(["estimate"] + job + ["--tensor-parallel", "4"], in: Binary.workspace())
        #expect(table.stdout.contains("step (8 x h100-sxm, TP 4, nemo-fp8)"))
        #expect(table.stdout.contains("step = 1 x 4 x 2 sequences of 8192 tokens (each replica split over 4 GPUs)"))
        for (degree, message) in [("3", "tensor_parallel 3 does not divide the job's 8 GPUs; give a divisor of 8"),
                                  ("0", "tensor_parallel must be at least 1, got 0")] {
            let bad = try Binary.run(["estimate"] + job + ["--tensor-parallel", degree], in: Binary.workspace())
            #expect(bad.status == 65)
            #expect(bad.stderr.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix(message), "\(bad.stderr)")
            #expect(bad.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
            #expect(bad.stdout.isEmpty)
        }
    }

    /// Where no FSDP count fits (a 70B LoRA job without checkpointing keeps every activation),
    /// the estimate names the smallest tensor-parallel layout that does; that layout fits.
    @Test func minGPUsSearchesTensorParallelLayouts() throws {
        let job = ["--model", "llama-3.1-70b", "--tokens", "1e8", "--sequence-length", "8192", "--stack", "torch",
                   "--no-gradient-checkpointing", "--gpus", "8"]
        let output = try Binary.run(["estimate"] + job + ["--format", "json"], in: Binary.workspace())
        #expect(output.status == 0, "\(output.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(document["min_gpus"] is NSNull)
        let gpus = try #require(document["min_gpus_tensor_parallel"] as? Int)
        let degree = try #require(document["min_gpus_tensor_parallel_degree"] as? Int)
        #expect(degree > 1 && gpus % degree == 0 && 64 % degree == 0 && degree <= 8)
        #expect(output.stderr.contains("fits on no count up to 512 with fsdp alone; it fits on \(gpus) with tensor parallelism \(degree)"),
                "\(output.stderr)")
        let table = try Binary.run(["estimate"] + job, in: Binary.workspace())
        #expect(table.stdout.contains("min_gpus (fsdp): none up to 512; min_gpus (tensor parallel): \(gpus) with --tensor-parallel \(degree)"))
        let layout = try figures(Array(job.dropLast(2)) + ["--gpus", "\(gpus)", "--tensor-parallel", "\(degree)"])
        #expect(layout["tensor_parallel"] == Double(degree))
        let split = try Binary.run(["estimate"] + Array(job.dropLast(2)) + ["--gpus", "\(gpus)", "--tensor-parallel", "\(degree)", "--format", "json"],
                                   in: Binary.workspace())
        #expect(split.stdout.contains("\"fits\": true") || split.stdout.contains("\"fits\":true"), "\(split.stdout.prefix(2000))")
        // A job that fits with FSDP reports no layout (null keys, present).
        let small = try Binary.run(["estimate", "--model", "llama-3.1-8b", "--tokens", "1e8", "--format", "json"], in: Binary.workspace())
        let plain = try #require(try JSONSerialization.jsonObject(with: Data(small.stdout.utf8)) as? [String: Any])
        #expect(plain["min_gpus"] as? Int == 1 && plain["min_gpus_tensor_parallel"] is NSNull && plain["min_gpus_tensor_parallel_degree"] is NSNull)
    }

    /// `--link-gb-per-s` replaces the in-node bandwidth ZeRO-3 gathers run at (the single-node
    /// MLPerf job's shape): lower is slower, the catalog's own value changes nothing, and a bad
    /// value is one line naming the flag.
    @Test func linkBandwidthFlag() throws {
        let job = ["--model", "llama-2-70b", "--method", "lora", "--rank", "16", "--targets", "q_proj,k_proj,v_proj,o_proj", "--gpu", "h100-sxm",
                   "--gpus", "8", "--sequence-length", "8192", "--gradient-checkpointing", "--stack", "hf-zero3", "--tokens", "31457280"]
        let nvlink = try figures(job)
        let same = try figures(job + ["--link-gb-per-s", "370"])
        let host = try figures(job + ["--link-gb-per-s", "30"])
        #expect(same["step_seconds"] == nvlink["step_seconds"] && same["gpu_hours"] == nvlink["gpu_hours"])
        let (fast, slow) = (try #require(nvlink["step_seconds"]), try #require(host["step_seconds"]))
        #expect(slow > fast * 1.2, "\(fast) s → \(slow) s")
        #expect(nvlink["link_gb_per_s"] == 370 && host["link_gb_per_s"] == 30)
        for bad in ["0", "-3", "nan"] {
            let output = try Binary.run(["estimate"] + job + ["--link-gb-per-s", bad], in: Binary.workspace())
            #expect(output.status == 64, "\(bad): \(output.stderr)")
            #expect(output.stderr.contains("--link-gb-per-s") && output.stderr.split(separator: "\n").count == 1, "\(output.stderr)")
        }
    }

    /// `--no-tp-comm-overlap` exposes every tensor-parallel collective (Fujitsu's MLPerf run):
    /// the step is slower by the hidden part, and the JSON says so.
    @Test func tensorParallelOverlapFlag() throws {
        let job = ["--model", "llama-2-70b", "--targets", "q_proj,k_proj,v_proj,o_proj", "--gpu", "h100-sxm", "--gpus", "4", "--tensor-parallel", "4",
                   "--gradient-accumulation", "8", "--sequence-length", "8192", "--no-gradient-checkpointing", "--stack", "nemo-fp8",
                   "--sharding", "none", "--tokens", "25165824", "--format", "json"]
        func document(_ extra: [String]) throws -> [String: Any] {
            let output = try Binary.run(["estimate"] + job + extra, in: Binary.workspace())
            #expect(output.status == 0, "\(output.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        }
        let on = try document([]), off = try document(["--no-tp-comm-overlap"])
        #expect(on["tp_comm_overlap"] as? Bool == true && off["tp_comm_overlap"] as? Bool == false)
        let (fast, slow) = (try #require(on["step_seconds"] as? Double), try #require(off["step_seconds"] as? Double))
        #expect(slow > fast, "\(fast) s → \(slow) s")
        // Without tensor parallelism there is nothing to overlap: the flag changes nothing.
        let single = ["--model", "llama-3.1-8b", "--tokens", "1e8", "--format", "json"]
        let a = try Binary.run(["estimate"] + single, in: Binary.workspace()).stdout
        let b = try Binary.run(["estimate"] + single + ["--no-tp-comm-overlap"], in: Binary.workspace()).stdout
        #expect(a.replacingOccurrences(of: "\"tp_comm_overlap\": true", with: "\"tp_comm_overlap\": false") == b)
    }
}
