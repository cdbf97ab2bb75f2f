import Numerics

/// Vectorised element-wise functions. libm's tanhf costs about 20 ns per element here, half the cost of the
/// GEMM that produced its input on the MNIST MLP; these run at a few tenths of a ns.
public enum FastMath {
  /// out[j] = c · Σ_row x[row, j] for a row-major x of rows × n (bias gradients: the column sums of an error),
  /// the rows summed in order from 0. Row by row through row pointers, so that the loop vectorises over j: a column at
  /// a time strides through memory, and a checked index r·n + j kept such loops scalar.
  @inlinable public static func columnSums<T: BLASScalar>(_ x: UnsafePointer<T>, rows: Int, columns n: Int, times c: T = 1,
                                                         into out: UnsafeMutablePointer<T>) {
    out.update(repeating: 0, count: n)
    for row in 0..<rows { let r = x + row * n; for j in 0..<n { out[j] += r[j] } }
    if c != 1 { for j in 0..<n { out[j] = c * out[j] } }
  }

  /// tanh over a buffer. Float: the rational approximation of Eigen's `generic_fast_tanh_float`
  /// (a 13/6-degree odd/even polynomial ratio on [−7.9988, 7.9988], x itself below 4e-4), max absolute error
  /// 3.3e-7, a few ulp (tested below 4e-7 over a dense grid against libm). Double: `tanhDouble`, within a few
  /// ulp of libm (tested below 6e-16 relative), which the float64 parity tests need.
  @inlinable public static func tanh<T: BLASScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int) {
    if T.self == Float.self {
      tanhFloat(UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self), n)
    } else if T.self == Double.self {
      tanhDouble(UnsafeRawPointer(x).assumingMemoryBound(to: Double.self),
                 UnsafeMutableRawPointer(y).assumingMemoryBound(to: Double.self), n)
    } else {
      for i in 0..<n { y[i] = T.tanh(x[i]) }
    }
  }

  /// Double tanh without libm calls, so that LLVM vectorises the loop: tanh|x| = e/(e + 2) with e = expm1(2|x|),
  /// and expm1(z) = 2^k (p + 1) − 1 = 2^k p + (2^k − 1) for z = k ln2 + r, |r| ≤ ln2/2, where p = expm1(r) is its
  /// Taylor polynomial to r¹³ (truncation below 1e-17 relative) and k comes from the 1.5·2⁵² rounding trick.
  /// No cancellation for small |x| (k = 0 gives e = p). |x| ≥ 20 gives ±1, as libm.
  /// In place (x == y) is as fast as out of place: LLVM's runtime overlap check fails for x == y and would run the
  /// scalar remainder loop over the whole buffer (7× slower), so that case loops over y alone.
  @inlinable public static func tanhDouble(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
    if x == UnsafePointer(y) {
      for i in 0..<n { y[i] = tanhDouble(y[i]) }
    } else {
      for i in 0..<n { y[i] = tanhDouble(x[i]) }
    }
  }

  @inlinable @inline(__always) static func tanhDouble(_ v: Double) -> Double {
    let shifter = 6755399441055744.0                   // 1.5·2⁵²
    let log2e = 1.4426950408889634, ln2Hi = 0.6931471803691238, ln2Lo = 1.9082149292705877e-10
    let a = Swift.min(Swift.abs(v), 20)
    let z = 2 * a
    let t = z * log2e + shifter
    let k = t - shifter
    let r = (z - k * ln2Hi) - k * ln2Lo
    // expm1(r) = r + r²/2! + … + r¹³/13!
    var p = 1.0 / 6227020800
    p = p * r + 1.0 / 479001600
    p = p * r + 1.0 / 39916800
    p = p * r + 1.0 / 3628800
    p = p * r + 1.0 / 362880
    p = p * r + 1.0 / 40320
    p = p * r + 1.0 / 5040
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = (p * r) * r + r
    let scale = Double(bitPattern: (t.bitPattern &- shifter.bitPattern &+ 1023) << 52)   // 2^k
    let e = scale * p + (scale - 1)
    let magnitude = e / (e + 2)
    return v < 0 ? -magnitude : magnitude
  }

  /// A plain scalar loop that LLVM vectorises (the SIMD8 formulation through Swift's generic SIMD
  /// operators measured slower).
  /// In place (x == y) loops over y alone, as `tanhDouble` does.
  @inlinable public static func tanhFloat(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    if x == UnsafePointer(y) {
      for i in 0..<n { y[i] = tanhFloat(y[i]) }
    } else {
      for i in 0..<n { y[i] = tanhFloat(x[i]) }
    }
  }

  @inlinable @inline(__always) static func tanhFloat(_ input: Float) -> Float {
    let clamp: Float = 7.99881172180175781
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
    return (input < 0.0004 && input > -0.0004) ? input : r
  }
}
