import Foundation
import Testing
@testable import PlanKernels
import PlanRandom

/// Seeded mutation fuzzing of the safetensors reader and the adapter-config parser: every
/// mutated file gives tensors or a `KernelError`, never a crash. The suite runs 2,000 of each;
/// `PLAN_FUZZ_ITERATIONS=100000 swift test -c release --filter SafetensorsFuzzTests` for a long run.
struct SafetensorsFuzzTests {
    static var iterations: Int { Int(ProcessInfo.processInfo.environment["PLAN_FUZZ_ITERATIONS"] ?? "") ?? 2_000 }
    static let adapter = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/peft-merge/adapters/en")

    static func mutate(_ original: [UInt8], _ rng: inout Xoshiro256StarStar, headerLength: Int) -> [UInt8] {
        var bytes = original
        for _ in 0..<(1 + Int(rng.next() % 4)) {
            let choice = rng.next() % 7
            // Most mutations target the 8-byte length and the JSON header, where the parsing is.
            let limit = max(1, min(bytes.count, choice < 5 ? 8 + headerLength : bytes.count))
            let at = Int(rng.next() % UInt64(limit))
            switch choice {
            case 0 where !bytes.isEmpty: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            case 1 where !bytes.isEmpty: bytes[at] ^= 1 << UInt8(rng.next() % 8)
            case 2 where at < bytes.count:
                let digits = Array(["0", "9", "-1", "18446744073709551615", "1e9", "\"F16\"", "\"I64\"", "[]", "{}", "null"][Int(rng.next() % 10)].utf8)
                bytes.replaceSubrange(at..<min(bytes.count, at + 1 + Int(rng.next() % 4)), with: digits)
            case 3 where at < bytes.count: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(rng.next() % 16)))
            case 4: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: min(at, bytes.count))
            case 5 where at < 8 && bytes.count >= 8:  // a wild header length
                let value = rng.next() % 3 == 0 ? rng.next() : rng.next() % UInt64(bytes.count + 64)
                for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
            default: bytes.removeSubrange(min(at, bytes.count)...)  // truncate
            }
        }
        return bytes
    }

    @Test func mutatedSafetensorsNeverCrash() throws {
        let original = [UInt8](try Data(contentsOf: Self.adapter.appendingPathComponent("adapter_model.safetensors")))
        let headerLength = original.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        var rng = Xoshiro256StarStar(seed: 99)
        var decoded = 0
        var refused = 0
        for iteration in 0..<Self.iterations {
            let bytes = Self.mutate(original, &rng, headerLength: headerLength)
            do {
                let tensors = try SafetensorsFile.decode(bytes, path: "fuzz")
                for (_, tensor) in tensors { #expect(tensor.elements.count == tensor.shape.reduce(1, *), "iteration \(iteration)") }
                decoded += 1
            } catch is KernelError {
                refused += 1
            }
        }
        #expect(decoded + refused == Self.iterations && refused > 0)
    }

    @Test func mutatedAdapterConfigsNeverCrash() throws {
        let original = [UInt8](try Data(contentsOf: Self.adapter.appendingPathComponent("adapter_config.json")))
        var rng = Xoshiro256StarStar(seed: 7)
        for _ in 0..<Self.iterations {
            let bytes = Self.mutate(original, &rng, headerLength: original.count)
            do { _ = try AdapterConfig.parse(Data(bytes), path: "fuzz") } catch is KernelError {}
        }
    }
}
