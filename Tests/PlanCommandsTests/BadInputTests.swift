import Foundation
import PlanStore
import Testing
@testable import PlanCommands

/// Bad input: one-line error naming the problem, exit 65/66, and no run stored.
struct BadInputTests {
    static let cases: [(String, String, String, String)] = [
        ("negative examples", "en: {examples: 5000", "en: {examples: -5000", "languages.en.examples"),
        ("mfu above 1", "stack: hf ", "stack: hf\n  mfu: 1.5 ", "hardware.mfu"),
        ("mfu NaN", "stack: hf ", "stack: hf\n  mfu: .nan ", "hardware.mfu"),
        ("epochs as a word", "epochs: 4 ", "epochs: four ", "finetune.epochs"),
        ("examples overflow", "en: {examples: 5000", "en: {examples: 1e400", "languages.en.examples"),
        ("unknown model", "model: llama-3.1-8b ", "model: llama-9 ", "unknown model"),
        ("version 99", "version: 1", "version: 99", "unsupported version"),
        ("unknown key", "pue: 1.1 ", "pue: 1.1\n  colour: red\n ", "hardware.colour"),
        ("tensor parallel 0", "gpus_per_job: auto ", "gpus_per_job: auto\n  tensor_parallel: 0 ", "at hardware.tensor_parallel: must be between 1 and 512"),
        ("tensor parallel 2.5", "gpus_per_job: auto ", "gpus_per_job: auto\n  tensor_parallel: 2.5 ", "at hardware.tensor_parallel: expected a whole number"),
        ("tensor parallel off the heads", "gpus_per_job: auto ", "gpus_per_job: auto\n  tensor_parallel: 3 ",
         "at hardware.tensor_parallel: tensor_parallel 3 does not divide llama-3.1-8b's 32 attention heads"),
        ("tensor parallel past a node", "gpus_per_job: auto ", "gpus_per_job: auto\n  tensor_parallel: 16 ",
         "at hardware.tensor_parallel: tensor_parallel 16 is more than the 8 GPUs of one a100-80gb node"),
        ("tensor parallel off gpus_per_job", "gpus_per_job: auto ", "gpus_per_job: 1\n  tensor_parallel: 2 ",
         "at hardware.tensor_parallel: tensor_parallel 2 does not divide gpus_per_job 1"),
    ]

