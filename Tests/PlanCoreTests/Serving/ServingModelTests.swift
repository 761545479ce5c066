import Foundation
import Testing
@testable import PlanCore

/// The serving model (docs/serving.md): published anchors within their tolerances, the
/// directions every term must move in, and the errors a bad request gets.
struct ServingModelTests {
    static let catalog = try! Catalog.bundled()
    static let anchors = (try? ServingAnchor.bundled()) ?? []
    static let heldNames = anchors.filter(\.anchor).map(\.name)

    func capacity(_ model: String, _ gpu: String, input: Double = 500, output: Double = 200, adapters: ServingAdapters? = nil,
                  target: Double? = nil, stack: String = ServingStack.defaultName) throws -> ServingCapacity {
        try ServingModel.capacity(
            model: try Self.catalog.model(model), gpu: try Self.catalog.gpu(gpu), stack: try ServingStack.named(stack),
            workload: ServingWorkload(inputTokens: input, outputTokens: output), adapters: adapters, maxMsPerOutputToken: target)
    }

    // MARK: anchors

    @Test(arguments: heldNames)
    func anchorIsWithinItsTolerance(name: String) throws {
        let anchor = try #require(Self.anchors.first { $0.name == name })
        let check = try anchor.check(in: Self.catalog)
        let tolerance = try #require(anchor.tolerance)
        #expect(abs(check.error) <= tolerance, "\(name): predicted \(check.predicted) vs published \(check.published), error \(check.error)")
    }

    /// The held set covers what the issue asks: dense throughput on two stacks, a prefill row and
    /// the multi-LoRA slowdown.
    @Test func heldAnchorsCoverDenseDecodePrefillAndLoRA() {
        let held = Self.anchors.filter(\.anchor)
        let dense = held.filter { if case .outputTokensPerSecondPerGPU = $0.metric { $0.adapters == nil } else { false } }
        #expect(dense.count >= 2)
        #expect(Set(dense.map(\.stack)).count >= 2)
        #expect(held.contains { if case .prefillTokensPerSecondPerGPU = $0.metric { true } else { false } })
        #expect(held.contains { $0.metric.isSlowdown })
        #expect(Self.anchors.allSatisfy { !$0.source.isEmpty && !$0.toleranceReason.isEmpty })
    }

    @Test func everyRowResolvesAgainstTheCatalog() throws {
        for anchor in Self.anchors {
            let check = try anchor.check(in: Self.catalog)
            #expect(check.predicted.isFinite && check.capacity.batch >= 1, "\(anchor.name)")
        }
    }

    // MARK: first principles

    /// Batch-1 decode of an 8B model reads its weights once per step: the step is weights over the
    /// achieved bandwidth plus the fixed overhead, with a sliver of KV cache (computed here from
    /// the datasheet and the architecture, independently of the model's code).
    @Test func batchOneDecodeStepIsTheWeightRead() throws {
        let stack = try ServingStack.named("vllm")
        let model = try Self.catalog.model("llama-3.1-8b"), gpu = try Self.catalog.gpu("h100-sxm")
        let result = try ServingModel.capacity(
            model: model, gpu: gpu, stack: stack, workload: ServingWorkload(inputTokens: 1000, outputTokens: 100, maxConcurrency: 1),
            adapters: nil, maxMsPerOutputToken: nil)
        let bandwidth = 3350e9 * stack.decodeBandwidthFraction
        let weights = 8.03e9 * 2 / bandwidth
        let kv = 1050.0 * 2 * 32 * 8 * 128 * 2 / bandwidth
        let expected = (weights + kv + stack.stepOverheadSeconds) * 1000
        #expect(result.batch == 1 && result.batchLimit == .concurrency)
        #expect(abs(result.msPerOutputToken / expected - 1) < 0.01, "\(result.msPerOutputToken) vs \(expected)")
    }

