import ArgumentParser

/// Negative numbers as option values. ArgumentParser reads a token that starts with `-` as an
/// option, so `plan estimate --tokens -5` would fail with "Missing value for '--tokens'" instead
/// of the option's own range message. `joiningNegativeValues` rewrites a long option followed by
/// a negative number (`-5`, `-1e3`, `-0.5`, `-.5`, `-inf`) into one token, `--tokens=-5`, which
/// ArgumentParser reads as the value; every other token is left as it is, and nothing after `--`.
enum NegativeValues {
    static func joiningNegativeValues(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let token = arguments[index]
            if token == "--" {
                result += arguments[index...]
                break
            }
            if index + 1 < arguments.count, isLongOptionName(token), isNegativeNumber(arguments[index + 1]) {
                result.append("\(token)=\(arguments[index + 1])")
                index += 2
                continue
            }
            result.append(token)
            index += 1
        }
        return result
    }

    /// `--name` without an attached value.
    static func isLongOptionName(_ token: String) -> Bool {
        token.hasPrefix("--") && token.count > 2 && !token.contains("=")
    }

    /// `-` followed by a number Swift reads (`-5`, `-1e3`, `-0.5`, `-.5`, `-inf`, `-nan`): no
    /// option of `plan` is spelled like that.
    static func isNegativeNumber(_ token: String) -> Bool {
        guard token.hasPrefix("-"), token.count > 1, !token.hasPrefix("--") else { return false }
        return Double(token) != nil
    }
}

extension PlanCommand {
    /// Runs `plan` on the process's arguments, negative option values joined to their option
    /// (see `NegativeValues`).
    public static func main() {
        main(NegativeValues.joiningNegativeValues(Array(CommandLine.arguments.dropFirst())))
    }
}
