import Foundation

/// One region jobs may run in (`regions:`; docs/goodput.md): its GPU price, grid carbon
/// intensity (flat, or an hourly profile of a day) and PUE.
public struct Region: Sendable, Equatable {
    public var name: String
    /// On-demand price of a GPU-hour there.
    public var usdPerGPUHour: Double
    /// kg CO2 per kWh: one value (flat) or 24, hour 0 starting at midnight of the scenario's
    /// clock (day 0 at 00:00; write every region's profile in that one clock, e.g. UTC).
    public var kgCO2PerKWh: [Double]
    public var pue: Double

    public init(name: String, usdPerGPUHour: Double, kgCO2PerKWh: [Double], pue: Double) {
        self.name = name
        self.usdPerGPUHour = usdPerGPUHour
        self.kgCO2PerKWh = kgCO2PerKWh
        self.pue = pue
    }

    /// The mean over a day.
    public var dailyMeanKgCO2PerKWh: Double {
        kgCO2PerKWh.isEmpty ? 0 : kgCO2PerKWh.reduce(0, +) / Double(kgCO2PerKWh.count)
    }

    /// The mean intensity over `hours` from `start` (hours since day 0, 00:00); at `start` for a
    /// zero-length window.
    public func meanKgCO2PerKWh(from start: Double, hours: Double) -> Double {
        guard kgCO2PerKWh.count == 24 else { return kgCO2PerKWh.first ?? 0 }
        guard hours > 0 else { return kgCO2PerKWh[Int(start.truncatingRemainder(dividingBy: 24).rounded(.down)) % 24] }
        return (cumulative(start + hours) - cumulative(start)) / hours
    }

    /// ∫ intensity dt from 0 to `t` hours (the profile repeats every day).
    private func cumulative(_ t: Double) -> Double {
        let day = kgCO2PerKWh.reduce(0, +)
        let days = (t / 24).rounded(.down)
        let within = t - days * 24
        let hour = min(Int(within.rounded(.down)), 23)
        var sum = days * day
        for h in 0..<hour { sum += kgCO2PerKWh[h] }
        return sum + (within - Double(hour)) * kgCO2PerKWh[hour]
    }
}

/// `hardware.placement`: where each job runs when the scenario lists `regions`.
public enum Placement: Sendable, Equatable {
    /// The lowest GPU price (ties: the lower carbon, then file order).
    case cheapest
    /// The lowest kg CO2 per GPU-kWh at the plug (intensity over the job's run × PUE; ties: the
    /// lower price, then file order).
    case cleanest
    /// Always this region.
    case region(String)

    public var name: String {
        switch self {
        case .cheapest: return "cheapest"
        case .cleanest: return "cleanest"
        case let .region(name): return name
        }
    }
}
