import Foundation
import Testing
@testable import PlanKernels

/// A key twice in one JSON object is found however it is spelled, and only within one object
/// (issue 28: Python reads the last value, Foundation the first).
struct JSONKeysTests {
    @Test(arguments: [
        (#"{"lora_alpha": 4, "lora_alpha": 400}"#, "lora_alpha", [String]()),
        (#"{"r": 8, "\u0072": 4}"#, "r", []),
        (#"{"a": {"x": 1, "y": [1, {"z": 1}], "x": 2}}"#, "x", ["a"]),
        (#"{"\ud83d\ude00": 1, "😀": 2}"#, "😀", []),
        (#"{"caf\u00e9": 1, "cafe\u0301": 2}"#, "café", []),
        (#"{"k\"q": 1, "k\u0022q": 2}"#, "k\"q", []),
    ])
    func aKeyTwiceInOneObjectIsFound(_ json: String, _ key: String, _ path: [String]) {
        #expect(JSONKeys.firstProblem(in: Data(json.utf8)) == .duplicate(key: key, path: path))
    }

    @Test(arguments: [
        #"{"a": 1, "b": {"a": 1}, "c": [{"a": 1}, {"a": 2}]}"#,
        #"{"a": "a", "b": "a", "\"a": 1}"#,
        #"[{"x": 1}, {"x": 2}]"#,
        #"{"s": "{\"x\": 1, \"x\": 2}"}"#,
        "",
        "{\"unterminated",
    ])
    func distinctKeysAndMalformedTextPass(_ json: String) {
        #expect(JSONKeys.firstProblem(in: Data(json.utf8)) == nil)
    }

    @Test func deepNestingIsRefusedWithoutRecursion() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(JSONKeys.firstProblem(in: Data(deep.utf8)) == .tooDeep)
    }

    @Test func theConfigAndTheSafetensorsReaderRefuseADuplicate() throws {
        let config = #"{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q_proj"], "lora_alpha": 400}"#
        #expect(throws: KernelError.self) { try AdapterConfig.parse(Data(config.utf8), path: "c") }
        let header = #"{"a.lora_A.weight": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "#
            + #""a.lora_A.weight": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#
        let length = UInt64(header.utf8.count)
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) } + Array(header.utf8) + [UInt8](repeating: 0, count: 8)
        #expect {
            try SafetensorsFile.decode(bytes, path: "s")
        } throws: { error in
            guard case let .invalidData(_, reason)? = error as? KernelError else { return false }
            return reason.contains("names the tensor 'a.lora_A.weight' twice")
        }
    }
}
