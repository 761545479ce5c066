import Foundation
import PlanCore
import PlanRandom

/// The simulation engine (DESIGN §5): expands a scenario's schedule into arrivals, groups them
/// into builds, plans every strategy's jobs, runs them on the FIFO GPU pool and summarises
/// totals and update latency. `Simulator` (detailed results), `MonteCarlo` (trials), sweeps,
/// sensitivity and `PoolSizing` all run on it; it is the only planner and scheduler.
///
/// State is struct-of-arrays that one thread reuses across runs: arrivals are plain arrays
/// sorted by a bucket pass plus insertion sort; per-language training rates are priced once per
/// cost model and run (`CostModel.sliceRate`), merges and evaluations once per distinct shape;
/// builds keep index ranges; the p90 latency comes from a selection. With `record` off a run
/// allocates nothing once its buffers have grown; with it on, each strategy's jobs (cost, build,
/// start, finish) are kept in a `StrategyRecording`, from which the detailed result is computed.
struct SimulationEngine {
    /// One strategy's figures for one run.
    struct Outcome: Equatable {
        var kind: StrategyKind
        var initial = PhaseTotals()
        var maintenance = PhaseTotals()
        var latency = LatencySummary(meanHours: 0, p90Hours: 0, count: 0)
        /// Hours from day 0 until the last build was deployed.
        var lastFinishHours = 0.0
        /// The longest update latency (0 without updates).
        var maxLatencyHours = 0.0
        /// The most jobs waiting for GPUs at once.
        var peakQueuedJobs = 0
        /// Jobs ready by the end of the horizon (released, the jobs they wait for done) that had not started by then.
        var queuedAtHorizonEnd = 0
        /// How long the longest-waiting of those had waited, in hours.
        var backlogHours = 0.0
        var total: PhaseTotals { initial + maintenance }
    }

    /// Per strategy, in the scenario's order (valid after `run`).
    private(set) var outcomes: [Outcome] = []
    /// Per strategy, when `run` recorded (else empty).
    private(set) var recordings: [StrategyRecording] = []
    /// Arrivals of the last run (within the horizon or not), as `SimulationResult.arrivals`.
    var arrivals = 0

    // Languages: one slot per scenario language, then per added language (first occurrence).
    var slotCount = 0
    var joinDay: [Double] = []
    var everySlot: [Int] = []  // `languages: all`: scenario codes then additions, repeats kept
    var ruleSlots: [Int] = []
    var position: [String: Int] = [:]
    var codes: [String] = []
    /// What the layout was made from: language codes then additions' codes, and the additions' days.
    var layoutCodes: [String] = []
    var layoutAdditionDays: [Double] = []

    // Arrivals in generation order, then sorted by (day, generation index).
    struct RawArrival {
        var day: Double
        var slot: Int
        var amount: Double  // examples added, or the new language's examples
        var newTokens: Double  // tokens per example of a new language; NaN for added examples
    }
    var raw: [RawArrival] = []
    var bucketStart: [Int] = []
    var sorted: [Int] = []
    var day: [Double] = []
    var slot: [Int] = []
    var amount: [Double] = []
    var newTokens: [Double] = []

    // Builds that ship arrivals: [previous end, end) of the sorted arrivals.
    var triggerDay: [Double] = []
    var triggerEnd: [Int] = []
    // The hybrid timeline: trigger index (-1: refresh only), refresh flag, day.
    var stepTrigger: [Int] = []
    var stepRefresh: [Bool] = []
    var stepDay: [Double] = []
    /// Whether the timeline holds the current triggers as they are (no refreshes).
    var timelineIsPlain = false

    // The data at the start and after each trigger (`shareData`), for cost model `dataModel`
    // (-1: not summed for this run).
    var dataModel = -1
    var initialShare = Share()
    var triggerShare: [Share] = []
    /// The adapter jobs of strategies that train adapters: the initial build's, then each
    /// trigger's (`Share.adapterEnd`).
    var adapterJobs: [AdapterJob] = []
    var dataExamples: [Double] = []
    var dataBefore: [Double] = []
    var dataStamp: [Int] = []
    var dataTokens: [Double] = []
    var dataPresent: [Bool] = []

