import Foundation
import Testing
@testable import PlanKernels
import PlanRandom

/// The PEFT golden fixtures (`Fixtures/peft-merge`, made by `scripts/make-peft-fixtures.py`).
enum Golden {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let combination_type: String
        let adapters: [String]
        let weights: [Double]
        let density: Double?
        let majority_sign_method: String
        let svd_rank: Int?
        var testDescription: String { name }
    }

    struct Cases: Decodable {
        let peft_version: String
        let cases: [Case]
    }

    static var root: URL {
        get throws {
            let resources = try #require(Bundle.module.resourceURL)
            return resources.appendingPathComponent("Fixtures/peft-merge")
        }
    }

    static func cases() throws -> [Case] {
        let data = try Data(contentsOf: try root.appendingPathComponent("cases.json"))
        return try JSONDecoder().decode(Cases.self, from: data).cases
    }

    /// Cases loaded once for parameterised tests (an empty list fails the test that uses it).
    static let allCases: [Case] = (try? cases()) ?? []

    static let languages = ["en", "fr", "de", "zh", "ja"]

    static func adapterURL(_ language: String) throws -> URL {
        try root.appendingPathComponent("adapters/\(language)")
    }

    static func adapter(_ language: String) throws -> LoRAAdapter {
        try LoRAAdapter.load(try adapterURL(language))
    }

    static func expected(_ name: String) throws -> LoRAAdapter {
        try LoRAAdapter.load(try root.appendingPathComponent("expected/\(name)"))
    }
}

/// ‖x − y‖_F / ‖y‖_F in Double.
func relativeError<S: BinaryFloatingPoint, R: BinaryFloatingPoint>(_ x: [S], _ y: [R]) -> Double {
    precondition(x.count == y.count)
    var difference = 0.0, norm = 0.0
    for (a, b) in zip(x, y) {
        let d = Double(a) - Double(b)
        difference += d * d
        norm += Double(b) * Double(b)
    }
    return norm == 0 ? difference.squareRoot() : (difference / norm).squareRoot()
}

/// Uniform values in [-1, 1) from a seeded generator.
func randomValues(_ count: Int, seed: UInt64) -> [Float] {
    var generator = Xoshiro256StarStar(seed: seed)
    return (0..<count).map { _ in generator.nextUnitFloat() * 2 - 1 }
}
