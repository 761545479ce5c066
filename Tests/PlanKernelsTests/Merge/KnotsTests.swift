import Testing
@testable import PlanKernels

@Suite("KnOTS by the low-rank route")
struct KnotsTests {
    struct Setting: Sendable, CustomTestStringConvertible {
        let method: MergeMethod
        let density: Double
        let weights: [Double]
        var testDescription: String { "\(method.name) density \(density)" }
    }

    static let settings = [
        Setting(method: .knotsTies, density: 0.5, weights: [1, 1, 1, 1, 1]),
        Setting(method: .knotsTies, density: 0.2, weights: [1, 0.5, -0.3, 0.8, 0.25]),
        Setting(method: .knotsDareTies, density: 0.6, weights: [1, 1, 1, 1, 1]),
    ]

    @Test("low-rank factors equal the dense thin SVD of [ΔW_1 … ΔW_T] (ΔW within 1e-5)", arguments: settings)
    func lowRankEqualsDense(_ setting: Setting) throws {
        let adapters = try Golden.languages.map(Golden.adapter)
        let options = MergeOptions(method: setting.method, weights: setting.weights, density: setting.density, seed: 17)
        let outcome = try AdapterMerger.merge(adapters, options: options)
        #expect(outcome.rank == 40 && outcome.adapter.config.rank == 40)
        let pipeline = setting.method.pipeline(density: setting.density, majoritySign: .total, seed: 17)
        for (index, merged) in outcome.adapter.modules.enumerated() {
            let modules = adapters.map { $0.modules[index] }
            let scalings = adapters.map(\.config.scaling)
            let lowRank = try KnotsMerge.lowRankFactors(modules: modules, scalings: scalings)
            #expect(lowRank.u.columns <= 40)
            let dense = try KnotsMerge.denseFactors(modules: modules, scalings: scalings, rank: lowRank.u.columns)
            #expect(relativeError(lowRank.singularValues, dense.singularValues) <= 1e-10)
            let blocks = try pipeline.merge(dense.blocks, weights: setting.weights.map(Float.init), stream: UInt64(index) * 4)
            let denseDelta = try Matrix.product(
                dense.u, Matrix(rows: dense.u.columns, columns: modules[0].inFeatures, columnMajor: blocks))
            let lowRankDelta = try merged.delta(scaling: 1)
            #expect(relativeError(lowRankDelta.storage, denseDelta.storage) <= 1e-5, "\(merged.name)")
        }
    }

    @Test("without pruning or sign election, U · Σ_t w_t Σ V_tᵀ reproduces Σ_t w_t ΔW_t")
    func linearIdentity() throws {
        let adapters = try Golden.languages.map(Golden.adapter)
        let weights: [Double] = [1, 0.5, -0.3, 0.8, 0.25]
        let modules = adapters.map { $0.modules[3] }
        let scalings = adapters.map(\.config.scaling)
        let factors = try KnotsMerge.lowRankFactors(modules: modules, scalings: scalings)
        let merged = try TaskVectorMerge(sparsification: .none, consensus: nil)
            .merge(factors.blocks, weights: weights.map(Float.init))
        let delta = try Matrix.product(
            factors.u, Matrix(rows: factors.u.columns, columns: modules[0].inFeatures, columnMajor: merged))
        var expected = [Double](repeating: 0, count: delta.storage.count)
        for ((module, scaling), weight) in zip(zip(modules, scalings), weights) {
            let part = try module.delta(scaling: Float(scaling * weight))
            for index in expected.indices { expected[index] += Double(part.storage[index]) }
        }
        #expect(relativeError(delta.storage, expected) <= 1e-5)
    }
}
