/// Documented limits on the work one command may do, checked before the work starts so that
/// a scenario or an option can never make `plan` run for hours or allocate gigabytes by
/// accident. Each is listed in `scenarios/README.md`; exceeding one is invalid input (exit 65).
public enum WorkLimits {
    /// Scheduled update arrivals in one simulated scenario (explicit + periodic + expected
    /// Poisson + additions, over the horizon).
    public static let arrivalsPerScenario = 1_000_000
    /// Languages in a scenario (declared + added), also the bound of `languages.count`.
    public static let languages = 10_000
    /// Points on one sweep grid (`--vary FIELD=A:B:STEP`).
    public static let sweepPoints = 10_000
    /// Monte Carlo trials × expected arrivals per trial.
    public static let trialArrivals = 200_000_000
    /// Monte Carlo trials.
    public static let trials = 1_000_000
    /// Elements of one module's dense ΔW (out × in) for the `*svd` merge methods (2^31).
    public static let denseDeltaElements = 1 << 31
}

extension Scenario {
    /// The largest number of languages a scenario may have (`WorkLimits.languages`).
    public static var maximumLanguages: Int { WorkLimits.languages }
    /// The smallest MFU or merge efficiency accepted: below it a job would take longer than
    /// the age of the universe and its figures stop being finite.
    public static let minimumEfficiency = 1e-6
}
