/// Text made safe for a terminal, and long values cut for one-line diagnostics.
///
/// Everything a user file or database supplies reaches stdout/stderr through `escape`, so an
/// ANSI escape sequence in a scenario name prints as `\e[31m` instead of recolouring (or
/// rewriting) the user's terminal.
public enum TerminalText {
    /// The longest value a diagnostic quotes, in characters (the rest is cut with an ellipsis).
    public static let excerptCharacters = 80

    /// `raw` with every control character written visibly: `\e` for ESC, `\n`, `\r`, `\t`,
    /// `\u{XX}` for the others (C0, DEL, C1, line/paragraph separators, bidi controls, and
    /// noncharacters such as U+FFFE, which XML and HTML do not allow).
    /// With `keepingLineBreaks`, `\n` and `\t` pass through (tables, multi-line output).
    public static func escape(_ raw: String, keepingLineBreaks: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(raw.utf8.count)
        for scalar in raw.unicodeScalars {
            if keepingLineBreaks && (scalar == "\n" || scalar == "\t") {
                out.unicodeScalars.append(scalar)
                continue
            }
            let category = scalar.properties.generalCategory
            if [.control, .lineSeparator, .paragraphSeparator].contains(category) || (category == .format && isDangerousFormat(scalar))
                || scalar.properties.isNoncharacterCodePoint
            {
                switch scalar {
                case "\u{1B}": out += "\\e"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `value` escaped and cut to `limit` characters with a trailing ellipsis and the full length,
    /// for quoting user values in one-line messages.
    public static func excerpt(_ value: String, limit: Int = excerptCharacters) -> String {
        let escaped = escape(value)
        guard escaped.count > limit else { return escaped }
        return String(escaped.prefix(max(1, limit))) + "… (\(value.count) characters)"
    }

    /// Format characters that reorder or hide text (bidi overrides and isolates, zero-width
    /// marks); joiners inside emoji stay.
    private static func isDangerousFormat(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200B, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: return true
        default: return false
        }
    }
}