    /// The batch the KV cache holds: memory left after weights and the reserve over the mean context.
    @Test func memoryBatchIsTheKVCacheOverTheMeanContext() throws {
        let stack = try ServingStack.named("tensorrt-llm")
        let result = try ServingModel.capacity(
            model: try Self.catalog.model("llama-2-7b"), gpu: try Self.catalog.gpu("a100-80gb"), stack: stack,
            workload: ServingWorkload(inputTokens: 2048, outputTokens: 2048), adapters: nil, maxMsPerOutputToken: nil, gpusPerReplica: 1)
        let free = 80 * Memory.gib * stack.memoryUtilization - 6.74e9 * 2 - stack.activationReserveBytes
        let perToken = 2.0 * 32 * 4096 * 2
        let expected = free / perToken / (2048 + 1024)
        #expect(result.batchLimit == .memory)
        #expect(abs(Double(result.batch) - expected) <= 0.02 * expected, "\(result.batch) vs \(expected)")
    }

    // MARK: directions

    @Test(arguments: [("llama-3.1-8b", "h100-sxm"), ("llama-2-7b", "a100-80gb"), ("llama-3.1-70b", "h100-sxm")])
    func moreInputTokensServeFewerRequests(model: String, gpu: String) throws {
        var previous = Double.infinity
        for input in [64.0, 256, 1024, 4096, 16384] {
            let rate = try capacity(model, gpu, input: input, output: 200).requestsPerSecondPerReplica
            #expect(rate < previous, "\(model) on \(gpu), input \(input): \(rate) requests/s")
            previous = rate
        }
    }

    /// On one replica size a tighter target can only shrink the batch.
    @Test(arguments: [("llama-3.1-8b", "h100-sxm", 1), ("llama-3.1-70b", "h100-sxm", 4), ("llama-2-7b", "a100-80gb", 1)])
    func tighterLatencyTargetGivesASmallerBatch(model: String, gpu: String, gpus: Int) throws {
        func batch(_ target: Double?, concurrency: Int? = nil) throws -> ServingCapacity {
            try ServingModel.capacity(
                model: try Self.catalog.model(model), gpu: try Self.catalog.gpu(gpu), stack: try ServingStack.named("vllm"),
                workload: ServingWorkload(inputTokens: 500, outputTokens: 200, maxConcurrency: concurrency), adapters: nil,
                maxMsPerOutputToken: target, gpusPerReplica: gpus)
        }
        let free = try batch(nil)
        let single = try batch(nil, concurrency: 1).msPerOutputToken
        var previous = free
        for fraction in [1.0, 0.8, 0.5, 0.2, 0.05] {
            let target = single + (free.msPerOutputToken - single) * fraction
            let result = try batch(target)
            #expect(result.batch <= previous.batch, "target \(target) ms: batch \(result.batch)")
            #expect(result.meetsLatencyTarget && result.msPerOutputToken <= target + 1e-9)
            previous = result
        }
        #expect(previous.batch < free.batch && previous.batchLimit == .latency)
    }

