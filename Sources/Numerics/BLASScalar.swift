import CBLAS
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Whether a BLAS operand enters as it is stored or transposed.
public enum Transpose: Sendable { case none, transposed }

/// The scalar types the suite computes in: Float (default) and Double (GAIT-prop, DFC, finite differences).
/// Generic code is written against this protocol; `Float+BLAS` and `Double+BLAS` call the matching C routine.
/// All matrices are row-major; LAPACK wrappers take care of LAPACK's column-major convention.
public protocol BLASScalar: BinaryFloatingPoint, Sendable, Codable
where Self.RawSignificand: FixedWidthInteger {
  /// C ← α op(A) op(B) + β C, row-major; op(A) is m×k, op(B) is k×n.
  static func gemm(_ tA: Transpose, _ tB: Transpose, m: Int, n: Int, k: Int, alpha: Self,
                   a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                   beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
  /// y ← α op(A) x + β y, A is m×n row-major.
  static func gemv(_ tA: Transpose, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
                   x: UnsafePointer<Self>, beta: Self, y: UnsafeMutablePointer<Self>)
  /// A ← α x yᵀ + A, A is m×n row-major.
  static func ger(m: Int, n: Int, alpha: Self, x: UnsafePointer<Self>, y: UnsafePointer<Self>,
                  a: UnsafeMutablePointer<Self>, lda: Int)
  static func dot(_ n: Int, _ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>) -> Self
  static func axpy(_ n: Int, _ alpha: Self, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>)

  // LAPACK (Fortran interface, column-major, arguments by pointer). `info` is returned.
  static func getrf(_ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Self>, _ lda: Int,
                    _ ipiv: UnsafeMutablePointer<Int32>) -> Int32
  static func getrs(_ trans: Transpose, _ n: Int, _ nrhs: Int, _ a: UnsafePointer<Self>, _ lda: Int,
                    _ ipiv: UnsafePointer<Int32>, _ b: UnsafeMutablePointer<Self>, _ ldb: Int) -> Int32
  static func geev(_ n: Int, _ a: UnsafeMutablePointer<Self>, _ wr: UnsafeMutablePointer<Self>,
                   _ wi: UnsafeMutablePointer<Self>, _ work: UnsafeMutablePointer<Self>, _ lwork: Int) -> Int32
  static func syev(_ vectors: Bool, _ n: Int, _ a: UnsafeMutablePointer<Self>, _ w: UnsafeMutablePointer<Self>,
                   _ work: UnsafeMutablePointer<Self>, _ lwork: Int) -> Int32
  static func geqrf(_ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Self>, _ tau: UnsafeMutablePointer<Self>,
                    _ work: UnsafeMutablePointer<Self>, _ lwork: Int) -> Int32
  static func orgqr(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafeMutablePointer<Self>, _ tau: UnsafePointer<Self>,
                    _ work: UnsafeMutablePointer<Self>, _ lwork: Int) -> Int32

  // libm, per type.
  static func exp(_ x: Self) -> Self
  static func log(_ x: Self) -> Self
  static func tanh(_ x: Self) -> Self
  static func cos(_ x: Self) -> Self
  static func sin(_ x: Self) -> Self
  static func acos(_ x: Self) -> Self
  static func log1p(_ x: Self) -> Self
  /// out[i] = table[bytes[i]]: pixels through a 256-entry scaling table. A requirement, so that generic callers get
  /// the concrete loop (through a generic `map` it cost seconds per data set).
  static func lookup(_ table: UnsafePointer<Self>, _ bytes: UnsafePointer<UInt8>, _ n: Int, into out: UnsafeMutablePointer<Self>)
}

@usableFromInline func cblas(_ t: Transpose) -> CBLAS_TRANSPOSE {
  t == .none ? CblasNoTrans : CblasTrans
}

/// BLAS threads of this process. One by default: on a shared 2-core machine a second BLAS thread
/// spin-waits and has made epochs several times slower; two independent runs use the cores better.
public enum BLASThreads {
  public static func set(_ n: Int) { openblas_set_num_threads(Int32(n)) }
  public static var current: Int { Int(openblas_get_num_threads()) }
}
