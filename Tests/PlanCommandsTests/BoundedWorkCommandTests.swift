import Foundation
import Testing

/// Issue 28, "hangs and super-linear work" and "crashes", end to end through the built binary:
/// each generated hostile input ends with exit 64 or 65 and a short message naming the limit
/// (never 70, 134 or a hang), and nothing is stored. Inputs are generated here, not kept as fixtures.
struct BoundedWorkCommandTests {
    static let small = HostileInputTests.scenario()

    func run(_ arguments: [String], files: [String: String] = [:]) throws -> (Binary.Output, URL) {
        let folder = Binary.workspace()
        for (name, text) in files { try Data(text.utf8).write(to: folder.appendingPathComponent(name)) }
        return (try Binary.run(arguments + ["--db", "p.sqlite"], in: folder), folder)
    }

    /// One short line per problem, and no database created.
    func expectRefused(_ output: Binary.Output, _ status: Int32, _ message: String, folder: URL,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(output.status == status, "\(output.stderr.prefix(500))", sourceLocation: sourceLocation)
        #expect(output.stderr.contains(message), "\(output.stderr.prefix(500))", sourceLocation: sourceLocation)
        #expect(output.stderr.count < 2_000, "\(output.stderr.count) bytes of diagnostics", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("p.sqlite").path), sourceLocation: sourceLocation)
    }

    /// 10^9 nodes behind one key: hours before, now refused (the stored-scenario path goes through the same loader).
    @Test(arguments: [["scenarios", "check", "s.yaml"], ["simulate", "s.yaml", "--no-plots"]])
    func anAliasKeyOfNestedListsIsRefused(arguments: [String]) throws {
        var lines = ["x0: &a0 [q, q, q, q, q, q, q, q, q, q]"]
        for level in 1...9 { lines.append("x\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]") }
        let (output, folder) = try run(arguments, files: ["s.yaml": Self.small + lines.joined(separator: "\n") + "\n*a9: 1\n"])
        expectRefused(output, 65, "an alias (*a9) is used in a mapping key", folder: folder)
    }

    @Test func fortyThousandLanguagesAreRefusedWhileReading() throws {
        let languages = (0..<40_000).map { "  l\($0): {examples: 100, tokens_per_example: 100}" }.joined(separator: "\n")
        let text = Self.small.replacingOccurrences(of: "languages:\n", with: "languages:\n" + languages + "\n")
        let (output, folder) = try run(["simulate", "s.yaml", "--no-plots"], files: ["s.yaml": text])
        expectRefused(output, 65, "40002 languages, more than the limit of 10000", folder: folder)
    }

    @Test func aSweepBeyondItsTotalWorkIsRefusedUpFront() throws {
        let (output, folder) = try run(["sweep", "s.yaml", "--vary", "languages.count=1:10000:1", "--no-plots", "--no-tornado"],
                                       files: ["s.yaml": Self.small])
        expectRefused(output, 65, "more than the limit of 5000000 per sweep", folder: folder)
    }

    @Test func listsOfBadNamesPrintAFewLines() throws {
        let names = (0..<900).map { "bad\($0)" }.joined(separator: ", ")
        func targets(_ names: String) -> String {
            Self.small.replacingOccurrences(of: "finetune: {epochs: 2}", with: "finetune: {epochs: 2, targets: [\(names)]}")
        }
        let (output, folder) = try run(["scenarios", "check", "s.yaml"], files: ["s.yaml": targets(names)])
        expectRefused(output, 65, "and 890 more problems", folder: folder)
        #expect(output.stderr.split(separator: "\n").count == 11)
        let long = Array(repeating: "bad", count: 200_000).joined(separator: ", ")
        let (listed, listedFolder) = try run(["scenarios", "check", "s.yaml"], files: ["s.yaml": targets(long)])
        expectRefused(listed, 65, "200000 names, more than the limit of 1000 in one list", folder: listedFolder)
    }

