import Foundation

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
    /// quote; nil when it is not terminated or holds a bad escape.
    static func string(_ bytes: [UInt8], from start: Int) -> (String, Int)? {
        var index = start + 1
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            if !run.isEmpty {
                scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                run.removeAll(keepingCapacity: true)
            }
        }
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for byte in bytes[at..<(at + 4)] {
                guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { return nil }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                flush()
                return (String(scalars), index + 1)
            }
            guard byte == UInt8(ascii: "\\") else {
                run.append(byte)
                index += 1
                continue
            }
            flush()
            guard index + 1 < bytes.count else { return nil }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                guard var code = hex4(index) else { return nil }
                index += 4
                if (0xD800..<0xDC00).contains(code), index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u"), let low = hex4(index + 2), (0xDC00..<0xE000).contains(low)
                {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                // A lone surrogate cannot be a scalar: keep it distinct from every real character.
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                if Unicode.Scalar(code) == nil { scalars.append(contentsOf: String(code, radix: 16).unicodeScalars) }
            default: return nil
            }
        }
        return nil
    }
}
