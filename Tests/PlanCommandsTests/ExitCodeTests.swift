import ArgumentParser
import Foundation
import PlanCore
import PlanKernels
import PlanReport
import PlanStore
import PlanValidate
import Testing
@testable import PlanCommands

/// `Exit.code(for:)` maps every library's error cases to the documented exit codes (64 usage,
/// 65 invalid data, 66 missing input, 70 internal, 73 cannot create output), whatever command
/// they come through.
struct ExitCodeTests {
    static let diagnostics = ScenarioDiagnostics(file: "s.yaml", diagnostics: [Diagnostic(path: "a", message: "bad")])

    static let cases: [(String, any Error, Int32)] = [
        ("scenario diagnostics", diagnostics, 65),
        ("PlanCoreError.invalidScenario", PlanCoreError.invalidScenario(diagnostics), 65),
        ("PlanCoreError.workLimit", PlanCoreError.workLimit("too many"), 65),
        ("PlanCoreError.invalidRunLog", PlanCoreError.invalidRunLog("log"), 65),
        ("PlanCoreError.invalidModelConfig", PlanCoreError.invalidModelConfig("config.json", "no layers"), 65),
        ("PlanCoreError.unknownScenario", PlanCoreError.unknownScenario("x", known: []), 66),
        ("PlanCoreError.unknownModel", PlanCoreError.unknownModel("x", known: []), 64),
        ("PlanCoreError.unknownGPU", PlanCoreError.unknownGPU("x", known: []), 64),
        ("PlanCoreError.invalidArgument", PlanCoreError.invalidArgument("x"), 64),
        ("PlanCoreError.catalog", PlanCoreError.catalog("models.yaml"), 70),
        ("StoreError.cannotOpen", StoreError.cannotOpen(path: "db", reason: "r"), 73),
        ("StoreError.failed", StoreError.failed("disk full"), 73),
        ("StoreError.newerSchema", StoreError.newerSchema(path: "db", unknown: ["t"]), 65),
        ("StoreError.notADatabase", StoreError.notADatabase(path: "db", reason: "r"), 65),
        ("StoreError.badCell", StoreError.badCell(table: "runs", row: 1, column: "c", found: "x", expected: "y"), 65),
        ("StoreError.noSuchRun", StoreError.noSuchRun(4), 66),
        ("StoreError.notARegularFile", StoreError.notARegularFile(path: "db", reason: "a FIFO"), 65),
        ("StoreError.noDatabase", StoreError.noDatabase(path: "db"), 66),
        ("ReportError.unreadableRun", ReportError.unreadableRun(reason: "r"), 65),
        ("ReportError.gnuplotMissing", ReportError.gnuplotMissing, 73),
        ("ReportError.gnuplotFailed", ReportError.gnuplotFailed(status: 1, message: "m"), 73),
        ("ReportError.cannotWrite", ReportError.cannotWrite(path: "p", reason: "r"), 73),
        ("KernelError.invalidArgument", KernelError.invalidArgument("x"), 64),
        ("KernelError.invalidData", KernelError.invalidData(path: "a", reason: "r"), 65),
        ("KernelError.shapeMismatch", KernelError.shapeMismatch("x"), 65),
        ("KernelError.missingInput", KernelError.missingInput(path: "a", reason: "r"), 66),
        ("KernelError.cannotCreateOutput", KernelError.cannotCreateOutput(path: "a", reason: "r"), 73),
        ("KernelError.lapackFailure", KernelError.lapackFailure(routine: "sgesdd", info: 3), 70),
        ("ValidateError.invalidArgument", ValidateError.invalidArgument("x"), 64),
        ("ValidateError.kernelFailure", ValidateError.kernelFailure("x"), 70),
        ("CommandError.missingFile", CommandError.missingFile("f"), 66),
        ("CommandError.unreadableFile", CommandError.unreadableFile("f", "r"), 66),
        ("CommandError.usage", CommandError.usage("u"), 64),
        ("CommandError.cannotCreate", CommandError.cannotCreate("f", "r"), 73),
        ("ArgumentParser ValidationError", ValidationError("--x must be positive"), 64),
        ("DecodingError", DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "bad")), 65),
        ("CocoaError read", CocoaError(.fileReadNoSuchFile), 66),
        ("CocoaError corrupt", CocoaError(.fileReadCorruptFile), 65),
        ("CocoaError write", CocoaError(.fileWriteOutOfSpace), 73),
        ("POSIX ENOENT", POSIXError(.ENOENT), 66),
        ("POSIX EACCES", POSIXError(.EACCES), 73),
        ("an unknown error", CancellationError(), 70),
    ]

    @Test("each library error maps to its documented exit code", arguments: cases)
    func documentedCode(_ name: String, _ error: any Error, _ code: Int32) {
        #expect(Exit.code(for: error) == code, "\(name)")
    }

    /// The errors Foundation itself throws for a missing input and an unwritable output.
    @Test func foundationFileErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exit-codes-\(UUID().uuidString)")
        let missing = folder.appendingPathComponent("nothere.yaml")
        do {
            _ = try String(contentsOf: missing, encoding: .utf8)
            Issue.record("reading a missing file succeeded")
        } catch {
            #expect(Exit.code(for: error) == 66, "\(error)")
        }
        do {
            try Data("x".utf8).write(to: folder.appendingPathComponent("no-folder/out.txt"))
            Issue.record("writing into a missing folder succeeded")
        } catch {
            #expect([66, 73].contains(Exit.code(for: error)), "\(error)")
        }
    }

    /// `guarded` passes the mapped code on as the process's exit code.
    @Test func guardedExitsWithTheMappedCode() {
        #expect(throws: ExitCode(65)) { try guarded { throw KernelError.invalidData(path: "a", reason: "r") } }
        #expect(throws: ExitCode(64)) { try guarded { throw ValidateError.invalidArgument("x") } }
        #expect(throws: ExitCode(3)) { try guarded { throw ExitCode(3) } }
    }
}
