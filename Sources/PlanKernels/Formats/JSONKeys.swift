import Foundation
import PlanJSON

/// Finds an object key that appears twice in one JSON object, before the document is decoded.
///
/// JSON leaves duplicate keys to the reader: Python's `json` (and so PEFT and the safetensors
/// reference) keeps the last value, Foundation's decoder the first. A file such as
/// `{"lora_alpha": 4, "lora_alpha": 400}` would then merge at another scaling than PEFT loads it
/// with, so the readers refuse any duplicate. Keys compare after unescaping (`"r"` and
/// `"\u0072"` are one key) and as Swift strings, so two spellings that a `[String: …]`
/// dictionary would fold into one are duplicates too.
enum JSONKeys {
    /// Objects nested deeper than this are refused by the scan (nil is never returned for them).
    static let maximumDepth = 512

    enum Finding: Equatable {
        /// `key` appears twice in one object; `path` names the enclosing object's keys from the root.
        case duplicate(key: String, path: [String])
        /// Nested deeper than `maximumDepth`.
        case tooDeep
    }

    /// `key` quoted for a message: at most 80 characters.
    static func quoted(_ key: String) -> String {
        "'" + (key.count > 80 ? String(key.prefix(80)) + "… (\(key.count) characters)" : key) + "'"
    }

    /// The first duplicate key of `data`, or nil when every object's keys are distinct. Text that
    /// is not valid JSON gives nil or a finding; the decoder reports the syntax error.
    /// - Complexity: O(n) in the size of `data` (expected, through hashing).
    static func firstProblem(in data: Data) -> Finding? {
        let bytes = [UInt8](data)
        struct Frame {
            var isObject: Bool
            var keys: Set<String> = []
            var expectingKey = false
            var key: String?
        }
        var stack: [Frame] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"):
                guard stack.count < maximumDepth else { return .tooDeep }
                stack.append(Frame(isObject: true, expectingKey: true))
                index += 1
            case UInt8(ascii: "["):
                guard stack.count < maximumDepth else { return .tooDeep }
                stack.append(Frame(isObject: false))
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !stack.isEmpty { stack.removeLast() }
                index += 1
            case UInt8(ascii: ","):
                if let last = stack.indices.last, stack[last].isObject { stack[last].expectingKey = true }
                index += 1
            case UInt8(ascii: "\""):
                guard let (text, end) = string(bytes, from: index) else { return nil }
                index = end
                if let last = stack.indices.last, stack[last].isObject, stack[last].expectingKey {
                    stack[last].expectingKey = false
                    if !stack[last].keys.insert(text).inserted {
                        return .duplicate(key: text, path: stack.dropLast().compactMap(\.key))
                    }
                    stack[last].key = text
                }
            default:
                index += 1
            }
        }
        return nil
    }

    /// The unescaped string whose opening quote is at `start`, and the index after its closing
    /// quote; nil when it is not terminated or holds a bad escape. Lone surrogates and control
    /// characters are kept distinct rather than refused (`JSONString.Mode.lenient`): the
    /// document's reader reports them.
    static func string(_ bytes: [UInt8], from start: Int) -> (String, Int)? {
        JSONString.decode(bytes, from: start, mode: .lenient).map { ($0.value, $0.end) }
    }
}
