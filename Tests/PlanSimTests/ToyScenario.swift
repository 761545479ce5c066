import Foundation
@testable import PlanCore

/// A scenario whose jobs take round numbers of hours, so expectations can be computed by hand:
/// the GPU's peak is set so that one trained token (1 token per example, 1 epoch) costs exactly
/// one GPU-hour at MFU 1; evaluations are free; every training job and merge adds 1 hour of
/// start-up. Languages a, b, c have 2, 3 and 4 examples: adapter jobs take 3, 4 and 5 hours,
/// the multilingual job 9 + 1 = 10 hours.
enum ToyScenario {
    static let model = ModelArchitecture(name: "toy", layers: 1, hidden: 4, mlp: 8, heads: 2, kvHeads: 1, vocab: 10)

    static func yaml(strategies: String = "[full-retrain, merge]", schedule: String, pool: Int = 2, extra: String = "") -> String {
        let flopsPerToken = TrainingFlops(model: model, method: .lora, rank: 1, targets: ["q_proj"], gradientCheckpointing: false)
            .perToken(context: 1)
        let peakTFLOPs = flopsPerToken / 3600 / 1e12
        return """
            version: 1
            name: toy
            model: {name: toy, layers: 1, hidden: 4, mlp: 8, heads: 2, kv_heads: 1, vocab: 10}
            finetune: {method: lora, rank: 1, alpha: 1, targets: [q_proj], epochs: 1, packing: false, sequence_length: 1}
            hardware: {gpu: a100-80gb, peak_tflops: \(peakTFLOPs), mfu: 1, pool_gpus: \(pool), gpus_per_job: 1, usd_per_gpu_hour: 2, gpu_watts: 1000, pue: 1, kg_co2_per_kwh: 0.5}
            overheads: {job_startup_minutes: 60, merge_startup_minutes: 60, evaluation_startup_minutes: 0, evaluation_examples_per_language: 0}
            languages:
              a: {examples: 2, tokens_per_example: 1}
              b: {examples: 3, tokens_per_example: 1}
              c: {examples: 4, tokens_per_example: 1}
            merge: {method: linear}
            schedule:
            \(schedule.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            strategies: \(strategies)
            \(extra)
            """
    }

    static func load(_ text: String) throws -> Scenario {
        try ScenarioLoader(catalog: try Catalog.bundled()).load(text: text, file: "toy.yaml")
    }
}
