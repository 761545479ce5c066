import Foundation

/// Converts GPU-hours into dollars, energy and emissions.
///
/// energy (kWh) = GPU-hours × GPU power (W) / 1000 × PUE; CO2 (kg) = energy × grid intensity;
/// dollars = GPU-hours × price. Source: the LLaMA paper (arXiv 2302.13971, §6 and Table 15),
/// whose 65B figures this reproduces exactly.
public struct EnergyRates: Sendable, Equatable {
    public var gpuWatts: Double
    public var pue: Double
    public var kgCO2PerKWh: Double
    public var usdPerGPUHour: Double

    public init(gpuWatts: Double, pue: Double, kgCO2PerKWh: Double, usdPerGPUHour: Double) {
        self.gpuWatts = gpuWatts
        self.pue = pue
        self.kgCO2PerKWh = kgCO2PerKWh
        self.usdPerGPUHour = usdPerGPUHour
    }

    public init(hardware: Hardware) {
        self.init(gpuWatts: hardware.gpuWatts, pue: hardware.pue, kgCO2PerKWh: hardware.kgCO2PerKWh, usdPerGPUHour: hardware.usdPerGPUHour)
    }

    public struct Footprint: Sendable, Equatable {
        public var usd: Double
        public var kwh: Double
        public var co2Kg: Double
    }

    public func footprint(gpuHours: Double) -> Footprint {
        let kwh = gpuHours * gpuWatts / 1000 * pue
        return Footprint(usd: gpuHours * usdPerGPUHour, kwh: kwh, co2Kg: kwh * kgCO2PerKWh)
    }
}
