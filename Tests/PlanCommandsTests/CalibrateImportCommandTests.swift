import Foundation
import PlanCore
import Testing

/// `plan calibrate --import` end to end: fixture logs in every format, the profile they store used
/// by `plan estimate --profile` and scenarios, bad files refused with nothing stored, and the
/// probe's CSV round trip.
struct CalibrateImportCommandTests {
    /// Fixtures are read from the source tree (not a resource bundle: creating a Bundle while other
    /// tests enumerate `Bundle.allBundles` is not safe in corelibs Foundation).
    static func fixture(_ name: String) throws -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/calibration/\(name)").path
    }

    static let probe = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/gpu-probe.py").path

    static func python(_ arguments: [String], in folder: URL) throws -> Binary.Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.currentDirectoryURL = folder
        let out = folder.appendingPathComponent(".py-out"), err = folder.appendingPathComponent(".py-err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Binary.Output(status: process.terminationStatus, stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
                             stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }

    static let pythonAvailable: Bool = (try? python(["-c", "import csv, json"], in: Binary.workspace()).status) == 0
    static let torchAvailable: Bool = pythonAvailable
        && (try? python(["-c", "import torch, transformers, peft"], in: Binary.workspace()).status) == 0

    func json(_ output: Binary.Output) throws -> [String: Any] {
        #expect(output.status == 0, "\(output.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    }

    /// Acceptance: a Trainer train_results.json whose runtime was generated at MFU 0.25 (6,553,600
    /// tokens × 33,492,303,870 FLOP/token / (312 TFLOP/s × 0.25) = 2,814.04 s) gives a profile with
    /// which `plan estimate` reproduces that runtime within 2%.
    @Test func trainerRunAtMFUQuarterIsReproducedByEstimate() throws {
        let folder = Binary.workspace()
        let facts = ["--model", "llama-3.1-8b", "--method", "lora", "--gpu", "a100-80gb", "--micro-batch", "2",
                     "--gradient-accumulation", "8", "--sequence-length", "4096", "--gradient-checkpointing"]
        let document = try json(try Binary.run(
            ["calibrate", "--import", try Self.fixture("train_results.json"), "--name", "a100-measured", "--format", "json", "--db", "p.sqlite"] + facts,
            in: folder))
        let runs = try #require(document["runs"] as? [[String: Any]])
        let mfu = try #require(runs.first?["measured_mfu"] as? Double)
        #expect(abs(mfu - 0.25) < 0.0025)
        #expect(document["fitted"] as? [String] == ["gemm_efficiency_max"])
        #expect((document["flops"] as? String)?.contains("total_flos") == true)
        let ratio = try #require(runs.first?["logged_flops_ratio"] as? Double)
        #expect(ratio > 1.3 && ratio < 1.6, "total_flos overstates LoRA: \(ratio)")

        let estimate = try json(try Binary.run(
            ["estimate", "--profile", "a100-measured", "--db", "p.sqlite", "--model", "llama-3.1-8b", "--tokens", "6553600",
             "--micro-batch", "2", "--gradient-accumulation", "8", "--gradient-checkpointing", "--format", "json"], in: folder))
        let hours = try #require(estimate["wall_clock_hours"] as? Double)
        let perToken = try #require(estimate["flops_per_token"] as? Double)
        let generated = 6_553_600 * perToken / (312e12 * 0.25)
        #expect(abs(generated / 2814.0405 - 1) < 1e-4, "the fixture was generated with these FLOPs")
        #expect(abs(hours * 3600 / 2814.0405 - 1) < 0.02, "\(hours * 3600) s")
        // Without the profile the stack's own curve predicts another runtime.
        let plain = try json(try Binary.run(
            ["estimate", "--model", "llama-3.1-8b", "--tokens", "6553600", "--micro-batch", "2", "--gradient-accumulation", "8",
             "--gradient-checkpointing", "--format", "json"], in: folder))
        #expect(abs((plain["wall_clock_hours"] as? Double ?? 0) * 3600 / 2814.0405 - 1) > 0.05)
    }

    @Test func everyFormatImportsAndTheProfileServesScenarios() throws {
        let folder = Binary.workspace()
        let state = try json(try Binary.run(
            ["calibrate", "--import", try Self.fixture("trainer_state.json"), "--name", "two", "--format", "json", "--db", "p.sqlite",
             "--model", "llama-3.1-8b", "--gpus", "2", "--micro-batch", "2", "--gradient-accumulation", "4", "--sequence-length", "2048",
             "--gradient-checkpointing"], in: folder))
        let stateRun = try #require((state["runs"] as? [[String: Any]])?.first)
        #expect(abs((stateRun["measured_mfu"] as? Double ?? 0) - 0.30) < 0.003, "per-device train_tokens_per_second at MFU 0.30")

        let torchtune = try json(try Binary.run(
            ["calibrate", "--import", try Self.fixture("log_1718000000.txt"), "--name", "tt", "--format", "json", "--db", "p.sqlite",
             "--model", "llama-3.2-3b", "--stack", "torch", "--gradient-checkpointing"], in: folder))
        let ttRun = try #require((torchtune["runs"] as? [[String: Any]])?.first)
        #expect(ttRun["measured_tokens_per_second_per_gpu"] as? Double == 5025.6)
        #expect(ttRun["measured_peak_memory_gib"] as? Double == 10.05)
        #expect(ttRun["memory_relative_error"] is Double)
        #expect(torchtune["stack"] as? String == "torch")

        let table = try Binary.run(["calibrate", "--import", try Self.fixture("probe.csv"), "--name", "csv", "--db", "p.sqlite"], in: folder)
        #expect(table.status == 0, "\(table.stderr)")
        for text in ["measured tok/s/GPU", "fitted", "median |error|", "gemm_efficiency_max", "half_efficiency_tokens", "total_flos", "stored: run"] {
            #expect(table.stdout.contains(text), "\(text) in \(table.stdout)")
        }

        var yaml = try Binary.defaultScenario(in: folder)
        yaml = yaml.replacingOccurrences(of: "  gpu: a100-80gb ", with: "  profile: csv ")
        try yaml.write(to: folder.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
        let check = try Binary.run(["scenarios", "check", "s.yaml", "--db", "p.sqlite"], in: folder)
        #expect(check.status == 0, "\(check.stderr)")
        let simulate = try Binary.run(["simulate", "s.yaml", "--db", "p.sqlite", "--no-plots", "--format", "json"], in: folder)
        #expect(simulate.status == 0, "\(simulate.stderr)")
    }

    /// Bad files: one line naming the file and the field, exit 65, no database written.
    @Test(arguments: [
        ("not-json.json", "not JSON"), ("missing-runtime.json", "missing field train_runtime"),
        ("zero-runtime.json", "field train_runtime: must be positive"), ("unknown-model.csv", "field model: unknown model 'llama-9-1t'"),
        ("missing-column.csv", "missing column gradient_accumulation"),
    ])
    func badFilesStoreNothing(_ name: String, _ message: String) throws {
        let folder = Binary.workspace()
        let path = try Self.fixture(name)
        let output = try Binary.run(["calibrate", "--import", try Self.fixture("train_results.json"), path, "--name", "bad",
                                     "--model", "llama-3.1-8b", "--db", "p.sqlite"], in: folder)
        #expect(output.status == 65)
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(output.stderr)")
        #expect(output.stderr.contains(path) && output.stderr.contains(message), "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("p.sqlite").path))
    }

    @Test func unknownModelFlagAndMissingFactsAreRefused() throws {
        let folder = Binary.workspace()
        let unknown = try Binary.run(["calibrate", "--import", try Self.fixture("train_results.json"), "--name", "x", "--model", "gpt-9"], in: folder)
        #expect(unknown.status == 65 && unknown.stderr.contains("field --model: unknown model 'gpt-9'"), "\(unknown.stderr)")
        let noFacts = try Binary.run(["calibrate", "--import", try Self.fixture("train_results.json"), "--name", "x"], in: folder)
        #expect(noFacts.status == 65 && noFacts.stderr.contains("field --model"), "\(noFacts.stderr)")
        let noName = try Binary.run(["calibrate", "--import", try Self.fixture("probe.csv")], in: folder)
        #expect(noName.status == 64)
        let missing = try Binary.run(["estimate", "--profile", "nope", "--model", "llama-3.1-8b", "--tokens", "1e6"], in: folder)
        #expect(missing.status == 64 && missing.stderr.contains("unknown machine profile 'nope'"), "\(missing.stderr)")
    }

    /// The probe's CSV (written by its own code, no torch needed), with rates generated from a
    /// known curve on a tiny 2-layer architecture file, imports and gives that curve back.
    @Test(.enabled(if: CalibrateImportCommandTests.pythonAvailable, "needs python3"))
    func probeCSVRoundTrip() throws {
        let folder = Binary.workspace()
        let export = try Binary.run(["scenarios", "show", "--model", "llama-3.2-1b", "--format", "json"], in: folder)
        #expect(export.status == 0, "\(export.stderr)")
        try export.stdout.write(to: folder.appendingPathComponent("llama-3.2-1b.json"), atomically: true, encoding: .utf8)
        let load = """
            import importlib.util, json, sys
            spec = importlib.util.spec_from_file_location("probe", sys.argv[1]); probe = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(probe)
            arch = probe.apply_overrides(json.load(open("llama-3.2-1b.json")), dict(layers=2, hidden=256, mlp=512, heads=4, kv_heads=2, vocab=1024, head_dim=None))
            """
        let first = try Self.python(["-c", load + "\nprint(probe.model_column(arch, 'probe.csv'))", Self.probe], in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        let archFile = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let architecture = try ModelArchitecture.read(try Data(contentsOf: folder.appendingPathComponent(archFile)), file: archFile, name: "tiny")
        #expect(architecture.layers == 2 && architecture.hidden == 256 && architecture.headDim == 64)

        let truth = StepCurve(gemmEfficiencyMax: 0.002, halfEfficiencyTokens: 200, stepOverheadSeconds: 0.05)
        let catalog = try Catalog.bundled()
        var rows: [[Double]] = []
        for (microBatch, sequence) in [(1, 64), (2, 64), (1, 128), (2, 128)] {
            var spec = JobSpec(model: archFile)
            spec.microBatch = microBatch
            spec.sequenceLength = sequence
            let resolved = try spec.resolve(in: catalog, architecture: architecture)
            var device = resolved.gpu
            device.stepCurve = truth
            rows.append([Double(microBatch), Double(sequence), resolved.stepTime().throughput(resolved.job, gpu: device).tokensPerSecondPerGPU])
        }
        let rates = String(decoding: try JSONSerialization.data(withJSONObject: rows), as: UTF8.self)
        let write = load + "\n" + """
            rows = [probe.csv_row(probe.model_column(arch, "probe.csv"), "lora", 16, probe.PROJECTIONS, "a100-80gb", 1, int(mb), 1, int(seq), False, "hf", rate, None)
                    for mb, seq, rate in json.loads(sys.argv[2])]
            probe.write_csv(rows, "probe.csv")
            """
        let second = try Self.python(["-c", write, Self.probe, rates], in: folder)
        #expect(second.status == 0, "\(second.stderr)")
        let csv = try String(contentsOf: folder.appendingPathComponent("probe.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("model,method,rank,targets,gpu,gpus,micro_batch,gradient_accumulation,sequence_length,gradient_checkpointing,stack,tokens_per_second_per_gpu,peak_memory_gib\n"))

        let document = try json(try Binary.run(["calibrate", "--import", "probe.csv", "--name", "tiny", "--format", "json", "--db", "p.sqlite"], in: folder))
        let parameters = try #require(document["parameters"] as? [String: Double])
        #expect(document["fitted"] as? [String] == ["gemm_efficiency_max", "half_efficiency_tokens", "step_overhead_seconds"])
        #expect(abs((parameters["gemm_efficiency_max"] ?? 0) / 0.002 - 1) < 0.01, "\(parameters)")
        #expect(abs((parameters["half_efficiency_tokens"] ?? 0) / 200 - 1) < 0.01, "\(parameters)")
        #expect(abs((parameters["step_overhead_seconds"] ?? 0) / 0.05 - 1) < 0.01, "\(parameters)")
    }

    @Test(.enabled(if: CalibrateImportCommandTests.pythonAvailable, "needs python3"))
    func probeRefusesWithoutItsDependenciesOrAGPUName() throws {
        let folder = Binary.workspace()
        let noGPU = try Self.python([Self.probe, "--model", "llama-3.2-1b", "--device", "cpu"], in: folder)
        #expect(noGPU.status == 2 && noGPU.stderr.contains("--device cpu needs --gpu"), "\(noGPU.stderr)")
        if !Self.torchAvailable {
            let noTorch = try Self.python([Self.probe, "--model", "llama-3.2-1b", "--device", "cpu", "--gpu", "a100-80gb"], in: folder)
            #expect(noTorch.status == 2 && noTorch.stderr.contains("torch is not installed"), "\(noTorch.stderr)")
        }
    }

    /// Needs torch, transformers and peft: the probe on the CPU with a 2-layer model writes a CSV
    /// that imports cleanly.
    @Test(.enabled(if: CalibrateImportCommandTests.torchAvailable, "needs torch, transformers and peft (pip install torch transformers peft)"))
    func probeOnCPUNeedsTorchAndImports() throws {
        let folder = Binary.workspace()
        let probe = try Self.python([Self.probe, "--model", "llama-3.2-1b", "--plan", Binary.url.path, "--layers", "2", "--hidden", "128",
                                     "--mlp", "256", "--heads", "4", "--kv-heads", "2", "--vocab", "512", "--device", "cpu", "--gpu", "a100-80gb",
                                     "--micro-batches", "1,2", "--sequence-lengths", "32,64", "--warmup", "1", "--steps", "2",
                                     "--output", "probe.csv"], in: folder)
        #expect(probe.status == 0, "\(probe.stderr)")
        let imported = try Binary.run(["calibrate", "--import", "probe.csv", "--name", "cpu", "--db", "p.sqlite"], in: folder)
        #expect(imported.status == 0, "\(imported.stderr)")
    }
}