    @Test(arguments: cases)
    func badScenarioExits65WithoutStoringARun(name: String, old: String, new: String, expected: String) throws {
        let folder = Binary.workspace()
        let text = try Binary.defaultScenario(in: folder)
        #expect(text.contains(old), "fixture drifted for \(name)")
        try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: folder.appendingPathComponent("bad.yaml"))
        let output = try Binary.run(["simulate", "bad.yaml"], in: folder)
        #expect(output.status == 65, "\(name): \(output.stderr)")
        #expect(output.stderr.contains("bad.yaml: error: ") && output.stderr.contains(expected), "\(name): \(output.stderr)")
        #expect(output.stderr.split(separator: "\n").count == 1, "\(name): \(output.stderr)")
        #expect(!output.stderr.contains("Fatal error") && output.stdout.isEmpty)
        try expectNoRun(folder)
    }

    @Test(arguments: [
        ("empty", Data(), 65),
        ("binary", Data((0..<256).map { UInt8(($0 * 73) % 256) }), 65),
        ("list", Data("- a\n- b\n".utf8), 65),
    ])
    func badFileExits65(name: String, contents: Data, status: Int32) throws {
        let folder = Binary.workspace()
        try contents.write(to: folder.appendingPathComponent("bad.yaml"))
        let output = try Binary.run(["simulate", "bad.yaml"], in: folder)
        #expect(output.status == status, "\(name): \(output.stderr)")
        #expect(output.stderr.hasPrefix("bad.yaml: error: "))
        try expectNoRun(folder)
    }

    @Test func missingFileExits66() throws {
        let folder = Binary.workspace()
        let output = try Binary.run(["simulate", "nothere.yaml"], in: folder)
        #expect(output.status == 66 && output.stderr.contains("no such file: nothere.yaml"))
        try expectNoRun(folder)
        #expect(try Binary.run(["scenarios", "check", "nothere.yaml"], in: folder).status == 66)
        #expect(try Binary.run(["scenarios", "show", "nothere"], in: folder).status == 66)
    }

    @Test func usageErrorsExit64() throws {
        let folder = Binary.workspace()
        #expect(try Binary.run(["simulate", "--trials", "-3"], in: folder).status == 64)
        #expect(try Binary.run(["estimate", "--model", "llama-3.1-8b"], in: folder).status == 64)
        #expect(try Binary.run(["estimate", "--model", "nope", "--tokens", "1e9"], in: folder).status == 64)
        #expect(try Binary.run(["estimate", "--model", "llama-3.1-8b", "--tokens", "1e9", "--mfu", "1.5"], in: folder).status == 64)
        #expect(try Binary.run(["frobnicate"], in: folder).status == 64)
    }

    /// A negative number after an option is that option's value, checked against its range
    /// (not "Missing value for '--tokens'", ArgumentParser's reading of `-5` as a flag).
    @Test(arguments: [
        (["estimate", "--model", "llama-3.1-8b", "--tokens", "-5"], "--tokens must be"),
        (["estimate", "--model", "llama-3.1-8b", "--tokens", "-1e3"], "--tokens must be"),
        (["estimate", "--model", "llama-3.1-8b", "--tokens", "1e9", "--mfu", "-.5"], "--mfu must be"),
        (["estimate", "--gpu-hours", "-5"], "--gpu-hours must be"),
        (["simulate", "--trials", "-3", "--no-plots"], "--trials"),
    ])
    func negativeNumbersGetTheRangeMessage(arguments: [String], message: String) throws {
        let output = try Binary.run(arguments, in: Binary.workspace())
        #expect(output.status == 64, "\(output.stderr)")
        #expect(output.stderr.contains(message) && !output.stderr.contains("Missing value"), "\(output.stderr)")
    }

    @Test func onlyANegativeNumberAfterALongOptionIsJoined() {
        #expect(NegativeValues.joiningNegativeValues(["estimate", "--tokens", "-5", "--gpus", "-2", "--", "--x", "-3"])
            == ["estimate", "--tokens=-5", "--gpus=-2", "--", "--x", "-3"])
        #expect(NegativeValues.joiningNegativeValues(["--tokens", "-h", "--mfu=-1", "-v", "-5", "--seed", "--", "-5"])
            == ["--tokens", "-h", "--mfu=-1", "-v", "-5", "--seed", "--", "-5"])
        #expect(NegativeValues.joiningNegativeValues(["--x", "-inf", "--y", "-1e-3"]) == ["--x=-inf", "--y=-1e-3"])
    }

    @Test func checkReportsEveryProblem() throws {
        let folder = Binary.workspace()
        let text = try Binary.defaultScenario(in: folder).replacingOccurrences(of: "stack: hf ", with: "stack: hf\n  mfu: 2 ")
            .replacingOccurrences(of: "epochs: 4 ", with: "epochs: x ")
        try Data(text.utf8).write(to: folder.appendingPathComponent("two.yaml"))
        let output = try Binary.run(["scenarios", "check", "two.yaml"], in: folder)
        #expect(output.status == 65)
        #expect(output.stderr.split(separator: "\n").count == 2)
        let good = try Binary.run(["scenarios", "check", "../\(folder.lastPathComponent)/two.yaml".replacingOccurrences(of: "two", with: "none")], in: folder)
        #expect(good.status == 66)
    }

    func expectNoRun(_ folder: URL) throws {
        let path = folder.appendingPathComponent("plan-runs.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else { return }
        #expect(try RunStore(path: path).count() == 0)
    }
}
