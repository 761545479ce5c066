import Foundation
import Testing
@testable import PlanKernels
import PlanRandom

/// Seeded mutation fuzzing of the safetensors reader and the adapter-config parser: every
/// mutated file gives tensors (that round-trip) or the documented `KernelError.invalidData`, never a crash. The suite runs 2,000 of each;
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

    /// The documented refusal of a bad file: `KernelError.invalidData` labelled with the path given,
    /// with a one-line, lower-case reason (what `plan merge` prints before exiting 65).
    static func expectDocumentedRefusal(_ error: any Error, _ iteration: Int) {
        guard let error = error as? KernelError, case let .invalidData(path, reason) = error else {
            Issue.record("iteration \(iteration): \(type(of: error)) \(error) is not KernelError.invalidData")
            return
        }
        #expect(path == "fuzz" && error.kind == .invalidData, "iteration \(iteration)")
        #expect(!reason.isEmpty && !reason.contains("\n") && reason.first.map { !$0.isUppercase } == true,
                "iteration \(iteration): \(reason)")
    }

    @Test("the fixture adapter decodes, and what was decoded re-encodes and decodes to the same bits")
    func validFileRoundTrips() throws {
        let original = [UInt8](try Data(contentsOf: Self.adapter.appendingPathComponent("adapter_model.safetensors")))
        let tensors = try SafetensorsFile.decode(original, path: "fixture")
        #expect(tensors.count == 28)
        // Not byte-equal to the file: PEFT orders each entry's keys dtype, shape, data_offsets; ours are sorted.
        let encoded = try SafetensorsFile.encode(tensors)
        #expect(encoded.count == original.count)
        let again = try SafetensorsFile.decode(encoded, path: "fixture")
        #expect(again.keys.sorted() == tensors.keys.sorted())
        for (name, tensor) in tensors {
            #expect(again[name]?.shape == tensor.shape, "\(name)")
            #expect(again[name]?.elements.map(\.bitPattern) == tensor.elements.map(\.bitPattern), "\(name)")
        }
        _ = try AdapterConfig.parse(try Data(contentsOf: Self.adapter.appendingPathComponent("adapter_config.json")), path: "fixture")
    }

    /// Every mutated file decodes (then its tensors are consistent and re-encode to a file that
    /// decodes to the same values) or is refused as `invalidData`; anything else fails the test,
    /// and a crash ends the run.
    @Test func mutatedSafetensorsDecodeOrAreRefusedAsInvalidData() throws {
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
                let again = try SafetensorsFile.decode(try SafetensorsFile.encode(tensors), path: "fuzz")
                let same = again.keys.sorted() == tensors.keys.sorted()
                    && tensors.allSatisfy { again[$0.key]?.elements.map(\.bitPattern) == $0.value.elements.map(\.bitPattern) }
                #expect(same, "iteration \(iteration): a decoded file does not round-trip")
                decoded += 1
            } catch {
                Self.expectDocumentedRefusal(error, iteration)
                refused += 1
            }
        }
        #expect(decoded + refused == Self.iterations)
        // Both outcomes must occur, or the mutations no longer exercise the reader.
        #expect(refused > Self.iterations / 10 && decoded > 0, "decoded \(decoded), refused \(refused)")
    }

    /// Every mutated config parses (to a positive rank and alpha) or is refused as `invalidData`.
    @Test func mutatedAdapterConfigsParseOrAreRefusedAsInvalidData() throws {
        let original = [UInt8](try Data(contentsOf: Self.adapter.appendingPathComponent("adapter_config.json")))
        var rng = Xoshiro256StarStar(seed: 7)
        var parsed = 0
        var refused = 0
        for iteration in 0..<Self.iterations {
            let bytes = Self.mutate(original, &rng, headerLength: original.count)
            do {
                let config = try AdapterConfig.parse(Data(bytes), path: "fuzz")
                #expect(config.rank > 0 && config.alpha > 0 && config.scaling.isFinite, "iteration \(iteration)")
                parsed += 1
            } catch {
                Self.expectDocumentedRefusal(error, iteration)
                refused += 1
            }
        }
        #expect(parsed > 0 && refused > Self.iterations / 10, "parsed \(parsed), refused \(refused)")
    }
}
