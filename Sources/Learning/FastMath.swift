import Numerics

/// Vectorised element-wise functions. libm's tanhf costs about 20 ns per element here, half the cost of the
/// GEMM that produced its input on the MNIST MLP; these run at a few tenths of a ns.
public enum FastMath {
  /// tanh over a buffer. Float: the rational approximation of Eigen's `generic_fast_tanh_float`
  /// (a 13/6-degree odd/even polynomial ratio on [−7.9988, 7.9988], x itself below 4e-4), max absolute error
  /// below 2e-7 (tested over a dense grid against libm). Double: libm `tanh`, which the specs' float64 parity
  /// tests need.
  @inlinable public static func tanh<T: BLASScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int) {
    if T.self == Float.self {
      tanhFloat(UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self), n)
    } else {
      for i in 0..<n { y[i] = T.tanh(x[i]) }
    }
  }

  @inlinable public static func tanhFloat(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    let width = 8
    var i = 0
    while i + width <= n {
      let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(y + i).storeBytes(of: tanhApprox(v), as: SIMD8<Float>.self)
      i += width
    }
    while i < n {
      y[i] = tanhApprox(SIMD8<Float>(repeating: x[i]))[0]
      i += 1
    }
  }

  @inlinable @inline(__always)
  public static func tanhApprox(_ input: SIMD8<Float>) -> SIMD8<Float> {
    let clamp: Float = 7.99881172180175781
    let x = input.clamped(lowerBound: SIMD8(repeating: -clamp), upperBound: SIMD8(repeating: clamp))
    let x2 = x * x
    // Numerator: odd polynomial; denominator: even polynomial (Eigen, MathFunctionsImpl.h).
    var p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13
    p = x2 * p + -8.60467152213735e-11
    p = x2 * p + 5.12229709037114e-08
    p = x2 * p + 1.48572235717979e-05
    p = x2 * p + 6.37261928875436e-04
    p = x2 * p + 4.89352455891786e-03
    p = x * p
    var q = x2 * 1.19825839466702e-06 + 1.18534705686654e-04
    q = x2 * q + 2.26843463243900e-03
    q = x2 * q + 4.89352518554385e-03
    let r = p / q
    let tiny = (input .< SIMD8(repeating: 0.0004)) .& (input .> SIMD8(repeating: -0.0004))
    return r.replacing(with: input, where: tiny)
  }
}
