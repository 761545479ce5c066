import Foundation
import Testing
@testable import PlanCore

/// `hardware.link_gb_per_s` (and `plan estimate --link-gb-per-s`): replaces the GPU's in-node
/// collective bandwidth that FSDP gathers run at, through the one rate.
struct LinkBandwidthScenarioTests {
    let catalog = try! Catalog.bundled()
    var loader: ScenarioLoader { ScenarioLoader(catalog: catalog) }
    let base = try! Catalog.scenarioText(Catalog.defaultScenarioName)

    /// The default scenario's jobs on 4 a100-80gb (FSDP) in a pool of 8, with `link` when given.
    func sharded(link: String? = nil) -> String {
        let text = base.replacingOccurrences(of: "pool_gpus: 2 ", with: "pool_gpus: 8 ")
            .replacingOccurrences(of: "gpus_per_job: auto ", with: "gpus_per_job: 4 ")
            .replacingOccurrences(of: "  stack: hf ", with: (link.map { "  link_gb_per_s: \($0)\n" } ?? "") + "  stack: hf ")
        precondition(text.contains("gpus_per_job: 4 ") && text.contains("pool_gpus: 8 "), "fixture drifted")
        return text
    }

    @Test func theFieldReplacesTheCatalogLinkAndSlowsShardedJobs() throws {
        let plain = try loader.load(text: sharded(), file: "s")
        let slow = try loader.load(text: sharded(link: "30"), file: "s")
        #expect(plain.hardware.gpu.linkBytesPerSecond == 230e9)  // the catalog's A100 NVLink figure
        #expect(slow.hardware.gpu.linkBytesPerSecond == 30e9)
        #expect(slow.trainingRate.job.gpus == 4 && slow.trainingRate.job.sharding == .fsdp)
        // FSDP gathers every layer's weights: at 30 GB/s they cost more of the step.
        #expect(slow.trainingRate.tokensPerSecond < plain.trainingRate.tokensPerSecond)
        // Only the link moved: the same value as the catalog's prices the job identically.
        let same = try loader.load(text: sharded(link: "230"), file: "s")
        #expect(same.trainingRate.tokensPerSecond == plain.trainingRate.tokensPerSecond)
        // One GPU per job gathers nothing: the link does not matter.
        let one = try loader.load(text: base.replacingOccurrences(of: "  stack: hf ", with: "  link_gb_per_s: 30\n  stack: hf "), file: "s")
        let alone = try loader.load(text: base, file: "s")
        #expect(one.trainingRate.job.gpus == 1 && one.trainingRate.tokensPerSecond == alone.trainingRate.tokensPerSecond)

        let row = { (s: Scenario, yaml: String) in s.assumptions(yaml: yaml).first { $0.path == "hardware.gpu link (collectives in a node)" } }
        #expect(row(slow, sharded(link: "30"))?.value == "30" && row(slow, sharded(link: "30"))?.origin == .scenario)
        #expect(row(plain, sharded())?.value == "230")
    }

    @Test(arguments: [("0", "must be"), ("-5", "must be"), (".nan", "finite"), ("fast", "expected a number")])
    func aBadValueIsOneDiagnostic(value: String, message: String) {
        let found = loader.diagnostics(sharded(link: value))
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.path == "hardware.link_gb_per_s", "\(found)")
        #expect(found.first?.message.contains(message) == true, "\(found)")
    }
}
