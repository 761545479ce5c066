import Foundation
import PlanStore
import Testing

/// The run database under concurrency and kill -9 (DESIGN §9).
struct StorageHardeningTests {
    /// Starts `plan` in the background; its stderr goes to `errors` (if given) for diagnosis.
    func start(_ arguments: [String], in folder: URL, errors: URL? = nil) throws -> Process {
        let process = Process()
        process.executableURL = Binary.url
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        if let errors {
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: errors)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    /// Eight writers racing on a file that does not exist yet (migrations race too), three times.
    @Test func eightConcurrentSimulationsAllLand() throws {
        let folder = Binary.workspace()
        for round in 0..<3 {
            let name = "shared-\(round).sqlite"
            let logs = (0..<8).map { folder.appendingPathComponent("err-\(round)-\($0).txt") }
            let processes = try logs.map { try start(["simulate", "--no-plots", "--db", name], in: folder, errors: $0) }
            for process in processes { process.waitUntilExit() }
            let messages = logs.compactMap { try? String(contentsOf: $0, encoding: .utf8) }.filter { !$0.isEmpty }
            #expect(processes.allSatisfy { $0.terminationStatus == 0 }, "round \(round): \(processes.map(\.terminationStatus)) \(messages)")
            let store = try RunStore(path: folder.appendingPathComponent(name).path)
            #expect(try store.count() == 8)
            #expect(try store.integrityCheck() == "ok")
        }
    }

    @Test func killNineLeavesNoPartialRun() throws {
        let folder = Binary.workspace()
        let scenario = try Binary.run(["scenarios", "show", "fifty-languages"], in: folder).stdout
        try Data(scenario.utf8).write(to: folder.appendingPathComponent("fifty.yaml"))
        #expect(try Binary.run(["simulate", "--no-plots", "--db", "k.sqlite"], in: folder).status == 0)
        for delay in [0.05, 0.2, 0.5] {
            // 100,000 trials of ~1,350 arrivals: long enough to be killed, within the trials × arrivals limit.
            let process = try start(["simulate", "fifty.yaml", "--trials", "100000", "--no-plots", "--db", "k.sqlite"], in: folder)
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
        }
        #expect(try Binary.run(["simulate", "--no-plots", "--db", "k.sqlite"], in: folder).status == 0)
        let store = try RunStore(path: folder.appendingPathComponent("k.sqlite").path)
        #expect(try store.integrityCheck() == "ok")
        #expect(try store.count() == 2)
        for run in try store.list() { #expect(try store.run(run.id).results.count == 6) }
    }
}
