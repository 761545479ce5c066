import Foundation
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
    /// Work of one sweep: the sum over its grid points of each point's `simulationWork`
    /// (languages + expected arrivals), five times the most one scenario may have.
    public static let sweepWork = 5_000_000
    /// Monte Carlo trials × expected arrivals per trial.
    public static let trialArrivals = 200_000_000
    /// Monte Carlo trials.
    public static let trials = 1_000_000
    /// Entries of a scenario's `uncertainty` block (each is applied to every trial).
    public static let uncertainInputs = 1_000
    /// Bytes of a scenario file (or of a stored scenario read back).
    public static let scenarioBytes = 8 << 20
    /// Bytes of one `plan calibrate --import` file (Trainer JSON, torchtune log, probe CSV).
    public static let importFileBytes = 64 << 20
    /// Bytes of a model architecture file (`--model-config`, `hf_config`, a probe row's `.json` model).
    public static let modelConfigBytes = 16 << 20
    /// Measured runs in one `plan calibrate --import` (all files together): the fit prices every
    /// run a few thousand times.
    public static let importedRuns = 1_000
    /// Elements of one module's dense ΔW (out × in) for the `*svd` merge methods (2^31).
    public static let denseDeltaElements = 1 << 31
}

extension Scenario {
    /// Scheduled arrivals over the horizon: explicit events, periodic updates, the expected number
    /// of Poisson arrivals, and language additions (a Double: it may be astronomically large).
    public var expectedArrivals: Double {
        let horizon = Double(schedule.horizonDays)
        let everyLanguage = Double(languages.count + schedule.additions.count)
        func count(_ selection: LanguageSelection) -> Double {
            switch selection {
            case .all: return everyLanguage
            case let .some(codes): return Double(codes.count)
            }
        }
        var total = Double(schedule.events.count + schedule.additions.count)
        for rule in schedule.periodic where rule.everyDays > 0 {
            let start = rule.startDay ?? rule.everyDays
            if start <= horizon { total += (((horizon - start) / rule.everyDays).rounded(.down) + 1) * count(rule.languages) }
        }
        for rule in schedule.poisson { total += rule.perYear * horizon / 365 * count(rule.languages) }
        return total.isNaN ? .infinity : total
    }

    /// What one simulation of this scenario costs, in the units of `WorkLimits.sweepWork`: its
    /// languages (declared + added; each is priced and laid out) and its expected arrivals
    /// (each is scheduled and built). Both are within their own limits once the loader accepted it.
    public var simulationWork: Double {
        Double(languages.count + schedule.additions.count) + expectedArrivals
    }

    /// Throws `PlanCoreError.workLimit` when the schedule has more arrivals than
    /// `WorkLimits.arrivalsPerScenario` or more languages than `WorkLimits.languages`.
    public func checkWorkLimits() throws {
        if let message = workLimitProblem() { throw PlanCoreError.workLimit(message) }
    }

    /// The first work limit this scenario exceeds, as a message; nil when within limits.
    func workLimitProblem() -> String? {
        let languageCount = languages.count + schedule.additions.count
        if languageCount > WorkLimits.languages {
            return "\(languageCount) languages, more than the limit of \(WorkLimits.languages)"
        }
        let arrivals = expectedArrivals
        if arrivals > Double(WorkLimits.arrivalsPerScenario) {
            return "the schedule has \(arrivals.isFinite ? "about " : "")\(Self.count(arrivals)) update arrivals over \(schedule.horizonDays) days, more than the limit of "
                + "\(WorkLimits.arrivalsPerScenario); raise every_days, lower per_year, or shorten horizon_days"
        }
        return nil
    }

    /// Throws `PlanCoreError.workLimit` when `trials` Monte Carlo trials exceed `WorkLimits.trials`,
    /// or trials × arrivals per trial exceed `WorkLimits.trialArrivals`; the arrivals per trial are
    /// taken at the extremes of the uncertain inputs (clamped to their fields' ranges), so a
    /// draw cannot exceed `WorkLimits.arrivalsPerScenario` either.
    public func checkMonteCarloWork(trials: Int) throws {
        guard trials > 0 else { return }
        if trials > WorkLimits.trials {
            throw PlanCoreError.workLimit("--trials \(trials) is more than the limit of \(WorkLimits.trials)")
        }
        var worst = self
        for (path, distribution) in uncertainty {
            let extremes: [Double]
            switch distribution {
            case let .uniform(low, high): extremes = [low, high]
            case let .triangular(low, _, high): extremes = [low, high]
            case let .normal(mean, sd): extremes = [mean - 4 * sd, mean + 4 * sd]
            case let .lognormal(median, sigma): extremes = [median * exp(-4 * sigma), median * exp(4 * sigma)]
            }
            let candidates = extremes.compactMap { worst.settingClamped(path, to: $0) }
            if let heaviest = candidates.max(by: { $0.expectedArrivals < $1.expectedArrivals }), heaviest.expectedArrivals > worst.expectedArrivals {
                worst = heaviest
            }
        }
        if let problem = worst.workLimitProblem() {
            throw PlanCoreError.workLimit("with the uncertainty block at its extremes, \(problem)")
        }
        // Each trial also sets every uncertain input; a language's input finds its language and
        // copies the list (about one step per language), so that work counts as arrivals do.
        let perLanguage = Double(languages.count + schedule.additions.count + 1)
        let settings = uncertainty.reduce(0.0) { $0 + ($1.0.hasPrefix("languages.") ? perLanguage : 1) }
        let perTrial = max(1, worst.expectedArrivals) + settings
        if perTrial * Double(trials) > Double(WorkLimits.trialArrivals) {
            let what = settings > Double(uncertainty.count)
                ? "about \(Self.count(perTrial)) arrivals and language settings (\(uncertainty.count) uncertain inputs) each"
                : "about \(Self.count(perTrial)) arrivals each"
            throw PlanCoreError.workLimit(
                "\(trials) trials × \(what) is more than the limit of \(WorkLimits.trialArrivals) trial-arrivals; use fewer --trials")
        }
    }

    static func count(_ value: Double) -> String {
        guard value.isFinite else { return "unboundedly many" }
        return value < 1e15 ? String(Int64(value.rounded())) : String(format: "%.3g", value)
    }
}
