import Foundation
import PlanStore
import Testing

/// The run database under concurrency and kill -9 (DESIGN §9).
struct StorageHardeningTests {
    func start(_ arguments: [String], in folder: URL) throws -> Process {
        let process = Process()
        process.executableURL = Binary.url
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Eight writers racing on a file that does not exist yet (migrations race too), three times.
    @Test func eightConcurrentSimulationsAllLand() throws {
        let folder = Binary.workspace()
        for round in 0..<3 {
            let name = "shared-\(round).sqlite"
            let processes = try (0..<8).map { _ in try start(["simulate", "--no-plots", "--db", name], in: folder) }
            for process in processes { process.waitUntilExit() }
            #expect(processes.allSatisfy { $0.terminationStatus == 0 }, "round \(round): \(processes.map(\.terminationStatus))")
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
            let process = try start(["simulate", "fifty.yaml", "--trials", "1000000", "--no-plots", "--db", "k.sqlite"], in: folder)
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