    @Test func scenarioFilesAreBoundedInSize() throws {
        let text = Self.small + "description: " + String(repeating: "x", count: 9 << 20) + "\n"
        let (output, folder) = try run(["scenarios", "check", "s.yaml"], files: ["s.yaml": text])
        expectRefused(output, 65, "s.yaml: the file is larger than the limit of 8 MiB", folder: folder)
    }

    static let csvRow = "llama-3.1-8b,lora,16,q_proj;v_proj,a100-80gb,1,1,1,2048,true,hf,2650.5,\n"
    static let facts = ["--model", "llama-3.1-8b", "--method", "lora", "--gpu", "a100-80gb"]

    @Test func importsAreBoundedInRowsAndBytes() throws {
        let header = "model,method,rank,targets,gpu,gpus,micro_batch,gradient_accumulation,sequence_length,gradient_checkpointing,stack,tokens_per_second_per_gpu,peak_memory_gib\n"
        let (rows, rowsFolder) = try run(["calibrate", "--import", "p.csv", "--name", "x"],
                                         files: ["p.csv": header + String(repeating: Self.csvRow, count: 5_000)])
        expectRefused(rows, 65, "p.csv:line 1002: more than the limit of 1000 measured runs in one import", folder: rowsFolder)
        // 70 MB (a million rows) is refused by its size before it is parsed.
        let (bytes, bytesFolder) = try run(["calibrate", "--import", "p.csv", "--name", "x"],
                                           files: ["p.csv": header + String(repeating: Self.csvRow, count: 1_000_000)])
        expectRefused(bytes, 65, "p.csv: the file is larger than the limit of 64 MiB", folder: bytesFolder)
    }

    /// "inf in JSON write" (exit 70), an infinite rate stored with exit 0, `true` read as 1.0, a
    /// 100,000-character value printed whole: each is now a short exit 65 that stores nothing.
    @Test(arguments: [
        ("p.csv", "model,method,rank,targets,gpu,gpus,micro_batch,gradient_accumulation,sequence_length,gradient_checkpointing,stack,tokens_per_second_per_gpu,peak_memory_gib\n"
            + "llama-3.1-8b,lora,16,q_proj;v_proj,a100-80gb,1,1,1,2048,true,hf,1e308,\nllama-3.1-8b,lora,16,q_proj;v_proj,a100-80gb,1,2,1,2048,true,hf,1e-308,\n",
         "a measured run's MFU lies between 1e-07 and 1"),
        ("t.json", #"{"train_runtime": 1e-300, "num_input_tokens_seen": 1e300}"#, "is not a finite rate"),
        ("t.json", #"{"train_runtime": 100, "num_input_tokens_seen": true}"#, "field num_input_tokens_seen: expected a number, got true"),
        ("t.json", #"{"train_runtime": ""# + String(repeating: "x", count: 100_000) + #"", "num_input_tokens_seen": 5}"#, "(100000 characters)"),
    ])
    func extremeImportsAreRefused(file: String, text: String, message: String) throws {
        let (output, folder) = try run(["calibrate", "--import", file, "--name", "x"] + Self.facts, files: [file: text])
        expectRefused(output, 65, message, folder: folder)
    }

    @Test(arguments: [
        ["bench", "finetune", "--d-model", "16384", "--layers", "256", "--seq", "16384", "--rank", "4096", "--batch", "4096"],
        ["bench", "finetune", "--d-model", "8192", "--layers", "64", "--seq", "4096", "--batch", "64"],
        ["bench", "merge", "--tasks", "100000", "--elements", "100000000"],
        ["bench", "merge", "--tasks", "9223372036854775807", "--elements", "9223372036854775807"],
    ])
    func benchProductsAreCheckedBeforeAllocating(arguments: [String]) throws {
        let (output, folder) = try run(arguments)
        expectRefused(output, 64, "more than the limit of", folder: folder)
    }
}
