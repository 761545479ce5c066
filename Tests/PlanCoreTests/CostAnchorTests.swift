import Foundation
import Testing
@testable import PlanCore

/// Published figures the cost model must reproduce (DESIGN §4, shared/reference/paper.md).
struct CostAnchorTests {
    let catalog = try! Catalog.bundled()

    /// Llama 3 paper (arXiv 2407.21783): 405B trained on 15.6T tokens with about 3.8e25 FLOPs.
    @Test func llama3_405BTrainingComputeIsWithin6PercentOf3_8e25() throws {
        var spec = JobSpec(model: "llama-3.1-405b")
        spec.method = .full
        spec.gpu = "h100-sxm"
        let estimate = try JobEstimate.training(
            try spec.resolve(in: catalog), tokens: 15.6e12, mfu: 0.4,
            rates: EnergyRates(gpuWatts: 700, pue: 1.1, kgCO2PerKWh: 0.385, usdPerGPUHour: 2))
        let flops = try #require(estimate.flops)
        #expect(abs(flops / 3.8e25 - 1) < 0.06, "got \(flops)")
        // The 6·N·D rule of thumb (Kaplan et al. 2020) lands in the same place.
        #expect(abs(flops / (6 * 405e9 * 15.6e12) - 1) < 0.06)
    }

    /// NVIDIA NeMo performance summary: Llama2-7B LoRA 25,206 vs SFT 17,120 tokens/s/GPU at
    /// near-equal model FLOP/s, so full/LoRA FLOPs per token ≈ 1.47.
    @Test(arguments: [8, 16, 64])
    func fullOverLoRAFlopsRatioMatchesNeMoThroughputRatio(rank: Int) throws {
        let model = try catalog.model("llama-2-7b")
        func flops(_ method: Finetune.Method) -> Double {
            TrainingFlops(model: model, method: method, rank: rank, targets: ModelArchitecture.projectionNames, gradientCheckpointing: false)
                .perToken(context: 4096)
        }
        let ratio = flops(.full) / flops(.lora)
        #expect(ratio > 1.35 && ratio < 1.6, "ratio \(ratio)")
    }

    /// LLaMA paper (arXiv 2302.13971) Table 15: 65B, 1,022,362 A100-80GB GPU-hours × 400 W ×
    /// PUE 1.1 = 449.8 MWh; × 0.385 kg/kWh = 173.2 tCO2eq.
    @Test func llama65BEnergyAndCO2FromGPUHours() throws {
        let rates = EnergyRates(gpuWatts: 400, pue: 1.1, kgCO2PerKWh: 0.385, usdPerGPUHour: 2)
        let estimate = try JobEstimate.footprint(gpuHours: 1_022_362, rates: rates)
        #expect(abs(estimate.energyKWh / 449_759 - 1) < 0.01)
        #expect(abs(estimate.co2Kg / 173_157 - 1) < 0.01)
    }

    /// LLaMA paper Table 15, smaller models: 7B 82,432 h → 36 MWh, 14 t; 13B 135,168 h → 59 MWh, 23 t.
    @Test(arguments: [(82_432.0, 36.0, 14.0), (135_168.0, 59.0, 23.0), (530_432.0, 233.0, 90.0)])
    func llamaFamilyEnergy(gpuHours: Double, mwh: Double, tonnes: Double) throws {
        let f = EnergyRates(gpuWatts: 400, pue: 1.1, kgCO2PerKWh: 0.385, usdPerGPUHour: 0).footprint(gpuHours: gpuHours)
        #expect(abs(f.kwh / 1000 - mwh) < 1)
        #expect(abs(f.co2Kg / 1000 - tonnes) < 1)
    }

    /// Parameter counts from the architecture match each model card's total within 2%.
    @Test(arguments: ["llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b", "llama-3.2-1b", "llama-3.2-3b",
                      "llama-2-7b", "mistral-7b", "qwen2.5-7b", "gemma-2-9b"])
    func parameterCountMatchesPublishedTotal(name: String) throws {
        let model = try catalog.model(name)
        let published = try #require(model.publishedParams)
        #expect(abs(model.totalParameters / published - 1) < 0.02, "\(name): \(model.totalParameters) vs \(published)")
    }

    @Test func gpuCatalogUsesDenseNotSparsityPeaks() throws {
        #expect(try catalog.gpu("a100-80gb").peakFlopsPerSecond == 312e12)
        #expect(try catalog.gpu("h100-sxm").peakFlopsPerSecond == 989e12)
        for name in ["a100-40gb", "a100-80gb", "h100-sxm", "h100-pcie", "h200", "l40s", "rtx-4090"] {
            #expect(catalog.gpus[name] != nil, "missing \(name)")
        }
    }
}
