import PlanCore
import Foundation
import GRDB
import PlanKernels
import PlanStore
import PlanTestSupport
import Testing

/// `plan merge` outputs (issue 28): the database is checked before anything is written, the
/// output is published by one exclusive rename (of racing merges into one folder exactly one
/// wins and no finished adapter is removed), and inputs that readers disagree on are refused.
struct MergeOutputTests {
    typealias BadMerge = MergeCommandTests.BadMerge
    static func adapter(_ language: String) -> String { MergeCommandTests.adapter(language) }

    /// `bytes` (a safetensors file) with its first tensor's entry written twice in the header.
    static func duplicatingFirstTensor(_ bytes: inout [UInt8]) {
        let length = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        let header = Data(bytes[8..<(8 + length)])
        guard let entries = try? JSONSerialization.jsonObject(with: header) as? [String: Any],
            let name = entries.keys.sorted().first(where: { $0 != "__metadata__" }), let entry = entries[name],
            let encoded = try? JSONSerialization.data(withJSONObject: entry),
            let key = try? JSONSerialization.data(withJSONObject: [name]) else { return }
        // `["name"]` → `"name"`: the key exactly as JSON writes it.
        let duplicate = Array(key.dropFirst().dropLast()) + Array(":".utf8) + Array(encoded) + Array(",".utf8)
        var newHeader = [UInt8](header)
        newHeader.insert(contentsOf: duplicate, at: 1)
        let newLength = UInt64(newHeader.count)
        bytes = (0..<8).map { UInt8(truncatingIfNeeded: newLength >> (8 * UInt64($0))) } + newHeader + Array(bytes[(8 + length)...])
    }

