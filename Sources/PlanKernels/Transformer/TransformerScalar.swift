import Foundation

/// A `BLASScalar` with the transcendental functions the transformer's elementwise kernels need.
///
/// Float runs training; Double runs the finite-difference gradient checks. Conformances forward to
/// the C library (`expf`, `exp`).
protocol TransformerScalar: BLASScalar {
    /// e^x.
    static func exponential(_ x: Self) -> Self
    /// The natural logarithm.
    static func logarithm(_ x: Self) -> Self
    /// cos and sin of a Double angle, in this precision.
    static func rotation(_ angle: Double) -> (cos: Self, sin: Self)
}

extension Float: TransformerScalar {
    @inline(__always) static func exponential(_ x: Float) -> Float { Foundation.exp(x) }
    @inline(__always) static func logarithm(_ x: Float) -> Float { Foundation.log(x) }
    static func rotation(_ angle: Double) -> (cos: Float, sin: Float) { (Float(Foundation.cos(angle)), Float(Foundation.sin(angle))) }
}

extension Double: TransformerScalar {
    @inline(__always) static func exponential(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) static func logarithm(_ x: Double) -> Double { Foundation.log(x) }
    static func rotation(_ angle: Double) -> (cos: Double, sin: Double) { (Foundation.cos(angle), Foundation.sin(angle)) }
}
