import ArgumentParser

/// `plan`: the merge-planner command line.
public struct PlanCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Price maintaining a multilingual fine-tuned LLM: full retraining vs per-language LoRA adapters merged.",
        discussion: """
            Exit codes: 0 ok, 64 usage, 65 invalid input data (scenario, adapter), 66 missing input file, \
            70 internal error, 73 cannot create output.
            Runs are stored in plan-runs.sqlite (override with --db or PLAN_DB); plots go to plots/.
            """,
        version: PlanVersion.current,
        subcommands: [
            Simulate.self, Estimate.self, SweepCommand.self, SensitivityCommand.self, Size.self, Report.self, Scenarios.self, Runs.self, Merge.self, Bench.self, Calibrate.self, Validate.self, Quality.self,
        ],
        defaultSubcommand: nil
    )

    public init() {}
}
