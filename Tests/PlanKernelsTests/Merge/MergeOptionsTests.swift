import Testing
@testable import PlanKernels

@Suite("merge methods and options")
struct MergeOptionsTests {
    @Test("all thirteen methods are registered by their PEFT names")
    func registry() throws {
        let names = [
            "linear", "ties", "dare_linear", "dare_ties", "magnitude_prune", "cat", "svd", "ties_svd", "dare_linear_svd",
            "dare_ties_svd", "magnitude_prune_svd", "knots_ties", "knots_dare_ties",
        ]
        #expect(MergeMethod.all.map(\.name) == names)
        for name in names { #expect(try MergeMethod.named(name).name == name) }
    }

    struct BadOptions: Sendable, CustomTestStringConvertible {
        let name: String
        let options: @Sendable () throws -> MergeOptions
        let adapters: Int
        let message: String
        var testDescription: String { name }
    }

    static let bad: [BadOptions] = [
        BadOptions(name: "unknown method", options: { MergeOptions(method: try .named("average")) }, adapters: 2, message: "unknown merge method 'average'"),
        BadOptions(name: "negative density", options: { MergeOptions(method: .ties, density: -0.5) }, adapters: 2, message: "density must be"),
        BadOptions(name: "nan density", options: { MergeOptions(method: .ties, density: .nan) }, adapters: 2, message: "density must be"),
        BadOptions(name: "zero density for dare", options: { MergeOptions(method: .dareTies, density: 0) }, adapters: 2, message: "> 0"),
        BadOptions(name: "missing density", options: { MergeOptions(method: .ties) }, adapters: 2, message: "needs a density"),
        BadOptions(name: "too few weights", options: { MergeOptions(method: .linear, weights: [1]) }, adapters: 2, message: "1 weights for 2 adapters"),
        BadOptions(name: "too many weights", options: { MergeOptions(method: .linear, weights: [1, 1, 1]) }, adapters: 2, message: "3 weights for 2 adapters"),
        BadOptions(name: "no adapters", options: { MergeOptions(method: .linear) }, adapters: 0, message: "no adapters"),
        BadOptions(name: "svd rank zero", options: { MergeOptions(method: .svd, svdRank: 0) }, adapters: 2, message: "svd rank"),
    ]

    @Test("invalid options are usage errors with a message", arguments: bad)
    func refusesBadOptions(_ row: BadOptions) {
        do {
            _ = try row.options().validatedWeights(adapterCount: row.adapters)
            Issue.record("accepted invalid options")
        } catch let error as KernelError {
            #expect(error.kind == .usage)
            #expect(error.description.contains(row.message), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("factor-level methods refuse adapters of different ranks; cat and svd accept them")
    func mismatchedRanks() throws {
        let en = try Golden.adapter("en")
        var small = en
        small.config = en.config.merged(rank: 4, targetModules: en.config.targetModules)
        small.modules = try en.modules.map { try LoRAModule(name: $0.name, a: $0.a.rows(0..<4), b: $0.b.columns(0..<4)) }
        #expect(throws: KernelError.self) { try AdapterMerger.merge([en, small], options: MergeOptions(method: .linear)) }
        #expect(try AdapterMerger.merge([en, small], options: MergeOptions(method: .cat)).rank == 12)
        #expect(try AdapterMerger.merge([en, small], options: MergeOptions(method: .svd)).rank == 8)
    }

    @Test("modules whose shapes differ between adapters are refused")
    func mismatchedShapes() throws {
        let en = try Golden.adapter("en")
        var other = try Golden.adapter("fr")
        other.modules[0] = try LoRAModule(name: other.modules[0].name, a: other.modules[0].a.columns(0..<10), b: other.modules[0].b)
        do {
            _ = try AdapterMerger.merge([en, other], options: MergeOptions(method: .linear))
            Issue.record("merged mismatched shapes")
        } catch let error as KernelError {
            #expect(error.kind == .invalidData)
            #expect(error.description.contains("same base model"))
        }
    }
}
