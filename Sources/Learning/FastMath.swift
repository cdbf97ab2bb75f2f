import Numerics

/// Vectorised element-wise functions. libm's tanhf costs about 20 ns per element here, half the cost of the
/// GEMM that produced its input on the MNIST MLP; these run at a few tenths of a ns.
public enum FastMath {
  /// tanh over a buffer. Float: the rational approximation of Eigen's `generic_fast_tanh_float`
  /// (a 13/6-degree odd/even polynomial ratio on [−7.9988, 7.9988], x itself below 4e-4), max absolute error
  /// 3.3e-7, a few ulp (tested below 4e-7 over a dense grid against libm). Double: libm `tanh`, which the specs' float64 parity
  /// tests need.
  @inlinable public static func tanh<T: BLASScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int) {
    if T.self == Float.self {
      tanhFloat(UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self), n)
    } else {
      for i in 0..<n { y[i] = T.tanh(x[i]) }
    }
  }

  /// A plain scalar loop that LLVM vectorises (the SIMD8 formulation through Swift's generic SIMD
  /// operators measured slower).
  @inlinable public static func tanhFloat(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    let clamp: Float = 7.99881172180175781
    for i in 0..<n {
      let input = x[i]
      let v = Swift.min(Swift.max(input, -clamp), clamp)
      let v2 = v * v
      // Numerator: odd polynomial; denominator: even polynomial (Eigen, MathFunctionsImpl.h).
      var p: Float = v2 * -2.76076847742355e-16 + 2.00018790482477e-13
      p = v2 * p + -8.60467152213735e-11
      p = v2 * p + 5.12229709037114e-08
      p = v2 * p + 1.48572235717979e-05
      p = v2 * p + 6.37261928875436e-04
      p = v2 * p + 4.89352455891786e-03
      p = v * p
      var q: Float = v2 * 1.19825839466702e-06 + 1.18534705686654e-04
      q = v2 * q + 2.26843463243900e-03
      q = v2 * q + 4.89352518554385e-03
      let r = p / q
      y[i] = (input < 0.0004 && input > -0.0004) ? input : r
    }
  }
}