    static let badMerges: [BadMerge] = [
        BadMerge(name: "a key twice in adapter_config.json", status: 65, message: "appears twice") { folder in
            let bad = try MergeCommandTests.copy("fr", to: folder, as: "bad")
            let config = bad.appendingPathComponent("adapter_config.json")
            // PEFT (Python's json) reads the last value: 400, where the first-wins reading saw 16.
            let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "\"lora_alpha\": 16", with: "\"lora_alpha\": 16, \"lora_alpha\": 400")
            try Data(text.utf8).write(to: config)
            return ["merge", "--method", "linear", adapter("en"), bad.path, "--output", "out"]
        },
        BadMerge(name: "a key twice through an escape", status: 65, message: "appears twice") { folder in
            let bad = try MergeCommandTests.copy("fr", to: folder, as: "bad")
            let config = bad.appendingPathComponent("adapter_config.json")
            let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "\"r\": 8", with: "\"r\": 8, \"\\u0072\": 4")
            try Data(text.utf8).write(to: config)
            return ["merge", "--method", "linear", adapter("en"), bad.path, "--output", "out"]
        },
        BadMerge(name: "a tensor name twice in the safetensors header", status: 65, message: "twice") { folder in
            let bad = try MergeCommandTests.copy("fr", to: folder, as: "bad")
            try MergeCommandTests.editWeights(bad, duplicatingFirstTensor)
            return ["merge", "--method", "linear", adapter("en"), bad.path, "--output", "out"]
        },
        BadMerge(name: "an empty (0 × 0) module", status: 65, message: "is empty") { folder in
            var empty = try LoRAAdapter.load(URL(fileURLWithPath: adapter("en")))
            let rank = empty.config.rank
            empty.modules[0] = try LoRAModule(name: empty.modules[0].name, a: Matrix(zeros: rank, 0), b: Matrix(zeros: 0, rank))
            try AdapterWriter.write(empty, to: folder.appendingPathComponent("empty"))
            return ["merge", "--method", "linear", adapter("en"), "empty", "--output", "out"]
        },
        BadMerge(name: "a database with a trigger", status: 65, message: "did not create") { folder in
            let path = folder.appendingPathComponent("crafted.sqlite").path
            try RunStore(path: path).record(NewRun(kind: .bench, startedAt: Date(), finishedAt: Date(), toolVersion: "t")) { _ in "{}" }
            try DatabaseQueue(path: path).write { try $0.execute(sql: "CREATE TRIGGER t AFTER INSERT ON run BEGIN DELETE FROM run; END") }
            return ["merge", "--method", "linear", adapter("en"), adapter("fr"), "--output", "out", "--db", "crafted.sqlite"]
        },
        BadMerge(name: "a database in a missing folder", status: 73, message: "does not exist") { _ in
            ["merge", "--method", "linear", adapter("en"), adapter("fr"), "--output", "out", "--db", "missing/runs.sqlite"]
        },
        BadMerge(name: "a FIFO as the database", status: 65, message: "a FIFO") { folder in
            #expect(mkfifo(folder.appendingPathComponent("fifo").path, 0o600) == 0)
            return ["merge", "--method", "linear", adapter("en"), adapter("fr"), "--output", "out", "--db", "fifo"]
        },
        BadMerge(name: "an output named ..", status: 73, message: "not . or ..") { _ in
            ["merge", "--method", "linear", adapter("en"), adapter("fr"), "--output", "out/.."]
        },
    ]

    @Test(arguments: badMerges) func badMergeFailsCleanly(_ bad: BadMerge) throws {
        try MergeCommandTests().badMergeFailsCleanly(bad)
    }

    @Test func racingMergesIntoOneEmptyFolderPublishExactlyOne() throws {
        let folder = Binary.workspace()
        for round in 0..<2 {
            let output = "out-\(round)"
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(output), withIntermediateDirectories: false)
            let logs = (0..<8).map { folder.appendingPathComponent("err-\(round)-\($0).txt") }
            let processes = try logs.enumerated().map { index, log in
                try StorageHardeningTests().start(
                    ["merge", "--method", "linear", "--weights", "1,\(index + 1)", Self.adapter("en"), Self.adapter("fr"), "--output", output,
                     "--db", "r.sqlite"], in: folder, errors: log)
            }
            for process in processes { process.waitUntilExit() }
            let statuses = processes.map(\.terminationStatus)
            let messages = logs.map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" }
            #expect(statuses.filter { $0 == 0 }.count == 1, "\(statuses) \(messages)")
            #expect(statuses.allSatisfy { $0 == 0 || $0 == 73 }, "\(statuses) \(messages)")
            for (status, message) in zip(statuses, messages) where status == 73 { #expect(message.contains("already exists"), "\(message)") }
            // The one folder left is the winner's, whole; the database holds exactly its run.
            let winner = try #require(statuses.firstIndex(of: 0))
            let merged = try LoRAAdapter.load(folder.appendingPathComponent(output))
            let expected = try AdapterMerger.merge(
                [try LoRAAdapter.load(URL(fileURLWithPath: Self.adapter("en"))), try LoRAAdapter.load(URL(fileURLWithPath: Self.adapter("fr")))],
                options: MergeOptions(method: try MergeMethod.named("linear"), weights: [1, Double(winner + 1)])).adapter
            #expect(merged.modules == expected.modules)
            let runs = try RunStore(path: folder.appendingPathComponent("r.sqlite").path).list(kind: .merge)
            #expect(runs.count == round + 1)
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".partial-") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func aFinishedAdapterIsNeverRemoved() throws {
        let folder = Binary.workspace()
        let first = try Binary.run(["merge", "--method", "linear", Self.adapter("en"), Self.adapter("fr"), "--output", "out"], in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        let before = try Data(contentsOf: folder.appendingPathComponent("out/adapter_model.safetensors"))
        let second = try Binary.run(["merge", "--method", "ties", "--density", "0.5", Self.adapter("en"), Self.adapter("fr"), "--output", "out"], in: folder)
        #expect(second.status == 73 && second.stderr.contains("already exists"), "\(second.stderr)")
        #expect(try Data(contentsOf: folder.appendingPathComponent("out/adapter_model.safetensors")) == before)
        #expect(try RunStore(path: folder.appendingPathComponent("plan-runs.sqlite").path).list(kind: .merge).count == 1)
    }
}