    // Priced slices, per cost model × slot (keyed by tokens per example; NaN: not yet priced).
    var models: [CostModel] = []
    var modelIndex: [Int] = []
    var rateKey: [Double] = []
    var rates: [CostModel.SliceRate] = []
    /// Slice rates priced this run, by cost model and tokens per example (`pricedSlice`).
    var priced: [(model: Int, tokens: Double, rate: CostModel.SliceRate)] = []

    // The planned strategy: its jobs on the pool, and its builds.
    var pool = FIFOPool()
    var builds: [BuildEntry] = []
    var latencies: [Double] = []
    /// Job costs and build indices of the planned strategy, when recording.
    var recordedCosts: [JobCost] = []
    var recordedBuilds: [Build] = []
    var recording = false
    /// The horizon of the prepared scenario, in hours.
    var horizonHours = 0.0
    /// Hours from a build's last job to its deployment (the `adapters` hot-load; 0 otherwise).
    var deployHours = 0.0
    /// Draws each training job's interruptions when set (Monte Carlo); nil → their expectation.
    var failures: Xoshiro256StarStar?
    /// Regions, placement and the wait for a cleaner hour (inactive without `regions:`).
    var regionPlacement = RegionPlacement()
    /// The plan being built: priced merge and evaluation shapes, the present languages, the
    /// data and the running totals (`plan(strategy:scenario:)`).
    struct PlanState {
        var memo = Memo()
        /// The present languages and Σ of their tokens per example (`Share`).
        var presentCount = 0
        var presentTokens = 0.0
        /// The running totals of the phase being planned (the initial build, then every update).
        var totals = PhaseTotals()
        /// Every present language's data, one epoch (`TrainingSum` of all slots), at the build
        /// being planned (`shareData`): a multilingual job and continued's replay read it in O(1).
        var data = TrainingSum()
        /// The plan's phase totals, the builds' wall clock aside (`summarise` adds it).
        var initial = PhaseTotals()
        var maintenance = PhaseTotals()
    }
    var state = PlanState()
    /// The region of the build being planned (its last training job's), for its merge and evaluation.
    var buildRegion = 0

    /// A planned build: its jobs end at `jobEnd`; `step` is -1 for the initial build.
    struct BuildEntry {
        var jobEnd: Int
        var step: Int
    }

    init() {}

    /// Simulates every strategy of `scenario` with Poisson arrivals drawn from `seed`; read
    /// `outcomes`, `arrivals` and (with `record`) `recordings`. With `failureSeed`, each training
    /// job's interruptions (failures, spot preemptions) are drawn (`Goodput.drawn`) from
    /// `Xoshiro256StarStar(seed: failureSeed, stream: strategy index)`; without, jobs run their
    /// expected time.
    mutating func run(_ scenario: Scenario, seed: UInt64, record: Bool = false, failureSeed: UInt64? = nil) {
        prepare(scenario, seed: seed)
        outcomes.removeAll(keepingCapacity: true)
        recordings.removeAll(keepingCapacity: true)
        recording = record
        for index in scenario.strategies.indices {
            failures = failureSeed.map { Xoshiro256StarStar(seed: $0, stream: UInt64(index)) }
            plan(strategy: index, scenario: scenario)
            pool.schedule(gpus: scenario.hardware.poolGPUs)
            outcomes.append(summarise(scenario.strategies[index]))
            if record { recordings.append(recordingOfPlan(scenario.strategies[index], scenario: scenario)) }
        }
        recording = false
        failures = nil
    }

    /// Expands the schedule (Poisson arrivals from `seed`), groups the builds and prices the
    /// strategies' cost models: what every strategy's plan shares.
    mutating func prepare(_ scenario: Scenario, seed: UInt64) {
        horizonHours = Double(scenario.schedule.horizonDays) * 24
        pool.horizonHours = horizonHours
        layout(scenario)
        var rng = Xoshiro256StarStar(seed: seed)
        expand(scenario, rng: &rng)
        group(scenario)
        prepareModels(scenario)
        regionPlacement = RegionPlacement(scenario)
    }

    /// The recording of the strategy just planned and scheduled.
    private func recordingOfPlan(_ kind: StrategyKind, scenario: Scenario) -> StrategyRecording {
        StrategyRecording(
            kind: kind, horizonDays: scenario.schedule.horizonDays, costs: recordedCosts, start: pool.start,
            finish: pool.finish, builds: recordedBuilds, deployHours: deployHours)
    }
}
