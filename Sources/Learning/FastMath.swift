import Numerics
import ElementWiseAVX512

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
  /// 3.3e-7, a few ulp (tested below 4e-7 over a dense grid against libm). Double: `ElementWise.tanh(Double)`, within a
  /// few ulp of libm (tested below 6e-16 relative), which the float64 parity tests need. On a machine with AVX-512
  /// the loops run from `ElementWiseAVX512`, with bitwise the same results (tested).
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

  /// The Double and Float tanh loops, from the AVX-512 build where the machine has it.
  @inlinable public static func tanhDouble(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
    if ElementWise.hasAVX512 { ElementWiseAVX512.tanh(x, y, n) } else { ElementWise.tanh(x, y, n) }
  }

  @inlinable public static func tanhFloat(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    if ElementWise.hasAVX512 { ElementWiseAVX512.tanh(x, y, n) } else { ElementWise.tanh(x, y, n) }
  }
}
