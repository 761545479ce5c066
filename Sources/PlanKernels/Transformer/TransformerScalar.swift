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
    /// Replaces each of `count` values from `offset` of `values` with its exponential.
    static func exponentiate(_ values: BufferScope<Self>, offset: Int, count: Int)
}

extension Float: TransformerScalar {
    @inline(__always) static func exponential(_ x: Float) -> Float { Foundation.exp(x) }
    @inline(__always) static func logarithm(_ x: Float) -> Float { Foundation.log(x) }
    static func rotation(_ angle: Double) -> (cos: Float, sin: Float) { (Float(Foundation.cos(angle)), Float(Foundation.sin(angle))) }

    /// A branch-free e^x the compiler vectorises: x = n·ln 2 + r with |r| ≤ ln 2 / 2 (Cody–Waite
    /// split of ln 2), e^r by its degree-6 Taylor polynomial (relative error < 2e-7, about one
    /// Float ulp), times 2ⁿ built in the exponent bits. Inputs above 88 are clamped; below −50
    /// the result is exactly 0 (e^−50 ≈ 2e-22). Softmax and sigmoid only ever exponentiate
    /// values ≤ 0 relative to a maximum, and flushing the negligible tail keeps subnormal
    /// numbers, which cost x86 cores a microcode assist per operation, out of the attention
    /// probabilities and their gradients (training slowed down as attention sharpened before).
    static func exponentiate(_ values: BufferScope<Float>, offset: Int, count: Int) {
        let v = values.slice(from: offset, count: count)
        for i in 0..<count {
            let input = v[i]
            let x = min(max(input, -87), 88)
            // Round x·log2(e) to an integer by adding 1.5·2²³ (no rint call, which baseline x86-64
            // cannot inline and which would keep the loop scalar); the sum's low mantissa bits
            // then hold n, from which 2ⁿ is built without a trapping Float → Int conversion.
            let shifted = x * 1.442_695_04 + 12_582_912
            let n = shifted - 12_582_912
            let r = (x - n * 0.693_145_75) - n * 1.428_606_8e-6
            var p: Float = 1.0 / 720
            p = p * r + 1.0 / 120
            p = p * r + 1.0 / 24
            p = p * r + 1.0 / 6
            p = p * r + 0.5
            p = p * r + 1
            p = p * r + 1
            let value = p * Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) << 23)
            v[i] = input < -50 ? 0 : value
        }
    }
}

extension Double: TransformerScalar {
    @inline(__always) static func exponential(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) static func logarithm(_ x: Double) -> Double { Foundation.log(x) }
    static func rotation(_ angle: Double) -> (cos: Double, sin: Double) { (Foundation.cos(angle), Foundation.sin(angle)) }

    /// The C library's exp: gradient checks need full Double accuracy.
    static func exponentiate(_ values: BufferScope<Double>, offset: Int, count: Int) {
        for i in offset..<(offset + count) { values[i] = Foundation.exp(values[i]) }
    }
}
