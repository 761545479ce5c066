import Foundation
import PlanCore

/// Where a job runs, and when, under `regions:`, `hardware.placement` and
/// `schedule.max_update_delay_hours` (docs/goodput.md).
///
/// A training job released at hour t may start at t or at any whole hour up to the delay (the
/// profile repeats daily, so at most a day of candidates); in each candidate region it takes the
/// start whose run has the lowest mean grid intensity (the earliest on ties). `cleanest` then
/// takes the region with the lowest intensity × PUE (ties: cheaper, then file order),
/// `cheapest` the lowest price (ties: cleaner, then file order), a name that region. Merges and
/// evaluations run in their build's region at its daily mean intensity, without waiting. The
/// choice is made when the job is released; the pool's queue may start it later.
struct RegionPlacement {
    var regions: [Region] = []
    var placement: Placement = .cheapest
    var maxDelayHours = 0.0
    /// The fixed region's index (placement by name).
    private var fixed: Int?

    init() {}

    init(_ scenario: Scenario) {
        regions = scenario.regions
        placement = scenario.hardware.placement
        maxDelayHours = scenario.schedule.maxUpdateDelayHours
        if case let .region(name) = placement { fixed = regions.firstIndex { $0.name == name } }
    }

    var isActive: Bool { !regions.isEmpty }

    /// A job's region, the hours it waits for its start, and the mean intensity over its run.
    struct Choice {
        var region: Int
        var waitHours: Double
        var kgCO2PerKWh: Double
    }

    /// The placement of a job of `hours` released at hour `release`.
    func place(releaseHours release: Double, hours: Double) -> Choice {
        var best: Choice?
        for r in regions.indices where fixed == nil || fixed == r {
            let candidate = earliestCleanest(region: r, release: release, hours: hours)
            guard let current = best else {
                best = candidate
                continue
            }
            if better(candidate, than: current) { best = candidate }
        }
        return best ?? Choice(region: 0, waitHours: 0, kgCO2PerKWh: 0)
    }

    private func better(_ a: Choice, than b: Choice) -> Bool {
        let (ra, rb) = (regions[a.region], regions[b.region])
        let (ca, cb) = (a.kgCO2PerKWh * ra.pue, b.kgCO2PerKWh * rb.pue)
        switch placement {
        case .cleanest: return ca < cb || (ca == cb && ra.usdPerGPUHour < rb.usdPerGPUHour)
        case .cheapest, .region: return ra.usdPerGPUHour < rb.usdPerGPUHour || (ra.usdPerGPUHour == rb.usdPerGPUHour && ca < cb)
        }
    }

    /// The start within the delay whose run is cleanest in region `r` (the earliest on ties).
    private func earliestCleanest(region r: Int, release: Double, hours: Double) -> Choice {
        let region = regions[r]
        var choice = Choice(region: r, waitHours: 0, kgCO2PerKWh: region.meanKgCO2PerKWh(from: release, hours: hours))
        guard maxDelayHours > 0, region.kgCO2PerKWh.count > 1 else { return choice }
        let limit = min(maxDelayHours, 24)
        var wait = release.rounded(.up) - release
        if wait == 0 { wait = 1 }
        while wait <= limit {
            let mean = region.meanKgCO2PerKWh(from: release + wait, hours: hours)
            if mean < choice.kgCO2PerKWh { choice = Choice(region: r, waitHours: wait, kgCO2PerKWh: mean) }
            wait += 1
        }
        return choice
    }

    /// `base` (the job's power and price) moved to `region` at `kgCO2PerKWh`; on-demand jobs
    /// (`onDemand`) pay the region's price, spot and reserved ones keep theirs.
    func rates(_ base: EnergyRates, region r: Int, kgCO2PerKWh: Double, onDemand: Bool) -> EnergyRates {
        let region = regions[r]
        return EnergyRates(gpuWatts: base.gpuWatts, pue: region.pue, kgCO2PerKWh: kgCO2PerKWh,
                           usdPerGPUHour: onDemand ? region.usdPerGPUHour : base.usdPerGPUHour)
    }
}
