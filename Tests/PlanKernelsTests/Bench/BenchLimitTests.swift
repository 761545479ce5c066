import Foundation
import Testing
@testable import PlanKernels

/// Issue 28: `bench finetune` and `bench merge` bounded each argument but not their product
/// (SIGABRT allocating 739 GB); the product is now estimated and checked before any allocation.
struct BenchLimitTests {
    static func options(dModel: Int, layers: Int, sequence: Int, rank: Int, sequences: Int) -> FineTuneBenchmark.Options {
        var options = FineTuneBenchmark.Options()
        options.dModel = dModel
        options.layers = layers
        options.sequenceLength = sequence
        options.rank = rank
        options.sequences = sequences
        return options
    }

    /// The estimate counts exactly what the model's layouts allocate (so it cannot drift from them),
    /// plus the token buffers and the sgemm reference.
    @Test(arguments: [(64, 1, 8, 1, 1), (256, 2, 32, 4, 3), (1024, 4, 256, 16, 4)])
    func estimateMatchesTheLayouts(dModel: Int, layers: Int, sequence: Int, rank: Int, sequences: Int) {
        let options = Self.options(dModel: dModel, layers: layers, sequence: sequence, rank: rank, sequences: sequences)
        let config = options.config
        let base = BaseLayout(config).count
        let lora = LoRALayout(config, mode: options.mode).count
        let activations = ActivationLayout(config, loraRank: rank, loraTargets: Projection.allCases.count, sequences: sequences).count
        let tokens = 6 * sequences * sequence
        let sgemm = 5 * options.sgemmSize * options.sgemmSize
        #expect(options.estimatedBytes == Double(4 * (base + 4 * lora + activations + tokens + sgemm)))
    }

    @Test func theIssuesFinetuneIsRefusedBeforeAllocating() {
        let options = Self.options(dModel: 16384, layers: 256, sequence: 16384, rank: 4096, sequences: 4096)
        #expect(options.estimatedBytes > 1e15)
        #expect(throws: KernelError.self) { try options.checkLimits() }
        do { try FineTuneBenchmark.run(options) } catch let KernelError.invalidArgument(message) {
            #expect(message.hasPrefix("bench finetune would allocate about "))
            #expect(message.contains("GiB, more than the limit of"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        // Within the 32 GiB cap but too many FLOPs: the default model, 16 × its batch, 1,000 steps.
        var slow = FineTuneBenchmark.Options()
        slow.sequences = 64
        slow.steps = 1000
        #expect(slow.estimatedBytes <= BenchLimits.maximumBytes)
        #expect(slow.estimatedFlops > BenchLimits.maximumFlops)
        #expect(throws: KernelError.self) { try slow.checkLimits() }
        // The defaults pass.
        #expect((try? FineTuneBenchmark.Options().checkLimits()) != nil)
    }

    @Test func mergeBenchProductsAreBounded() {
        #expect(MergeBenchmark.estimatedBytes(tasks: 5, elements: 16_777_216) == 4 * 12 * 16_777_216)
        #expect((try? MergeBenchmark.checkLimits(tasks: 5, elements: 16_777_216, repetitions: 5, comparePortable: true)) != nil)
        for (tasks, elements, repetitions) in [(Int.max, Int.max, 1), (100_000, 100_000_000, 1), (2, 1 << 20, 1_000_000_000)] {
            #expect(throws: KernelError.self) {
                try MergeBenchmark.checkLimits(tasks: tasks, elements: elements, repetitions: repetitions, comparePortable: true)
            }
        }
    }
}
