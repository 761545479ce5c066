import Foundation
import Testing
@testable import PlanCore

/// The shipped catalog is parsed once per process and is the same as a fresh parse; bad catalog
/// data still fails with a catalog error naming the file and the entry.
struct CatalogTests {
    @Test func sharedCatalogIsAFreshParse() throws {
        let shared = try Catalog.bundled(), fresh = try Catalog.parse()
        #expect(shared.models == fresh.models && shared.gpus == fresh.gpus && shared.stacks == fresh.stacks)
        #expect(!shared.models.isEmpty && !shared.gpus.isEmpty && !shared.stacks.isEmpty)
        #expect(try PublishedRun.bundled() == (try PublishedRun.parse(ResourceLocator.text("anchors.yaml"), file: "anchors.yaml")))
    }

    @Test func concurrentFirstUsesAgree() async throws {
        let names = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<8 { group.addTask { try Catalog.bundled().models.keys.sorted() } }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        #expect(Set(names).count == 1)
    }

    @Test func badCatalogDataNamesTheFileAndEntry() {
        #expect(throws: PlanCoreError.catalog("gpus.yaml: at h100.memory_gib: expected a number, got the value \"lots\"")) {
            try Catalog.parseGPUs("h100: {peak_tflops_bf16: 989, memory_gib: lots, hbm_bandwidth_gbps: 3350, link_gb_per_s: 450, board_watts: 700}",
                                  file: "gpus.yaml")
        }
        #expect(throws: PlanCoreError.catalog("models.yaml is not a mapping")) { try Catalog.parseModels("- a\n", file: "models.yaml") }
    }

    @Test func aFailedLoadIsKeptAsACatalogError() {
        struct Unexpected: Error {}
        #expect(throws: PlanCoreError.catalog("Unexpected()")) { try Catalog.loaded { () throws -> Int in throw Unexpected() }.get() }
        #expect(throws: PlanCoreError.unknownGPU("x", known: [])) {
            try Catalog.loaded { () throws -> Int in throw PlanCoreError.unknownGPU("x", known: []) }.get()
        }
    }
}
