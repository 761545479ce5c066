import Foundation
import Yams

/// Composes a YAML document in time linear in its length, whatever its anchors and aliases.
///
/// Yams builds an alias as a shared reference to its anchor's node (cheap), but hashes every
/// mapping key to find duplicates, and hashing walks the key's whole tree with every alias
/// expanded: a key that is an alias of nested lists of aliases costs 10× per nesting level
/// (700 bytes → hours). Two rules keep every document linear:
/// - no alias inside a mapping key, checked on a probe document in which each alias is a plain
///   placeholder scalar (so nothing can expand) before the real document is composed;
/// - aliases may add at most `aliasExpansionNodes` nodes to the document (counted with every
///   alias expanded, counting stops at the limit), so no reader can walk a billion nodes.
/// A document without `*` has no aliases and is composed once.
public enum BoundedYAML {
    /// Nodes that aliases may add to one document, every alias expanded (documented in
    /// scenarios/README.md, "Limits").
    public static let aliasExpansionNodes = 10_000

    /// A document refused by one of the two rules; the message names the rule.
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The document's root node (nil for an empty document). Throws Yams' error for malformed
    /// YAML and `Refusal` for an alias in a key or aliases beyond the expansion limit.
    public static func compose(_ text: String) throws -> Node? {
        guard text.utf8.contains(UInt8(ascii: "*")) else { return try Yams.compose(yaml: text) }
        guard let marker = placeholder(for: text) else {
            throw Refusal(message: "the document uses every character from U+E000 to U+E0FF and aliases; write it without aliases")
        }
        let probe = try Yams.compose(yaml: probeText(text, marker: marker))
        // The probe has no aliases left to expand, so it has at most about two nodes per
        // character; the walk stops past that in case the probe kept one that libyaml accepted.
        let probeLimit = 2 * text.utf8.count + 16
        var literal = 0
        if let probe {
            let (count, key) = walkProbe(probe, marker: marker, limit: probeLimit)
            if let key {
                throw Refusal(
                    message: "an alias (*\(TerminalText.excerpt(key))) is used in a mapping key; keys must be plain strings, not aliases")
            }
            if count > probeLimit { throw expansionRefusal }
            literal = count
        }
        guard let node = try Yams.compose(yaml: text) else { return nil }
        let limit = literal + aliasExpansionNodes
        if nodeCount(node, limit: limit) > limit { throw expansionRefusal }
        return node
    }

    static let expansionRefusal = Refusal(
        message: "anchors and aliases expand the document by more than \(aliasExpansionNodes) nodes (the limit); "
            + "write the repeated values out or alias fewer of them")

    /// A private-use character that does not occur in `text` (nil when all 256 candidates do).
    static func placeholder(for text: String) -> Unicode.Scalar? {
        var used = Set<UInt32>()
        for scalar in text.unicodeScalars where (0xE000...0xE0FF).contains(scalar.value) { used.insert(scalar.value) }
        return (UInt32(0xE000)...0xE0FF).first { !used.contains($0) }.flatMap(Unicode.Scalar.init)
    }

    /// `text` with the `*` of every possible alias token (a `*` where a token may start, followed
    /// by an anchor character) replaced by `marker`: one character for one, so lines, columns and
    /// libyaml's 1024-character simple-key window stay the same, and each alias becomes a plain
    /// scalar starting with `marker`. A `*` inside a plain or quoted scalar changes only that text.
    static func probeText(_ text: String, marker: Unicode.Scalar) -> String {
        var result = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if scalar == "*", index + 1 < scalars.count, isAnchorCharacter(scalars[index + 1]),
               index == 0 || tokenStarts.contains(scalars[index - 1]) {
                result.append(marker)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// The characters after which libyaml may start a token (an alias among them).
    static let tokenStarts = Set(" \t\r\n[{,:\u{FEFF}".unicodeScalars)

    /// libyaml's anchor characters: ASCII letters, digits, `_` and `-`.
    static func isAnchorCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "0"..."9", "a"..."z", "A"..."Z", "_", "-": return true
        default: return false
        }
    }

    /// Walks the probe document: its node count (stopped once past `limit`) and the name of the
    /// first alias found inside a mapping key, if any.
    static func walkProbe(_ root: Node, marker: Unicode.Scalar, limit: Int) -> (count: Int, aliasKey: String?) {
        var count = 0
        var pending: [(node: Node, inKey: Bool)] = [(root, false)]
        while let entry = pending.popLast() {
            count += 1
            if count > limit { return (count, nil) }
            switch entry.node {
            case let .scalar(scalar):
                if entry.inKey, scalar.style == .plain, scalar.string.unicodeScalars.first == marker {
                    return (count, String(String.UnicodeScalarView(scalar.string.unicodeScalars.dropFirst())))
                }
            case let .sequence(sequence):
                for item in sequence { pending.append((item, entry.inKey)) }
            case let .mapping(mapping):
                for (key, value) in mapping {
                    pending.append((key, true))
                    pending.append((value, entry.inKey))
                }
            case .alias:
                if entry.inKey { return (count, "") }
            }
        }
        return (count, nil)
    }

    /// Nodes in the tree under `root` with every alias expanded, counting stopped once past `limit`.
    static func nodeCount(_ root: Node, limit: Int) -> Int {
        var count = 0
        var pending = [root]
        while let node = pending.popLast() {
            count += 1
            if count > limit { return count }
            switch node {
            case .scalar, .alias: break
            case let .sequence(sequence): pending.append(contentsOf: sequence)
            case let .mapping(mapping):
                for (key, value) in mapping {
                    pending.append(key)
                    pending.append(value)
                }
            }
        }
        return count
    }
}
