import Foundation
import PlanCore

/// Whether Monte Carlo trials of a scenario can differ, and the words for when they cannot.
/// One place for the report's advice and the `--trials` warning of `plan simulate` and `plan sweep`.
public enum MonteCarloNote {
    /// Trials differ only when something is drawn per trial: an input of the `uncertainty`
    /// block, or the Poisson arrivals of the schedule.
    public static func trialsVary(_ scenario: Scenario) -> Bool {
        !scenario.uncertainty.isEmpty || !scenario.schedule.poisson.isEmpty
    }

    /// The one-line stderr warning for `--trials N` on a scenario whose trials cannot differ.
    public static func identicalTrialsWarning(_ scenario: Scenario, trials: Int) -> String? {
        guard trials > 0, !trialsVary(scenario) else { return nil }
        return "warning: --trials \(trials): the scenario has no uncertainty block (and no Poisson arrivals), so all trials will be identical; "
            + "add an uncertainty block (scenarios/README.md) for ranges"
    }
}
