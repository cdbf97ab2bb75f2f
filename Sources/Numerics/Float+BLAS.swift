import CBLAS
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension Float: BLASScalar {
  @inlinable public static func gemm(_ tA: Transpose, _ tB: Transpose, m: Int, n: Int, k: Int, alpha: Float,
                                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    GEMMRecorder.note(tA, tB, m, n, k, lda, ldb, ldc, Double(beta), a, b, c)
    cblas_sgemm(CblasRowMajor, cblas(tA), cblas(tB), Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda),
                b, Int32(ldb), beta, c, Int32(ldc))
  }
  @inlinable public static func gemv(_ tA: Transpose, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>,
                                     lda: Int, x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>) {
    cblas_sgemv(CblasRowMajor, cblas(tA), Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
  }
  @inlinable public static func ger(m: Int, n: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafePointer<Float>,
                                    a: UnsafeMutablePointer<Float>, lda: Int) {
    cblas_sger(CblasRowMajor, Int32(m), Int32(n), alpha, x, 1, y, 1, a, Int32(lda))
  }
  @inlinable public static func dot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
    cblas_sdot(Int32(n), x, 1, y, 1)
  }
  @inlinable public static func axpy(_ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>,
                                     _ y: UnsafeMutablePointer<Float>) {
    cblas_saxpy(Int32(n), alpha, x, 1, y, 1)
  }

  public static func getrf(_ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Float>, _ lda: Int,
                           _ ipiv: UnsafeMutablePointer<Int32>) -> Int32 {
    var m = Int32(m), n = Int32(n), lda = Int32(lda), info: Int32 = 0
    sgetrf_(&m, &n, a, &lda, ipiv, &info)
    return info
  }
  public static func getrs(_ trans: Transpose, _ n: Int, _ nrhs: Int, _ a: UnsafePointer<Float>, _ lda: Int,
                           _ ipiv: UnsafePointer<Int32>, _ b: UnsafeMutablePointer<Float>, _ ldb: Int) -> Int32 {
    var t: CChar = trans == .none ? 78 : 84  // "N" or "T"
    var n = Int32(n), nrhs = Int32(nrhs), lda = Int32(lda), ldb = Int32(ldb), info: Int32 = 0
    sgetrs_(&t, &n, &nrhs, a, &lda, ipiv, b, &ldb, &info)
    return info
  }
  public static func geev(_ n: Int, _ a: UnsafeMutablePointer<Float>, _ wr: UnsafeMutablePointer<Float>,
                          _ wi: UnsafeMutablePointer<Float>, _ work: UnsafeMutablePointer<Float>, _ lwork: Int) -> Int32 {
    var no: CChar = 78, n = Int32(n), lda = n, one: Int32 = 1, lwork = Int32(lwork), info: Int32 = 0
    var vl: Float = 0, vr: Float = 0
    sgeev_(&no, &no, &n, a, &lda, wr, wi, &vl, &one, &vr, &one, work, &lwork, &info)
    return info
  }
  public static func syev(_ vectors: Bool, _ n: Int, _ a: UnsafeMutablePointer<Float>, _ w: UnsafeMutablePointer<Float>,
                          _ work: UnsafeMutablePointer<Float>, _ lwork: Int) -> Int32 {
    var job: CChar = vectors ? 86 : 78, uplo: CChar = 85  // "V"/"N", "U"
    var n = Int32(n), lda = n, lwork = Int32(lwork), info: Int32 = 0
    ssyev_(&job, &uplo, &n, a, &lda, w, work, &lwork, &info)
    return info
  }
  public static func geqrf(_ m: Int, _ n: Int, _ a: UnsafeMutablePointer<Float>, _ tau: UnsafeMutablePointer<Float>,
                           _ work: UnsafeMutablePointer<Float>, _ lwork: Int) -> Int32 {
    var m = Int32(m), n = Int32(n), lda = m, lwork = Int32(lwork), info: Int32 = 0
    sgeqrf_(&m, &n, a, &lda, tau, work, &lwork, &info)
    return info
  }
  public static func orgqr(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafeMutablePointer<Float>, _ tau: UnsafePointer<Float>,
                           _ work: UnsafeMutablePointer<Float>, _ lwork: Int) -> Int32 {
    var m = Int32(m), n = Int32(n), k = Int32(k), lda = m, lwork = Int32(lwork), info: Int32 = 0
    sorgqr_(&m, &n, &k, a, &lda, tau, work, &lwork, &info)
    return info
  }

  @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
  @inlinable public static func log(_ x: Float) -> Float { logf(x) }
  @inlinable public static func tanh(_ x: Float) -> Float { tanhf(x) }
  @inlinable public static func cos(_ x: Float) -> Float { cosf(x) }
  @inlinable public static func sin(_ x: Float) -> Float { sinf(x) }
  @inlinable public static func acos(_ x: Float) -> Float { acosf(x) }
  @inlinable public static func log1p(_ x: Float) -> Float { log1pf(x) }
  public static func lookup(_ table: UnsafePointer<Float>, _ bytes: UnsafePointer<UInt8>, _ n: Int, into out: UnsafeMutablePointer<Float>) {
    for i in 0..<n { out[i] = table[Int(bytes[i])] }
  }
}
