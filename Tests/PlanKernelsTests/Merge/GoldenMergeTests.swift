import Foundation
import Testing
@testable import PlanKernels
import PlanTestSupport

@Suite("merges equal PEFT's add_weighted_adapter")
struct GoldenMergeTests {
    static let factorLevel: Set<String> = ["linear", "ties", "dare_linear", "dare_ties", "magnitude_prune", "cat"]

    @Test("the fixtures hold every case of the golden README")
    func fixturesPresent() throws {
        #expect(try Golden.cases().count == 15)
        #expect(Golden.allCases.count == 15)
    }

    @Test("every golden case: per module ΔW (and factors for factor-level types) within 1e-5", arguments: Golden.allCases)
    func matchesPEFT(_ golden: Golden.Case) throws {
        let adapters = try golden.adapters.map(Golden.adapter)
        let options = MergeOptions(
            method: try MergeMethod.named(golden.combination_type), weights: golden.weights, density: golden.density,
            majoritySign: try #require(MajoritySign(rawValue: golden.majority_sign_method)), svdRank: golden.svd_rank)
        let outcome = try AdapterMerger.merge(adapters, options: options)
        let expected = try Golden.expected(golden.name)
        #expect(outcome.adapter.config.rank == expected.config.rank)
        #expect(outcome.adapter.config.alpha == expected.config.alpha)
        #expect(outcome.adapter.modules.map(\.name) == expected.modules.map(\.name))
        for (ours, theirs) in zip(outcome.adapter.modules, expected.modules) {
            let ourDelta = try ours.delta(scaling: Float(outcome.adapter.config.scaling))
            let theirDelta = try theirs.delta(scaling: Float(expected.config.scaling))
            let error = relativeError(ourDelta.storage, theirDelta.storage)
            if let gap = try Self.truncationGap(golden, ours.name, adapters), gap < 0.01 {
                // σ_k ≈ σ_{k+1}: PEFT's float32 SVD is itself only accurate to about n·ε·σ₁/(σ_k − σ_{k+1})
                // (Wedin). Check against that bound, and ours against an exact Double recomputation at 1e-5.
                let bound = Double(min(ours.inFeatures, ours.outFeatures)) * Double(Float.ulpOfOne) / gap
                #expect(error <= bound, "\(golden.name) \(ours.name) ΔW vs PEFT (gap \(gap))")
                let exact = try Self.exactTruncatedDelta(golden, ours.name, adapters)
                #expect(relativeError(ourDelta.storage, exact) <= 1e-5, "\(golden.name) \(ours.name) ΔW vs exact")
            } else {
                #expect(error <= 1e-5, "\(golden.name) \(ours.name) ΔW")
            }
            if Self.factorLevel.contains(golden.combination_type) {
                #expect(relativeError(ours.a.storage, theirs.a.storage) <= 1e-5, "\(golden.name) \(ours.name) A")
                #expect(relativeError(ours.b.storage, theirs.b.storage) <= 1e-5, "\(golden.name) \(ours.name) B")
            }
        }
    }

    /// For *svd cases: (σ_k − σ_{k+1}) / σ₁ of the merged dense ΔW, computed in Double; nil otherwise.
    static func truncationGap(_ golden: Golden.Case, _ module: String, _ adapters: [LoRAAdapter]) throws -> Double? {
        guard golden.combination_type.hasSuffix("svd") else { return nil }
        let s = try mergedDense(golden, module, adapters).svd().s
        let k = golden.svd_rank ?? 8
        return (s[k - 1] - s[k]) / s[0]
    }

    /// The merged dense ΔW of an *svd case in Double (exact magnitude selection by sorting).
    static func mergedDense(_ golden: Golden.Case, _ module: String, _ adapters: [LoRAAdapter]) throws -> Matrix<Double> {
        var deltas: [[Float]] = []
        for adapter in adapters {
            let m = try #require(adapter.modules.first { $0.name == module })
            deltas.append(try Matrix.product(m.b.converted(to: Double.self), m.a.converted(to: Double.self), alpha: adapter.config.scaling)
                .storage.map { Float($0) })
        }
        let consensus: MajoritySign? = golden.combination_type == "ties_svd" ? .total : nil
        let merged = referenceMerge(deltas, weights: golden.weights, density: golden.density, consensus: consensus)
        let first = try #require(adapters[0].modules.first { $0.name == module })
        return try Matrix(rows: first.outFeatures, columns: first.inFeatures, columnMajor: merged)
    }

    /// The rank-k truncation of the merged dense ΔW, all in Double.
    static func exactTruncatedDelta(_ golden: Golden.Case, _ module: String, _ adapters: [LoRAAdapter]) throws -> [Double] {
        let (u, s, vt) = try mergedDense(golden, module, adapters).svd()
        let k = golden.svd_rank ?? 8
        var us = u.columns(0..<k)
        for j in 0..<k { for i in 0..<us.rows { us[i, j] *= s[j] } }
        return try Matrix.product(us, vt.rows(0..<k)).storage
    }

    @Test("a merged adapter written to disk reloads as the same adapter")
    func writtenMergeReloads() throws {
        let adapters = try ["en", "fr"].map(Golden.adapter)
        let outcome = try AdapterMerger.merge(adapters, options: MergeOptions(method: .ties, density: 0.5))
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try AdapterWriter.write(outcome.adapter, to: folder.appendingPathComponent("merged"))
        let reloaded = try LoRAAdapter.load(folder.appendingPathComponent("merged"))
        #expect(reloaded.modules == outcome.adapter.modules)
        let expected = try Golden.expected("ties_pair_en_fr")
        for (ours, theirs) in zip(reloaded.modules, expected.modules) {
            #expect(relativeError(ours.a.storage, theirs.a.storage) <= 1e-5)
        }
    }
}