    /// Over every replica size a tighter target never serves more tokens per GPU (the choices shrink).
    @Test func tighterLatencyTargetIsNeverCheaper() throws {
        var previous = Double.infinity
        for target in [100.0, 30, 15, 10, 8, 6, 5] {
            let result = try capacity("llama-3.1-8b", "h100-sxm", target: target)
            #expect(result.tokensPerSecondPerGPU <= previous, "target \(target) ms")
            if result.meetsLatencyTarget { #expect(result.msPerOutputToken <= target) }
            previous = result.tokensPerSecondPerGPU
        }
    }

    @Test func anUnreachableTargetGivesBatchOneAndSaysSo() throws {
        let result = try capacity("llama-3.1-8b", "h100-sxm", target: 1)
        #expect(result.batch == 1 && !result.meetsLatencyTarget && result.batchLimit == .latency)
        #expect(result.msPerOutputToken > 1)
    }

    @Test func moreAdaptersAreNeverFaster() throws {
        var previous = try capacity("llama-3.1-8b", "h100-sxm").outputTokensPerSecondPerGPU
        for count in [1, 2, 8, 20, 64, 200] {
            let rate = try capacity("llama-3.1-8b", "h100-sxm", adapters: ServingAdapters(count: count, rank: 16)).outputTokensPerSecondPerGPU
            #expect(rate <= previous, "\(count) adapters: \(rate) tok/s/GPU")
            previous = rate
        }
    }

    /// The trade-off the planner prices: serving unmerged adapters costs more per token than the
    /// merged (dense) model on the same GPU, on every stack.
    @Test(arguments: ["vllm", "tensorrt-llm"])
    func multiLoRACostsMorePerTokenThanDense(stack: String) throws {
        for (model, gpu) in [("llama-3.1-8b", "h100-sxm"), ("llama-3.1-70b", "h100-sxm"), ("llama-2-7b", "a100-80gb")] {
            let dense = try capacity(model, gpu, stack: stack)
            let lora = try capacity(model, gpu, adapters: ServingAdapters(count: 20, rank: 16), stack: stack)
            #expect(lora.tokensPerSecondPerGPU < dense.tokensPerSecondPerGPU, "\(model) on \(gpu) with \(stack)")
            #expect(lora.msPerOutputToken > dense.msPerOutputToken || lora.batch < dense.batch)
            #expect(lora.distinctAdaptersPerBatch == min(20, lora.batch) && dense.distinctAdaptersPerBatch == 0, "batch \(lora.batch)")
        }
    }

    @Test func aLargerRankCostsMore() throws {
        let small = try capacity("llama-3.1-8b", "h100-sxm", adapters: ServingAdapters(count: 8, rank: 16))
        let large = try capacity("llama-3.1-8b", "h100-sxm", adapters: ServingAdapters(count: 8, rank: 128))
        #expect(large.outputTokensPerSecondPerGPU < small.outputTokensPerSecondPerGPU)
        // Ranks below the stack's minimum compute at it.
        let tiny = try capacity("llama-3.1-8b", "h100-sxm", adapters: ServingAdapters(count: 8, rank: 4))
        #expect(tiny == small)
    }

    // MARK: replica size

    @Test(arguments: ["h100-sxm", "a100-80gb"])
    func a70BNeedsMoreThanOneEightyGigabyteGPU(gpu: String) throws {
        let result = try capacity("llama-3.1-70b", gpu)
        #expect(result.gpusPerReplica > 1)
        #expect([2, 4, 8].contains(result.gpusPerReplica))
        #expect(try capacity("llama-3.1-8b", gpu).gpusPerReplica == 1)
    }

    @Test func aModelThatFitsNoReplicaIsAnError() throws {
        #expect {
            try capacity("llama-3.1-405b", "l40s")
        } throws: { error in
            "\(error)".contains("does not fit for serving on up to 8 x l40s")
        }
    }

    // MARK: errors

    @Test func anUnknownStackNamesTheKnownOnes() {
        #expect {
            try ServingStack.named("nope")
        } throws: { error in
            let text = "\(error)"
            return text.contains("unknown serving stack 'nope'") && text.contains("tensorrt-llm") && text.contains("vllm")
        }
        #expect((try? ServingStack.named("VLLM"))?.name == "vllm")
    }

    @Test func badRequestsAreErrors() throws {
        #expect(throws: PlanCoreError.self) { try capacity("llama-3.1-8b", "h100-sxm", input: 0) }
        #expect(throws: PlanCoreError.self) { try capacity("llama-3.1-8b", "h100-sxm", output: .nan) }
        #expect(throws: PlanCoreError.self) { try capacity("llama-3.1-8b", "h100-sxm", target: -5) }
        #expect(throws: PlanCoreError.self) { try capacity("llama-3.1-8b", "h100-sxm", adapters: ServingAdapters(count: 0, rank: 8)) }
        #expect(throws: PlanCoreError.self) {
            try capacity("llama-3.1-8b", "h100-sxm", adapters: ServingAdapters(count: 2, rank: 8, targets: ["wq"]))
        }
    }

    @Test func capacityEncodesWithSnakeCaseKeys() throws {
        let result = try capacity("llama-3.1-8b", "h100-sxm", adapters: ServingAdapters(count: 3, rank: 8))
        let data = try JSONEncoder().encode(result)
        let keys = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]).keys
        #expect(keys.contains("tokens_per_second_per_gpu") && keys.contains("gpus_per_replica") && keys.contains("meets_latency_target"))
        #expect(try JSONDecoder().decode(ServingCapacity.self, from: data) == result)
    }
}
