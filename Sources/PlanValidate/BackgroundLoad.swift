import Foundation

/// How much CPU other processes used while a validation ran: on a shared machine, their work
/// slows measured jobs that were predicted from an undisturbed calibration.
///
/// From `/proc/stat` (all cores' busy time) minus `/proc/self/stat` (this process, every
/// thread), over the wall time × cores. Nil where `/proc` does not exist.
public struct BackgroundLoad: Sendable, Equatable {
    let busyTicks: Double
    let ownTicks: Double
    let uptimeNanoseconds: UInt64

    /// A sample of the counters now, or nil without `/proc`.
    public static func sample() -> BackgroundLoad? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }),
            let own = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = own.lastIndex(of: ")")
        else { return nil }
        // cpu user nice system idle iowait irq softirq steal …: busy = all but idle and iowait.
        let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard fields.count >= 8 else { return nil }
        let busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]
        // After the command name: state is field 3, utime and stime are fields 14 and 15.
        let rest = own[own.index(after: close)...].split(separator: " ")
        guard rest.count > 13, let user = Double(rest[11]), let system = Double(rest[12]) else { return nil }
        return BackgroundLoad(busyTicks: busy, ownTicks: user + system, uptimeNanoseconds: DispatchTime.now().uptimeNanoseconds)
    }

    /// The share of all cores' time that other processes used between `start` and `self`, in [0, 1].
    public func otherProcessesShare(since start: BackgroundLoad) -> Double {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        let wall = Double(uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        guard wall > 0, ticksPerSecond > 0 else { return 0 }
        let others = (busyTicks - start.busyTicks) - (ownTicks - start.ownTicks)
        return min(1, max(0, others / ticksPerSecond / (wall * cores)))
    }
}
