/// The GEMM bound of any piece of code: the shapes of the GEMM calls it makes, recorded while it runs once, then
/// replayed alone (same shapes, transposes, leading dimensions, β and order) and timed. The replay's CPU time is
/// what the code would take if everything but its matrix products were free: at one BLAS thread, the machine's
/// FMA peak for those shapes. `reproduce bench` divides it by the code's own CPU time, measured in the same run.
///
/// Recording is off except inside `record`; off, each GEMM pays one load and branch. Not thread-safe: the bench
/// records on one thread while nothing else runs.
public enum GEMMRecorder {
  public struct Call: Sendable, Hashable {
    public var tA: Transpose, tB: Transpose
    public var m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int
    public var beta: Double
    public init(tA: Transpose, tB: Transpose, m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int, beta: Double) {
      self.tA = tA; self.tB = tB; self.m = m; self.n = n; self.k = k; self.lda = lda; self.ldb = ldb; self.ldc = ldc; self.beta = beta
    }
    /// Multiply-adds × 2.
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    /// Elements each operand spans in row-major storage.
    var aCount: Int { (tA == .none ? m : k) * lda }
    var bCount: Int { (tB == .none ? k : n) * ldb }
    var cCount: Int { m * ldc }
  }

  @usableFromInline nonisolated(unsafe) static var recording = false
  @usableFromInline nonisolated(unsafe) static var calls: [Call] = []

  @inlinable static func note(_ tA: Transpose, _ tB: Transpose, _ m: Int, _ n: Int, _ k: Int,
                              _ lda: Int, _ ldb: Int, _ ldc: Int, _ beta: Double) {
    if recording { append(tA, tB, m, n, k, lda, ldb, ldc, beta) }
  }
  @usableFromInline static func append(_ tA: Transpose, _ tB: Transpose, _ m: Int, _ n: Int, _ k: Int,
                                       _ lda: Int, _ ldb: Int, _ ldc: Int, _ beta: Double) {
    calls.append(Call(tA: tA, tB: tB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, beta: beta))
  }

  /// Runs `body` once and returns the GEMM calls it made, in order.
  public static func record(_ body: () throws -> Void) rethrows -> [Call] {
    precondition(!recording, "GEMMRecorder.record does not nest")
    calls = []; recording = true
    defer { recording = false }
    try body()
    let made = calls
    calls = []
    return made
  }

  /// A function that replays `calls` alone in `T` (time it with the process's CPU clock). One buffer per operand
  /// role, sized for the largest call, values 0.01 (timing does not depend on them).
  public static func replay<T: BLASScalar>(_ calls: [Call], _: T.Type) -> () -> Void {
    guard !calls.isEmpty else { return {} }
    let a = UnsafeMutablePointer<T>.allocate(capacity: calls.map(\.aCount).max()!)
    let b = UnsafeMutablePointer<T>.allocate(capacity: calls.map(\.bCount).max()!)
    let c = UnsafeMutablePointer<T>.allocate(capacity: calls.map(\.cCount).max()!)
    a.initialize(repeating: 0.01, count: calls.map(\.aCount).max()!)
    b.initialize(repeating: 0.01, count: calls.map(\.bCount).max()!)
    c.initialize(repeating: 0, count: calls.map(\.cCount).max()!)
    let buffers = Buffers(a, b, c)
    return {
      for x in calls {
        T.gemm(x.tA, x.tB, m: x.m, n: x.n, k: x.k, alpha: 1, a: buffers.a, lda: x.lda, b: buffers.b,
               ldb: x.ldb, beta: T(x.beta), c: buffers.c, ldc: x.ldc)
      }
    }
  }

  /// Owns the replay's buffers; freed with the closure that holds it.
  final class Buffers<T: BLASScalar> {
    let a: UnsafeMutablePointer<T>, b: UnsafeMutablePointer<T>, c: UnsafeMutablePointer<T>
    init(_ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>, _ c: UnsafeMutablePointer<T>) { self.a = a; self.b = b; self.c = c }
    deinit { a.deallocate(); b.deallocate(); c.deallocate() }
  }

  /// Σ 2mnk over `calls`.
  public static func flops(_ calls: [Call]) -> Double { calls.reduce(0) { $0 + $1.flops } }
}
