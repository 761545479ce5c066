import Foundation
import Testing
@testable import PlanReport

/// `JSONValue.parse` reads back what `rendered()` writes, in order, and refuses what is not JSON.
struct JSONParseTests {
    @Test func roundTripKeepsOrderAndValues() throws {
        let value = JSONValue.object([
            ("z", .number(1)), ("a", .array([.number(-2.5e-7), .number(1e21), .bool(true), .null])),
            ("text", .string("tab\t \"quote\" back\\slash\nnew line \u{1} é 😀")), ("empty", .object([])), ("none", .array([])),
        ])
        for pretty in [true, false] {
            let parsed = try #require(JSONValue.parse(value.rendered(pretty: pretty)))
            #expect(parsed == value)
            guard case let .object(pairs) = parsed else { Issue.record("not an object"); return }
            #expect(pairs.map(\.0) == ["z", "a", "text", "empty", "none"])
        }
        #expect(JSONValue.parse(#""\u00e9\ud83d\ude00\/""#) == .string("é😀/"))
        #expect(JSONValue.parse(" [1, 2 ] ")?.items?.count == 2)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "{\"a\": 1,}", "tru", "1 2", "\"unterminated", "{1: 2}", "\"\\x\"", "nan", "[\"a\nb\"]",
                      String(repeating: "[", count: 600) + String(repeating: "]", count: 600)])
    func rejectsWhatIsNotJSON(_ text: String) {
        #expect(JSONValue.parse(text) == nil, "\(text)")
    }

    @Test func readsEveryFieldOfAJSONSerializationDocument() throws {
        let object: [String: Any] = ["n": 3, "s": "x", "b": false, "l": [1.5, "y"], "o": ["k": NSNull()]]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        let parsed = try #require(JSONValue.parse(text))
        #expect(parsed["n"]?.number == 3)
        #expect(parsed["s"]?.string == "x")
        #expect(parsed["b"] == .bool(false))
        #expect(parsed["l"]?.items?.count == 2)
        #expect(parsed["o"]?["k"] == .null)
    }
}
