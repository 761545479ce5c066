import PlanJSON
import Testing

@Suite struct JSONStringTests {
    private func decode(_ text: String, _ mode: JSONString.Mode) -> (value: String, end: Int)? {
        JSONString.decode(Array(text.utf8), from: 0, mode: mode)
    }

    @Test func decodesEveryEscapeAndReturnsTheIndexAfterTheQuote() throws {
        let text = #""a\"b\\c\/d\be\ff\ng\rh\ti\u0041\u00e9" tail"#
        for mode in [JSONString.Mode.strict, .lenient] {
            let (value, end) = try #require(decode(text, mode))
            #expect(value == "a\"b\\c/d\u{08}e\u{0C}f\ng\rh\tiAé")
            #expect(Array(text.utf8)[end...].elementsEqual(" tail".utf8))
        }
    }

    @Test func keepsMultiByteCharactersAroundEscapes() throws {
        let (value, _) = try #require(decode("\"日本\\n語🙂\"", .strict))
        #expect(value == "日本\n語🙂")
        // A surrogate pair escape is one scalar, equal to the raw character.
        #expect(decode(#""\uD83D\uDE42""#, .strict)?.value == "🙂")
        #expect(decode(#""\ud83d\ude42""#, .lenient)?.value == "🙂")
    }

    @Test func strictRefusesWhatRFC8259Refuses() {
        #expect(decode("\"a\u{01}b\"", .strict) == nil)  // raw control character
        #expect(decode(#""\uD800""#, .strict) == nil)  // lone high surrogate
        #expect(decode(#""\uDC00x""#, .strict) == nil)  // lone low surrogate
        #expect(decode(#""\uD800\u0041""#, .strict) == nil)  // high surrogate, no low after it
    }

    @Test func lenientKeepsEveryDistinctSpellingDistinct() throws {
        #expect(decode("\"a\u{01}b\"", .lenient)?.value == "a\u{01}b")
        let high = try #require(decode(#""\uD800""#, .lenient)).value
        let low = try #require(decode(#""\uDC00""#, .lenient)).value
        #expect(high == "\u{FFFD}d800" && low == "\u{FFFD}dc00" && high != low && high != "\u{FFFD}")
        #expect(decode(#""\uD800\u0041""#, .lenient)?.value == "\u{FFFD}d800A")
    }

    @Test func refusesBrokenLiteralsInEitherMode() {
        for mode in [JSONString.Mode.strict, .lenient] {
            #expect(decode(#""unterminated"#, mode) == nil)
            #expect(decode(#""bad \x escape""#, mode) == nil)
            #expect(decode(#""\u12""#, mode) == nil)  // too few digits
            #expect(decode(#""\u+041""#, mode) == nil)  // a sign is not a hex digit
            #expect(decode(#""\u00G1""#, mode) == nil)
            #expect(decode("\"ends in a backslash\\", mode) == nil)
        }
    }

    @Test func startsAtTheGivenQuote() throws {
        let bytes = Array(#"{"key": "value"}"#.utf8)
        let key = try #require(JSONString.decode(bytes, from: 1, mode: .strict))
        #expect(key.value == "key" && bytes[key.end] == UInt8(ascii: ":"))
        let value = try #require(JSONString.decode(bytes, from: 8, mode: .strict))
        #expect(value.value == "value" && value.end == bytes.count - 1)
    }
}
