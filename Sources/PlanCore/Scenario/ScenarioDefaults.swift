import Foundation

/// Every default of a scenario, and of the commands that price or simulate one, in one place:
/// what an omitted field (or section) means. `ScenarioLoader` starts from these, `plan
/// estimate`'s options default to them, and `scenarios/README.md` documents them.
///
/// The sections that need no input to exist (`Finetune`, `Overheads`, `MergeSettings`,
/// `Schedule`, `ContinuedSettings`, `HybridSettings`) keep each default beside its field's
/// declaration and are gathered here as values; `Hardware` cannot exist without a GPU and a
/// stack, so its GPU-independent defaults are typed here and its declarations refer to them
/// (`gpu_watts` defaults to the GPU's board power, `stack` to the profile's own or `hf`).
public enum ScenarioDefaults {
    /// The seed of Poisson arrivals and Monte Carlo draws when a command is given no `--seed`.
    public static let seed: UInt64 = 42
    /// The catalog GPU `plan estimate` prices a job on without `--gpu` or `--profile`.
    public static let gpu = "a100-80gb"
    public static let name = "unnamed"
    /// Strategies simulated when `strategies` is absent.
    public static let strategies: [StrategyKind] = [.fullRetrain, .merge]

    /// `finetune: {}`.
    public static let finetune = Finetune()
    /// `overheads: {}`.
    public static let overheads = Overheads()
    /// `merge: {}`.
    public static let merge = MergeSettings()
    /// `schedule: {}`: 365 days, no updates.
    public static let schedule = Schedule()
    public static let continued = ContinuedSettings()
    public static let hybrid = HybridSettings()

    // `hardware`, the fields that do not depend on the GPU.
    public static let poolGPUs = 8
    /// The count an explicit job shape starts from (`plan estimate --gpus`); a scenario's
    /// `gpus_per_job` defaults to `auto`.
    public static let gpusPerJob = 1
    /// `hardware.tensor_parallel`: no tensor parallelism.
    public static let tensorParallel = 1
    public static let networkGBPerSecond = 50.0
    public static var networkBytesPerSecond: Double { networkGBPerSecond * 1e9 }
    public static let mergeEfficiency = 0.5
    public static let usdPerGPUHour = 2.0
    public static let pue = 1.1
    /// CodeCarbon's world fallback.
    public static let kgCO2PerKWh = 0.475
    public static let pricing = Hardware.Pricing.onDemand
}
