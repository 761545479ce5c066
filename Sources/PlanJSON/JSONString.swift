/// JSON string literals (RFC 8259 §7), decoded from UTF-8 bytes: the one decoder behind
/// PlanReport's document parser (`JSONValue.parse`) and PlanKernels' duplicate-key scan
/// (`JSONKeys`), which read the same escapes and differ only in what they do with text that a
/// strict reader refuses.
public enum JSONString {
    /// What to do with text RFC 8259 does not allow inside a string.
    public enum Mode: Sendable {
        /// Refuse it: a raw control character (below U+0020), a lone or unpaired surrogate
        /// escape. A document reader.
        case strict
        /// Accept it, keeping every distinct spelling distinct: control characters as they
        /// are; a lone surrogate `\uD800` as U+FFFD followed by its hex digits, so it equals
        /// neither a real character nor another lone surrogate. A scan that only compares keys
        /// (the document's own reader reports the syntax error).
        case lenient
    }

    /// The string whose opening quote is at `start`, and the index after its closing quote;
    /// nil when it is not terminated, holds a bad escape, or (strict) holds what RFC 8259
    /// refuses. Invalid UTF-8 becomes U+FFFD, as `String(decoding:as:)` does.
    /// - Complexity: O(n) in the string's length.
    public static func decode(_ bytes: [UInt8], from start: Int, mode: Mode) -> (value: String, end: Int)? {
        var index = start + 1
        var scalars = String.UnicodeScalarView()
        // Unescaped bytes are copied as runs, so multi-byte characters decode whole.
        var runStart = index
        func flush(upTo end: Int) {
            if end > runStart { scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars) }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                flush(upTo: index)
                return (String(scalars), index + 1)
            }
            guard byte == UInt8(ascii: "\\") else {
                if byte < 0x20, mode == .strict { return nil }
                index += 1
                continue
            }
            flush(upTo: index)
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
                guard var code = hex4(bytes, at: index) else { return nil }
                index += 4
                if (0xD800..<0xDC00).contains(code), index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u"), let low = hex4(bytes, at: index + 2), (0xDC00..<0xE000).contains(low)
                {
                    // A surrogate pair: \uD83D\uDE00.
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                if let scalar = Unicode.Scalar(code) {
                    scalars.append(scalar)
                } else {
                    guard mode == .lenient else { return nil }
                    scalars.append("\u{FFFD}")
                    scalars.append(contentsOf: String(code, radix: 16).unicodeScalars)
                }
            default: return nil
            }
            runStart = index
        }
        return nil
    }

    /// The four hex digits at `at` (ASCII only, no sign), or nil.
    static func hex4(_ bytes: [UInt8], at: Int) -> UInt32? {
        guard at + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[at..<(at + 4)] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
