import Foundation
import Testing
@testable import PlanKernels

/// Issue 28: pairing modules across adapters is a dictionary lookup (2 × 60,000 modules took
/// 36 s when each name was searched in every adapter's list), and module counts are bounded.
struct ModulePairingTests {
    static func adapter(_ names: [String], value: Float) throws -> LoRAAdapter {
        let config = try AdapterConfig.parse(Data(#"{"r": 1, "lora_alpha": 1, "target_modules": ["q_proj"]}"#.utf8), path: "c")
        let modules = try names.map { name in
            try LoRAModule(
                name: name, a: Matrix(rows: 1, columns: 2, columnMajor: [value, value]), b: Matrix(rows: 2, columns: 1, columnMajor: [1, 1]))
        }
        return LoRAAdapter(config: config, modules: modules)
    }

    @Test func modulesArePairedByNameAndUnpairedOnesPassThrough() throws {
        let count = 5_000
        let first = try Self.adapter((0..<count).map { "layers.\($0).q_proj" }, value: 1)
        // The second adapter has every other module of the first and some of its own.
        let second = try Self.adapter((0..<count).filter { $0 % 2 == 0 }.map { "layers.\($0).q_proj" } + ["extra.\(0)", "extra.\(1)"], value: 3)
        let outcome = try AdapterMerger.merge([first, second], options: MergeOptions(method: .linear))
        let modules = Dictionary(uniqueKeysWithValues: outcome.adapter.modules.map { ($0.name, $0) })
        #expect(modules.count == count + 2)
        // Linear with weights 1, 1 and scaling 1: A's are summed through sqrt factors, B·A carries the sum.
        let shared = try #require(modules["layers.0.q_proj"])
        let alone = try #require(modules["layers.1.q_proj"])
        let extra = try #require(modules["extra.0"])
        #expect(shared.a.storage == [4, 4])
        #expect(alone.a.storage == [1, 1])
        #expect(extra.a.storage == [3, 3])
    }

    @Test func moduleCountsAreBounded() throws {
        let names = (0...AdapterMerger.maximumModules).map { "m\($0)" }
        let large = try Self.adapter(names, value: 1)
        let small = try Self.adapter(["m0"], value: 1)
        #expect(throws: KernelError.invalidData(
            path: "adapter 2", reason: "\(AdapterMerger.maximumModules + 1) modules, more than the limit of \(AdapterMerger.maximumModules) per adapter")) {
            try AdapterMerger.merge([small, large], options: MergeOptions(method: .linear))
        }
    }
}
