import Foundation
import Testing
@testable import PlanKernels

/// The vectorised Float exponential against the C library's, in Double.
struct ExponentialTests {
    @Test func floatExponentialIsWithinTwoULPsOfTheLibrary() {
        var values = stride(from: -50.0, through: 88.0, by: 0.0137).map { Float($0) }
        let inputs = values
        BufferScope.mutating(&values) { Float.exponentiate($0, offset: 0, count: $0.count) }
        var worst = 0.0
        for (x, y) in zip(inputs, values) {
            let exact = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(y) - exact) / exact)
        }
        #expect(worst < 2.5e-7, "\(worst)")
    }

    /// No subnormal results: the negligible tail is exactly 0, large inputs are clamped.
    @Test func flushesTheTailAndClampsOverflow() {
        var values: [Float] = [-1000, -90, -50.5, 0, 100]
        BufferScope.mutating(&values) { Float.exponentiate($0, offset: 0, count: $0.count) }
        #expect(values[0] == 0 && values[1] == 0 && values[2] == 0)
        #expect(values[3] == 1)
        #expect(values[4].isFinite)
    }
}
