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
    /// Where the operands were in the recorded run (0: not recorded), so that a replay can lay them out the same way.
    public var a: UInt = 0, b: UInt = 0, c: UInt = 0
    public init(tA: Transpose, tB: Transpose, m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int, beta: Double,
                a: UInt = 0, b: UInt = 0, c: UInt = 0) {
      self.tA = tA; self.tB = tB; self.m = m; self.n = n; self.k = k; self.lda = lda; self.ldb = ldb; self.ldc = ldc; self.beta = beta
      self.a = a; self.b = b; self.c = c
    }
    /// The call without its operands' addresses.
    public var shape: Call { var s = self; s.a = 0; s.b = 0; s.c = 0; return s }
    /// Multiply-adds × 2.
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    /// Elements each operand spans in row-major storage.
    var aCount: Int { (tA == .none ? m : k) * lda }
    var bCount: Int { (tB == .none ? k : n) * ldb }
    var cCount: Int { m * ldc }
  }

  @usableFromInline nonisolated(unsafe) static var recording = false
  @usableFromInline nonisolated(unsafe) static var calls: [Call] = []

  @inlinable static func note<T>(_ tA: Transpose, _ tB: Transpose, _ m: Int, _ n: Int, _ k: Int,
                                 _ lda: Int, _ ldb: Int, _ ldc: Int, _ beta: Double,
                                 _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ c: UnsafeMutablePointer<T>) {
    if recording { append(tA, tB, m, n, k, lda, ldb, ldc, beta, UInt(bitPattern: a), UInt(bitPattern: b), UInt(bitPattern: c)) }
  }
  @usableFromInline static func append(_ tA: Transpose, _ tB: Transpose, _ m: Int, _ n: Int, _ k: Int,
                                       _ lda: Int, _ ldb: Int, _ ldc: Int, _ beta: Double, _ a: UInt, _ b: UInt, _ c: UInt) {
    calls.append(Call(tA: tA, tB: tB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, beta: beta, a: a, b: b, c: c))
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

  /// A function that replays `calls` alone in `T` (time it with the process's CPU clock) on one buffer per operand
  /// role, sized for the largest call (`sharedLayout`): the operands stay in cache, so it bounds the arithmetic alone.
  /// Values 0.01 (timing does not depend on them).
  public static func replay<T: BLASScalar>(_ calls: [Call], _: T.Type) -> () -> Void {
    calls.isEmpty ? {} : replay(calls, on: sharedLayout(calls, elementSize: MemoryLayout<T>.stride), T.self)
  }

  /// The same on operands laid out as in the recorded run (`layout`): every stretch of memory the calls touched gets
  /// a buffer of its own, at the same offset within a 64-byte line, so the replay reads as much distinct memory, in
  /// the same pattern, as the code did (a new input batch per step, one buffer per layer). Calls recorded without
  /// addresses fall back to `replay`.
  public static func replayAsLaidOut<T: BLASScalar>(_ calls: [Call], _: T.Type) -> () -> Void {
    guard let plan = layout(calls, elementSize: MemoryLayout<T>.stride) else { return replay(calls, T.self) }
    return replay(calls, on: plan, T.self)
  }

  static func replay<T: BLASScalar>(_ calls: [Call], on plan: Layout, _: T.Type) -> () -> Void {
    let memory = ReplayMemory(plan.regions.map { r in
      let count = r.elements + 64 / MemoryLayout<T>.stride
      let p = UnsafeMutablePointer<T>.allocate(capacity: count)
      p.initialize(repeating: T(0.01), count: count)
      return (UnsafeMutableRawPointer(p), p + r.alignmentShift(of: p))
    })
    let operands = plan.operands.map { o in
      o.map { memory.bases[$0.region].assumingMemoryBound(to: T.self) + $0.offset }
    }
    return {
      for (x, o) in zip(calls, operands) {
        T.gemm(x.tA, x.tB, m: x.m, n: x.n, k: x.k, alpha: 1, a: o[0], lda: x.lda, b: o[1], ldb: x.ldb, beta: T(x.beta), c: o[2], ldc: x.ldc)
      }
      withExtendedLifetime(memory) {}
    }
  }

  /// Where a replay puts each operand: regions of memory (each `elements` long, placed at the offset of `start`
  /// within a 64-byte line) and every operand of every call as (region, offset in elements).
  public struct Layout {
    public struct Region { public var start: UInt, end: UInt, elementSize: Int
      public var elements: Int { Int(end - start) / elementSize + 1 }
      /// Elements to skip from `p` so that the region starts at its recorded offset within a 64-byte line.
      func alignmentShift(of p: UnsafeMutableRawPointer) -> Int {
        Int((start % 64 + 64 - UInt(bitPattern: p) % 64) % 64) / elementSize
      }
    }
    public var regions: [Region]
    public var operands: [[(region: Int, offset: Int)]]   // per call: a, b, c
  }

  /// One region per operand role (a, b, c), each as long as its largest operand; every call at offset 0.
  static func sharedLayout(_ calls: [Call], elementSize: Int) -> Layout {
    let longest = [calls.map(\.aCount).max()!, calls.map(\.bCount).max()!, calls.map(\.cCount).max()!]
    return Layout(regions: longest.map { Layout.Region(start: 0, end: UInt(($0 - 1) * elementSize), elementSize: elementSize) },
                  operands: calls.map { _ in [(0, 0), (1, 0), (2, 0)] })
  }

  /// The memory the calls touched: each operand's span (in elements of `elementSize` bytes), spans merged where
  /// they overlap into regions, and every operand at its recorded place; nil if a call was recorded without addresses.
  public static func layout(_ calls: [Call], elementSize: Int) -> Layout? {
    guard !calls.isEmpty, calls.allSatisfy({ $0.a != 0 && $0.b != 0 && $0.c != 0 }) else { return nil }
    let size = UInt(elementSize)
    func spans(_ x: Call) -> [(start: UInt, end: UInt)] {
      [(x.a, x.a + UInt(x.aCount) * size), (x.b, x.b + UInt(x.bCount) * size), (x.c, x.c + UInt(x.cCount) * size)]
    }
    var regions: [Layout.Region] = []
    for s in calls.flatMap(spans).sorted(by: { $0.start < $1.start }) {
      if let last = regions.last, s.start <= last.end { regions[regions.count - 1].end = max(last.end, s.end) }
      else { regions.append(Layout.Region(start: s.start, end: s.end, elementSize: elementSize)) }
    }
    func place(_ address: UInt) -> (region: Int, offset: Int) {
      var lo = 0, hi = regions.count - 1   // the last region that starts at or before `address`
      while lo < hi { let mid = (lo + hi + 1) / 2; if regions[mid].start <= address { lo = mid } else { hi = mid - 1 } }
      return (lo, Int(address - regions[lo].start) / elementSize)
    }
    return Layout(regions: regions, operands: calls.map { [place($0.a), place($0.b), place($0.c)] })
  }

  /// Owns a replay's memory; freed with the closure that holds it.
  final class ReplayMemory {
    let allocations: [UnsafeMutableRawPointer], bases: [UnsafeMutableRawPointer]
    init(_ r: [(allocation: UnsafeMutableRawPointer, base: UnsafeMutablePointer<some BLASScalar>)]) {
      allocations = r.map(\.allocation); bases = r.map { UnsafeMutableRawPointer($0.base) }
    }
    deinit { allocations.forEach { $0.deallocate() } }
  }

  /// Σ 2mnk over `calls`.
  public static func flops(_ calls: [Call]) -> Double { calls.reduce(0) { $0 + $1.flops } }
}
