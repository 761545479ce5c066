import Foundation
import PlanCore

/// What the engine recorded for one strategy: every job's cost, build and run time. The
/// detailed result (per-build outcomes, pool usage, the daily series) is computed from it.
struct StrategyRecording: Sendable {
    var kind: StrategyKind
    var horizonDays: Int
    /// Per job, in submission order.
    var costs: [JobCost]
    var start: [Double]
    var finish: [Double]
    /// Builds in plan order; each lists its jobs (the last one is the evaluation).
    var builds: [Build]
    /// Hours from a build's last job to its deployment (the `adapters` hot-load).
    var deployHours = 0.0

    func timing(_ job: Int) -> JobTiming { JobTiming(startHours: start[job], finishHours: finish[job]) }

    /// Hours from day 0 until `build` was deployed: its last job's finish plus the deployment.
    func deployedHours(_ build: Build) -> Double {
        (build.jobs.map { finish[$0] }.max() ?? build.day * 24) + deployHours
    }

    /// Each build with its deployment time, totals and jobs.
    func buildOutcomes() -> [BuildOutcome] {
        builds.map { build in
            var totals = PhaseTotals()
            for index in build.jobs { totals.add(costs[index]) }
            let deployed = deployedHours(build)
            totals.wallClockHours = deployed - build.day * 24
            return BuildOutcome(build: build, deployedHours: deployed, totals: totals,
                                jobs: build.jobs.map { (costs[$0], timing($0)) })
        }
    }

    /// Cumulative GPU-hours and dollars at the end of each day 0...horizon, each job's cost
    /// spread evenly over the hours it runs. Work that runs past the end of the horizon's last
    /// day adds one more point, on the day the last job finishes, so that the series always
    /// ends at the strategy's totals (the figures the tables show).
    func series() -> [DailyPoint] {
        let overflow = horizonDays + 1  // bin for everything after the end of day `horizonDays`
        var gpuHours = [Double](repeating: 0, count: overflow + 1)
        var dollars = [Double](repeating: 0, count: overflow + 1)
        var lastFinish = 0.0
        for (index, job) in costs.enumerated() {
            let start = self.start[index] / 24
            let finish = self.finish[index] / 24
            lastFinish = max(lastFinish, finish)
            let length = finish - start
            // Checked before converting: a job may start past the horizon (or never, at +inf).
            var day = start.isNaN || start >= Double(overflow) ? overflow : Int(max(0, start).rounded(.down))
            while day <= overflow {
                let share: Double
                if length <= 0 {
                    share = 1
                } else {
                    let from = max(start, Double(day))
                    let to = day == overflow ? finish : min(finish, Double(day + 1))
                    share = max(0, to - from) / length
                }
                gpuHours[day] += job.gpuHours * share
                dollars[day] += job.usd * share
                if finish <= Double(day + 1) { break }
                day += 1
            }
        }
        var points: [DailyPoint] = []
        var totalHours = 0.0
        var totalDollars = 0.0
        for day in 0...overflow {
            totalHours += gpuHours[day]
            totalDollars += dollars[day]
            if day < overflow {
                points.append(DailyPoint(day: day, gpuHours: totalHours, costUSD: totalDollars))
            } else if lastFinish > Double(overflow) {
                // Finishing at hour h falls on day ceil(h / 24) − 1 (day d spans hours [24d, 24d + 24)).
                let day = lastFinish < 1e15 ? Int(lastFinish.rounded(.up)) - 1 : Int(1e15)  // no trap on absurd inputs
                points.append(DailyPoint(day: max(overflow, day), gpuHours: totalHours, costUSD: totalDollars))
            }
        }
        return points
    }
}
