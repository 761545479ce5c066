import Foundation
import Testing
@testable import PlanCore

/// The serving data files: parsed once, every stack parameter sourced, bad rows refused with the
/// file and the field.
struct ServingDataTests {
    @Test func sharedDataIsAFreshParse() throws {
        #expect(try ServingStack.bundled() == (try ServingStack.parse(ResourceLocator.text("serving-stacks.yaml"), file: "serving-stacks.yaml")))
        #expect(try ServingAnchor.bundled() == (try ServingAnchor.parse(ResourceLocator.text("serving-anchors.yaml"), file: "serving-anchors.yaml")))
        #expect(try ServingStack.bundled()[ServingStack.defaultName] != nil)
    }

    @Test func everyStackParameterHasASource() throws {
        for (name, stack) in try ServingStack.bundled() {
            for key in ServingStack.parameterKeys {
                #expect(!(stack.sources[key] ?? "").isEmpty, "\(name).\(key)")
            }
        }
    }

    static let stackText = """
        s:
          prefill_efficiency: 0.6
          decode_bandwidth_fraction: 0.8
          step_overhead_seconds: 0.001
          memory_utilization: 0.9
          activation_reserve_gib: 2
          max_batch_sequences: 256
          all_reduce_latency_seconds: 0.00001
          lora_kernel_multiplier: 2
          lora_minimum_rank: 16
          lora_step_overhead_seconds_per_matrix: 0.00001
          lora_step_overhead_seconds_per_adapter: 0.00001
          max_resident_adapters: 8
          source: {SOURCES}
        """

    static func sources(except missing: String? = nil) -> String {
        "{" + ServingStack.parameterKeys.filter { $0 != missing }.map { "\($0): x" }.joined(separator: ", ") + "}"
    }

    @Test func aStackParsesWithEverySource() throws {
        let stacks = try ServingStack.parse(Self.stackText.replacingOccurrences(of: "{SOURCES}", with: Self.sources()), file: "f.yaml")
        #expect(stacks["s"]?.activationReserveBytes == 2 * Memory.gib)
    }

    @Test func aStackWithoutASourceForAParameterIsRefused() {
        let text = Self.stackText.replacingOccurrences(of: "{SOURCES}", with: Self.sources(except: "lora_kernel_multiplier"))
        #expect(throws: PlanCoreError.catalog("f.yaml: at s.source.lora_kernel_multiplier: missing source")) {
            try ServingStack.parse(text, file: "f.yaml")
        }
    }

    @Test func anAnchorWithoutAToleranceOrWithTwoMetricsIsRefused() {
        let base = "r: {source: s, model: m, gpu: g, input_tokens: 1, output_tokens: 1, tolerance_reason: why"
        #expect(throws: PlanCoreError.self) { try ServingAnchor.parse(base + ", output_tokens_per_second_per_gpu: 5, anchor: true}", file: "f") }
        #expect(throws: PlanCoreError.self) {
            try ServingAnchor.parse(base + ", output_tokens_per_second_per_gpu: 5, lora_slowdown: 0.1}", file: "f")
        }
        #expect(throws: PlanCoreError.self) { try ServingAnchor.parse(base + ", lora_slowdown: 0.1}", file: "f") }
        #expect((try? ServingAnchor.parse(base + ", output_tokens_per_second_per_gpu: 5}", file: "f"))?.count == 1)
    }
}
