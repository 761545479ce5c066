import Foundation
import Testing

/// `plan estimate` reproduces the published anchors end to end (DESIGN §4).
struct EstimateCommandTests {
    func figures(_ arguments: [String]) throws -> [String: Double] {
        let output = try Binary.run(["estimate"] + arguments + ["--format", "json"], in: Binary.workspace())
        #expect(output.status == 0, "\(output.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        return document.compactMapValues { $0 as? Double }
    }

    /// Llama 3 paper: 3.8e25 FLOPs for 405B on 15.6T tokens.
    @Test func llama3_405B() throws {
        let result = try figures(["--model", "llama-3.1-405b", "--tokens", "15.6e12", "--method", "full"])
        #expect(abs(result["flops"]! / 3.8e25 - 1) < 0.06)
        for key in ["flops_per_token", "gpu_hours", "wall_clock_hours", "cost_usd", "energy_kwh", "co2_kg"] { #expect(result[key] != nil) }
    }

    /// NVIDIA NeMo: LoRA 25,206 vs SFT 17,120 tokens/s/GPU on Llama2-7B.
    @Test func fullOverLoRAOnLlama2_7B() throws {
        let full = try figures(["--model", "llama-2-7b", "--tokens", "1e9", "--method", "full"])
        let lora = try figures(["--model", "llama-2-7b", "--tokens", "1e9", "--method", "lora"])
        let ratio = full["flops"]! / lora["flops"]!
        #expect(ratio > 1.35 && ratio < 1.6, "\(ratio)")
    }

    /// LLaMA paper Table 15: 449.8 MWh and 173.2 t for 65B.
    @Test func llama65BFootprint() throws {
        let result = try figures(["--gpu", "a100-80gb", "--gpu-hours", "1022362", "--gpu-watts", "400", "--pue", "1.1", "--kg-co2-per-kwh", "0.385"])
        #expect(abs(result["energy_kwh"]! / 449_759 - 1) < 0.01)
        #expect(abs(result["co2_kg"]! / 173_157 - 1) < 0.01)
    }
}
