import CBLAS
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension Double: BLASScalar {
  @inlinable public static func gemm(_ tA: Transpose, _ tB: Transpose, m: Int, n: Int, k: Int, alpha: Double,
                                     a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                                     beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
    GEMMRecorder.note(tA, tB, m, n, k, lda, ldb, ldc, Double(beta), a, b, c)
    cblas_dgemm(CblasRowMajor, cblas(tA), cblas(tB), Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda),
                b, Int32(ldb), beta, c, Int32(ldc))
  }
  @inlinable public static func gemv(_ tA: Transpose, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>,
                                     lda: Int, x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>) {
    cblas_dgemv(CblasRowMajor, cblas(tA), Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
  }
  @inlinable public static func ger(m: Int, n: Int, alpha: Double, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
                                    a: UnsafeMutablePointer<Double>, lda: Int) {
    cblas_dger(CblasRowMajor, Int32(m), Int32(n), alpha, x, 1, y, 1, a, Int32(lda))
  }
  @inlinable public static func dot(_ n: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
    cblas_ddot(Int32(n), x, 1, y, 1)
  }
  @inlinable public static func axpy(_ n: Int, _ alpha: Double, _ x: UnsafePointer<Double>,
                                     _ y: UnsafeMutablePointer<Double>) {
    cblas_daxpy(Int32(n), alpha, x, 1, y, 1)
  }

  public static func getrf(_ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Double>, _ lda: Int,
                           _ ipiv: UnsafeMutablePointer<Int32>) -> Int32 {
    var m = Int32(m), n = Int32(n), lda = Int32(lda), info: Int32 = 0
    dgetrf_(&m, &n, a, &lda, ipiv, &info)
    return info
  }
  public static func getrs(_ trans: Transpose, _ n: Int, _ nrhs: Int, _ a: UnsafePointer<Double>, _ lda: Int,
                           _ ipiv: UnsafePointer<Int32>, _ b: UnsafeMutablePointer<Double>, _ ldb: Int) -> Int32 {
    var t: CChar = trans == .none ? 78 : 84  // "N" or "T"
    var n = Int32(n), nrhs = Int32(nrhs), lda = Int32(lda), ldb = Int32(ldb), info: Int32 = 0
    dgetrs_(&t, &n, &nrhs, a, &lda, ipiv, b, &ldb, &info)
    return info
  }
  public static func geev(_ n: Int, _ a: UnsafeMutablePointer<Double>, _ wr: UnsafeMutablePointer<Double>,
                          _ wi: UnsafeMutablePointer<Double>, _ work: UnsafeMutablePointer<Double>, _ lwork: Int) -> Int32 {
    var no: CChar = 78, n = Int32(n), lda = n, one: Int32 = 1, lwork = Int32(lwork), info: Int32 = 0
    var vl: Double = 0, vr: Double = 0
    dgeev_(&no, &no, &n, a, &lda, wr, wi, &vl, &one, &vr, &one, work, &lwork, &info)
    return info
  }
  public static func syev(_ vectors: Bool, _ n: Int, _ a: UnsafeMutablePointer<Double>, _ w: UnsafeMutablePointer<Double>,
                          _ work: UnsafeMutablePointer<Double>, _ lwork: Int) -> Int32 {
    var job: CChar = vectors ? 86 : 78, uplo: CChar = 85  // "V"/"N", "U"
    var n = Int32(n), lda = n, lwork = Int32(lwork), info: Int32 = 0
    dsyev_(&job, &uplo, &n, a, &lda, w, work, &lwork, &info)
    return info
  }
  public static func geqrf(_ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Double>, _ tau: UnsafeMutablePointer<Double>,
                           _ work: UnsafeMutablePointer<Double>, _ lwork: Int) -> Int32 {
    var m = Int32(m), n = Int32(n), lda = m, lwork = Int32(lwork), info: Int32 = 0
    dgeqrf_(&m, &n, a, &lda, tau, work, &lwork, &info)
    return info
  }
  public static func orgqr(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafeMutablePointer<Double>, _ tau: UnsafePointer<Double>,
                           _ work: UnsafeMutablePointer<Double>, _ lwork: Int) -> Int32 {
    var m = Int32(m), n = Int32(n), k = Int32(k), lda = m, lwork = Int32(lwork), info: Int32 = 0
    dorgqr_(&m, &n, &k, a, &lda, tau, work, &lwork, &info)
    return info
  }

  @inlinable public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
  @inlinable public static func log(_ x: Double) -> Double { Glibc.log(x) }
  @inlinable public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
  @inlinable public static func cos(_ x: Double) -> Double { Glibc.cos(x) }
  @inlinable public static func sin(_ x: Double) -> Double { Glibc.sin(x) }
  @inlinable public static func acos(_ x: Double) -> Double { Glibc.acos(x) }
  @inlinable public static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }
  public static func lookup(_ table: UnsafePointer<Double>, _ bytes: UnsafePointer<UInt8>, _ n: Int, into out: UnsafeMutablePointer<Double>) {
    for i in 0..<n { out[i] = table[Int(bytes[i])] }
  }
}

// Double-only kernels of GAIT-prop's invertible networks (GAIT README).
extension Double {
  /// A⁻¹ in place, from getrf's factors (LAPACK getri). On a row-major A, LAPACK factors and inverts Aᵀ,
  /// and (Aᵀ)⁻¹ read row-major is A⁻¹: no transpose is needed. `work` has at least n entries.
  public static func getri(_ n: Int, _ a: UnsafeMutablePointer<Double>, _ ipiv: UnsafePointer<Int32>,
                           _ work: UnsafeMutablePointer<Double>, _ lwork: Int) -> Int32 {
    var n = Int32(n), lda = n, lwork = Int32(lwork), info: Int32 = 0
    dgetri_(&n, a, &lda, ipiv, work, &lwork, &info)
    return info
  }
  /// C ← α A Aᵀ + β C on C's upper triangle (row-major, A is n×k).
  public static func syrkUpper(n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int, beta: Double,
                               c: UnsafeMutablePointer<Double>, ldc: Int) {
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(n), Int32(k), alpha, a, Int32(lda), beta, c, Int32(ldc))
  }
  /// C ← α S B + β C with S symmetric, read from its upper triangle (row-major, S is m×m, B is m×n).
  public static func symmUpperLeft(m: Int, n: Int, alpha: Double, s: UnsafePointer<Double>, lds: Int,
                                   b: UnsafePointer<Double>, ldb: Int, beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
    cblas_dsymm(CblasRowMajor, CblasLeft, CblasUpper, Int32(m), Int32(n), alpha, s, Int32(lds), b, Int32(ldb), beta, c, Int32(ldc))
  }
}
