import Foundation
import Testing
@testable import PlanCommands
import PlanCore

/// `plan estimate`'s options default to the scenario defaults, and its flags of a scenario
/// field's meaning take that field's range.
struct EstimateDefaultsTests {
    @Test func optionsDefaultToTheScenarioDefaults() throws {
        let command = try PlanCommand.Estimate.parse(["--model", "llama-3.1-8b", "--tokens", "1e9"])
        var expected = JobSpec(model: "llama-3.1-8b")
        let finetune = ScenarioDefaults.finetune
        #expect(expected.method == finetune.method && expected.rank == finetune.rank && expected.targets == finetune.targets)
        #expect(expected.microBatch == finetune.microBatchSize && expected.gradientAccumulation == finetune.gradientAccumulation)
        #expect(expected.sequenceLength == finetune.sequenceLength && expected.precision == finetune.precision)
        #expect(expected.gpu == ScenarioDefaults.gpu && expected.gpus == ScenarioDefaults.gpusPerJob)
        expected.gradientCheckpointing = nil  // the flag's default: auto
        #expect(command.spec == expected)
        #expect(command.pue == ScenarioDefaults.pue && command.kgCO2PerKWh == ScenarioDefaults.kgCO2PerKWh)
        #expect(command.usdPerGPUHour == ScenarioDefaults.usdPerGPUHour && command.networkGBPerS == ScenarioDefaults.networkGBPerSecond)
    }

    @Test(arguments: [
        (["--rank", "65537"], "--rank must be between 1 and 65536"),
        (["--micro-batch", "0"], "--micro-batch must be between 1 and 65536"),
        (["--gradient-accumulation", "1000001"], "--gradient-accumulation must be between 1 and 1000000"),
        (["--sequence-length", "10000001"], "--sequence-length must be between 1 and 10000000"),
    ])
    func flagsTakeTheFieldsRanges(_ flags: [String], _ message: String) {
        #expect(throws: (any Error).self) { try PlanCommand.Estimate.parse(["--model", "llama-3.1-8b", "--tokens", "1e9"] + flags) }
        do {
            _ = try PlanCommand.Estimate.parse(["--model", "llama-3.1-8b", "--tokens", "1e9"] + flags)
        } catch {
            #expect(PlanCommand.Estimate.message(for: error) == message)
        }
        #expect((try? PlanCommand.Estimate.parse(["--model", "llama-3.1-8b", "--tokens", "1e9", flags[0], "1"])) != nil)
    }

    @Test func commandsSeedFromTheDefault() throws {
        #expect(try PlanCommand.Simulate.parse([]).seed == ScenarioDefaults.seed)
        #expect(try PlanCommand.Size.parse(["--target-latency-hours", "1"]).seed == ScenarioDefaults.seed)
        #expect(try PlanCommand.SweepCommand.parse(["s.yaml"]).seed == ScenarioDefaults.seed)
    }
}
