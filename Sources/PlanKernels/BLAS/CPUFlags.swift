import Foundation

/// The instruction-set flags of this CPU, from `/proc/cpuinfo`.
public enum CPUFlags {
    /// The flags of the first processor listed in `/proc/cpuinfo`; empty where it does not exist.
    public static func current() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
        return parse(cpuinfo: text)
    }

    /// The flags in the first `flags` line of a `/proc/cpuinfo` text.
    public static func parse(cpuinfo text: String) -> Set<String> {
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == "flags" else { continue }
            return Set(parts[1].split(separator: " ").map(String.init))
        }
        return []
    }
}
