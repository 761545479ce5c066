import Foundation
import PlanKernels
import PlanStore
import Testing

/// `plan merge` and `plan bench` end to end: the built binary on the PEFT golden adapters.
struct MergeCommandTests {
    /// The golden adapters shipped with the kernel tests.
    static let adapters = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../PlanKernelsTests/Fixtures/peft-merge/adapters").standardizedFileURL

    static func adapter(_ language: String) -> String { adapters.appendingPathComponent(language).path }

    /// Copies a golden adapter into `folder/name` (writable) and returns its path.
    static func copy(_ language: String, to folder: URL, as name: String) throws -> URL {
        let target = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        for file in ["adapter_model.safetensors", "adapter_config.json"] {
            let data = try Data(contentsOf: adapters.appendingPathComponent(language).appendingPathComponent(file))
            try data.write(to: target.appendingPathComponent(file))
        }
        return target
    }

    static func editWeights(_ adapter: URL, _ edit: (inout [UInt8]) -> Void) throws {
        let url = adapter.appendingPathComponent("adapter_model.safetensors")
        var bytes = [UInt8](try Data(contentsOf: url))
        edit(&bytes)
        try Data(bytes).write(to: url)
    }

    @Test func tiesMergeWritesAPEFTAdapterAndStoresARun() throws {
        let folder = Binary.workspace()
        let output = try Binary.run(
            ["merge", "--method", "ties", "--density", "0.5", Self.adapter("en"), Self.adapter("fr"), "--output", "merged"], in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("merged 2 adapters with ties in ") && output.stdout.contains(" s: 14 modules, rank 8"))
        #expect(output.stdout.contains("\(MergeKernels.fastest) merge kernels"))
        let merged = try LoRAAdapter.load(folder.appendingPathComponent("merged"))
        let expected = try LoRAAdapter.load(Self.adapters.appendingPathComponent("../expected/ties_pair_en_fr").standardizedFileURL)
        #expect(merged.config.rank == 8 && merged.config.alpha == 8)
        for (ours, theirs) in zip(merged.modules, expected.modules) {
            let difference = zip(ours.a.storage, theirs.a.storage).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +)
            let norm = theirs.a.storage.map { Double($0) * Double($0) }.reduce(0, +)
            #expect((difference / norm).squareRoot() <= 1e-5)
        }
        let runs = try RunStore(path: folder.appendingPathComponent("plan-runs.sqlite").path).list(kind: .merge)
        #expect(runs.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".merged") }.isEmpty)
    }

    struct BadMerge: Sendable, CustomTestStringConvertible {
        let name: String
        let status: Int32
        let message: String
        /// Prepares inputs in the folder and returns the arguments.
        let arguments: @Sendable (URL) throws -> [String]
        var testDescription: String { name }
    }

    static let badMerges: [BadMerge] = [
        BadMerge(name: "unknown method", status: 64, message: "unknown merge method 'average'") { _ in
            ["merge", "--method", "average", adapter("en"), adapter("fr"), "--output", "out"]
        },
        BadMerge(name: "negative density", status: 64, message: "density must be") { _ in
            ["merge", "--method", "ties", "--density=-0.5", adapter("en"), adapter("fr"), "--output", "out"]
        },
        BadMerge(name: "weights count differs from adapters", status: 64, message: "3 weights for 2 adapters") { _ in
            ["merge", "--method", "linear", "--weights", "1,0.5,2", adapter("en"), adapter("fr"), "--output", "out"]
        },
        BadMerge(name: "missing adapter folder", status: 66, message: "no such adapter folder") { _ in
            ["merge", "--method", "linear", adapter("en"), "nowhere", "--output", "out"]
        },
        BadMerge(name: "missing adapter_config.json", status: 66, message: "missing adapter_config.json") { folder in
            let bad = try copy("fr", to: folder, as: "bad")
            try FileManager.default.removeItem(at: bad.appendingPathComponent("adapter_config.json"))
            return ["merge", "--method", "linear", adapter("en"), bad.path, "--output", "out"]
        },
        BadMerge(name: "empty safetensors", status: 65, message: "empty file") { folder in
            let bad = try copy("fr", to: folder, as: "bad")
            try editWeights(bad) { $0 = [] }
            return ["merge", "--method", "linear", adapter("en"), bad.path, "--output", "out"]
        },
        BadMerge(name: "truncated safetensors", status: 65, message: "outside") { folder in
            let bad = try copy("fr", to: folder, as: "bad")
            try editWeights(bad) { $0.removeLast($0.count / 3) }
            return ["merge", "--method", "linear", adapter("en"), bad.path, "--output", "out"]
        },
        BadMerge(name: "header length beyond the file", status: 65, message: "beyond the end") { folder in
            let bad = try copy("fr", to: folder, as: "bad")
            try editWeights(bad) { $0[5] = 0x7F }
            return ["merge", "--method", "linear", adapter("en"), bad.path, "--output", "out"]
        },
        BadMerge(name: "non-json header", status: 65, message: "not a json object") { folder in
            let bad = try copy("fr", to: folder, as: "bad")
            try editWeights(bad) { $0[8] = UInt8(ascii: "x") }
            return ["merge", "--method", "linear", adapter("en"), bad.path, "--output", "out"]
        },
        BadMerge(name: "nan in a tensor", status: 65, message: "nan or inf") { folder in
            let bad = try copy("fr", to: folder, as: "bad")
            try editWeights(bad) { bytes in
                let headerLength = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
                bytes.replaceSubrange((8 + headerLength)..<(12 + headerLength), with: [0x00, 0x00, 0xC0, 0x7F])
            }
            return ["merge", "--method", "linear", adapter("en"), bad.path, "--output", "out"]
        },
        BadMerge(name: "rank that disagrees with the tensors", status: 65, message: "do not match r = 4") { folder in
            let bad = try copy("fr", to: folder, as: "bad")
            let config = bad.appendingPathComponent("adapter_config.json")
            let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "\"r\": 8", with: "\"r\": 4")
            try Data(text.utf8).write(to: config)
            return ["merge", "--method", "linear", adapter("en"), bad.path, "--output", "out"]
        },
        BadMerge(name: "ranks that differ for a factor-level method", status: 65, message: "equal rank") { folder in
            let en = try LoRAAdapter.load(URL(fileURLWithPath: adapter("en")))
            var small = en
            small.config = en.config.merged(rank: 4, targetModules: en.config.targetModules)
            small.modules = try en.modules.map { try LoRAModule(name: $0.name, a: $0.a.rows(0..<4), b: $0.b.columns(0..<4)) }
            try AdapterWriter.write(small, to: folder.appendingPathComponent("small"))
            return ["merge", "--method", "ties", "--density", "0.5", adapter("en"), "small", "--output", "out"]
        },
        BadMerge(name: "shapes that differ between adapters", status: 65, message: "same base model") { folder in
            let en = try LoRAAdapter.load(URL(fileURLWithPath: adapter("en")))
            var other = en
            other.modules[0] = try LoRAModule(name: en.modules[0].name, a: en.modules[0].a.columns(0..<10), b: en.modules[0].b)
            try AdapterWriter.write(other, to: folder.appendingPathComponent("other"))
            return ["merge", "--method", "linear", adapter("en"), "other", "--output", "out"]
        },
        BadMerge(name: "density above 1", status: 64, message: "density must be > 0 and ≤ 1") { _ in
            ["merge", "--method", "ties", "--density", "1.5", adapter("en"), adapter("fr"), "--output", "out"]
        },
        BadMerge(name: "density 0 for magnitude pruning", status: 64, message: "density must be > 0 and ≤ 1") { _ in
            ["merge", "--method", "magnitude_prune", "--density", "0", adapter("en"), adapter("fr"), "--output", "out"]
        },
        BadMerge(name: "lora_alpha 1e308 overflows the merged weights", status: 65, message: "not finite") { folder in
            let bad = try copy("fr", to: folder, as: "bad")
            let config = bad.appendingPathComponent("adapter_config.json")
            let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "\"lora_alpha\": 16", with: "\"lora_alpha\": 1e308")
            try Data(text.utf8).write(to: config)
            return ["merge", "--method", "linear", adapter("en"), bad.path, "--output", "out"]
        },
        BadMerge(name: "inputs near 3e38 overflow the sum", status: 65, message: "not finite") { folder in
            var big = try LoRAAdapter.load(URL(fileURLWithPath: adapter("en")))
            big.modules = try big.modules.map { module in
                // Every B entry scaled so that the largest is 3e38 (finite as float32, but two of them overflow).
                let peak = module.b.storage.map { abs($0) }.max() ?? 0
                let scaled = module.b.storage.map { peak > 0 ? $0 / peak * 3e38 : 3e38 }
                return try LoRAModule(name: module.name, a: module.a, b: Matrix(rows: module.b.rows, columns: module.b.columns, columnMajor: scaled))
            }
            try AdapterWriter.write(big, to: folder.appendingPathComponent("big"))
            return ["merge", "--method", "linear", "big", "big", "--output", "out"]
        },
        BadMerge(name: "svd on a 200000 × 200000 dense delta", status: 65, message: "limit of 2147483648 elements") { folder in
            let en = try LoRAAdapter.load(URL(fileURLWithPath: adapter("en")))
            var wide = en
            wide.config = en.config.merged(rank: 1, targetModules: en.config.targetModules)
            wide.modules = [try LoRAModule(name: en.modules[0].name, a: Matrix(zeros: 1, 200_000), b: Matrix(zeros: 200_000, 1))]
            try AdapterWriter.write(wide, to: folder.appendingPathComponent("wide"))
            return ["merge", "--method", "svd", "wide", "wide", "--output", "out"]
        },
        BadMerge(name: "svd rank above min(out, in)", status: 65, message: "exceeds min(out, in)") { _ in
            ["merge", "--method", "svd", "--svd-rank", "100000", adapter("en"), adapter("fr"), "--output", "out"]
        },
        BadMerge(name: "another base model with --strict", status: 65, message: "base model 'other-base'") { folder in
            let bad = try copy("fr", to: folder, as: "bad")
            let config = bad.appendingPathComponent("adapter_config.json")
            let text = try String(contentsOf: config, encoding: .utf8)
                .replacingOccurrences(of: "\"base_model_name_or_path\": \"base\"", with: "\"base_model_name_or_path\": \"other-base\"")
            try Data(text.utf8).write(to: config)
            return ["merge", "--strict", "--method", "linear", adapter("en"), bad.path, "--output", "out"]
        },
        BadMerge(name: "output under a missing folder", status: 73, message: "cannot create output") { _ in
            ["merge", "--method", "linear", adapter("en"), adapter("fr"), "--output", "missing/deeper/out"]
        },
        BadMerge(name: "output folder already full", status: 73, message: "already exists") { folder in
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("out"), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: folder.appendingPathComponent("out/keep.txt"))
            return ["merge", "--method", "linear", adapter("en"), adapter("fr"), "--output", "out"]
        },
    ]

    @Test(arguments: badMerges)
    func badMergeFailsCleanly(_ bad: BadMerge) throws {
        let folder = Binary.workspace()
        let arguments = try bad.arguments(folder)
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        let output = try Binary.run(arguments, in: folder)
        #expect(output.status == bad.status, "\(bad.name): \(output.stderr)")
        #expect(output.stderr.contains(bad.message), "\(bad.name): \(output.stderr)")
        #expect(!output.stderr.contains("Fatal error") && output.stdout.isEmpty, "\(bad.name): \(output.stdout)")
        if bad.status != 64 {
            #expect(output.stderr.split(separator: "\n").count == 1, "\(bad.name): \(output.stderr)")
        }
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(after.subtracting(before).filter { !$0.hasPrefix(".std") }.isEmpty, "\(bad.name) left \(after.subtracting(before))")
        if bad.name != "output folder already full" {
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
        }
    }

    @Test func differingBaseModelsAndTargetsWarnAndStaleStagingIsSwept() throws {
        let folder = Binary.workspace()
        let other = try Self.copy("fr", to: folder, as: "other")
        let config = other.appendingPathComponent("adapter_config.json")
        let text = try String(contentsOf: config, encoding: .utf8)
            .replacingOccurrences(of: "\"base_model_name_or_path\": \"base\"", with: "\"base_model_name_or_path\": \"other-base\"")
            .replacingOccurrences(of: "\"o_proj\"\n", with: "\"o_proj\", \"lm_head\"\n")
        try Data(text.utf8).write(to: config)
        // A folder a killed merge left (pid 4194305 cannot exist on Linux: pid_max ≤ 2^22).
        let stale = folder.appendingPathComponent(".out.partial-4194305-dead")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        let output = try Binary.run(["merge", "--method", "linear", Self.adapter("en"), other.path, "--output", "out"], in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("warning: ") && output.stderr.contains("'other-base'") && output.stderr.contains("lm_head"), "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stale.path))
    }

    @Test func benchMergeAndGEMMPrintJSON() throws {
        let folder = Binary.workspace()
        let merge = try Binary.run(
            ["bench", "merge", "--method", "ties", "--density", "0.5", "--tasks", "3", "--elements", "100000",
             "--repetitions", "1", "--format", "json"], in: folder)
        #expect(merge.status == 0, "\(merge.stderr)")
        let mergeJSON = try #require(try JSONSerialization.jsonObject(with: Data(merge.stdout.utf8)) as? [String: Any])
        for key in ["seconds", "gb_per_s", "peak_fraction", "stream_multiple", "kernels", "portable_seconds", "blas_core", "threads"] {
            #expect(mergeJSON[key] != nil, "\(key)")
        }
        #expect(mergeJSON["kernels"] as? String == MergeKernels.fastest.rawValue)
        #expect(try Binary.run(["bench", "merge", "--kernels", "sse9"], in: folder).status == 64)
        let gemm = try Binary.run(["bench", "gemm", "--size", "64", "--repetitions", "1", "--format", "json"], in: folder)
        #expect(gemm.status == 0, "\(gemm.stderr)")
        let gemmJSON = try #require(try JSONSerialization.jsonObject(with: Data(gemm.stdout.utf8)) as? [String: Any])
        for key in ["seconds", "gflops", "peak_fraction", "peak_method", "blas_core", "threads"] { #expect(gemmJSON[key] != nil, "\(key)") }
        #expect(try Binary.run(["bench", "merge", "--method", "cat"], in: folder).status == 64)
        // Both benchmarks are stored as runs, and their JSON names the run.
        #expect(mergeJSON["run_id"] as? Int == 1 && gemmJSON["run_id"] as? Int == 2)
        let runs = try RunStore(path: folder.appendingPathComponent("plan-runs.sqlite").path).list(kind: .bench)
        #expect(runs.count == 2)
        // The run records the kernels that were timed, not the fastest available.
        let portable = try Binary.run(
            ["bench", "merge", "--kernels", "portable", "--tasks", "2", "--elements", "5000", "--repetitions", "1", "--format", "json"],
            in: folder)
        #expect(portable.status == 0, "\(portable.stderr)")
        let portableRun = try RunStore(path: folder.appendingPathComponent("plan-runs.sqlite").path).run(3)
        #expect(portableRun.machine?.contains("\"merge_kernels\":\"portable\"") == true, "\(portableRun.machine ?? "")")
        let unwritable = try Binary.run(["bench", "gemm", "--size", "64", "--db", "/nonexistent/dir/runs.sqlite"], in: folder)
        #expect(unwritable.status == 73 && unwritable.stdout.isEmpty && unwritable.stderr.contains("cannot open run database"))
    }
}
