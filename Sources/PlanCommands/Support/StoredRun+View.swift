import PlanReport
import PlanStore

extension StoredRun {
    /// The run as PlanReport's renderers take it.
    var view: RunView {
        RunView(
            id: id, kind: kind, startedAt: startedAt, finishedAt: finishedAt, toolVersion: toolVersion, scenarioName: scenarioName,
            scenarioYAML: scenarioYAML, scenarioHash: scenarioHash, seed: seed, trials: trials, machine: machine, document: document,
            results: results.map {
                RunView.Result(strategy: $0.strategy, phase: $0.phase, gpuHours: $0.gpuHours, wallClockHours: $0.wallClockHours,
                               costUSD: $0.costUSD, energyKWh: $0.energyKWh, co2Kg: $0.co2Kg, trainedTokens: $0.trainedTokens)
            },
            series: series.map { RunView.SeriesPoint(strategy: $0.strategy, day: $0.day, gpuHours: $0.gpuHours, costUSD: $0.costUSD) },
            measurements: measurements.map {
                RunView.Measurement(name: $0.name, predictedSeconds: $0.predictedSeconds, measuredSeconds: $0.measuredSeconds, details: $0.details)
            })
    }
}

extension RunSummary {
    var view: RunView.Summary {
        RunView.Summary(id: id, kind: kind, startedAt: startedAt, scenarioName: scenarioName, seed: seed, trials: trials)
    }
}
