/// A dense row-major matrix over one contiguous buffer: element (i, j) is `storage[i * cols + j]`.
/// Batches are rows. Hot loops mutate `inout` matrices and reuse them, so nothing is allocated per step.
@frozen public struct Matrix<T: BLASScalar>: Equatable, Sendable, Codable {
  public var rows: Int
  public var cols: Int
  public var storage: [T]

  @inlinable public init(rows: Int, cols: Int, repeating value: T = 0) {
    precondition(rows >= 0 && cols >= 0, "Matrix dimensions must be non-negative")
    self.rows = rows; self.cols = cols
    storage = [T](repeating: value, count: rows * cols)
  }

  @inlinable public init(rows: Int, cols: Int, storage: [T]) {
    precondition(storage.count == rows * cols, "Matrix storage has \(storage.count) elements, expected \(rows)×\(cols)")
    self.rows = rows; self.cols = cols; self.storage = storage
  }

  /// From nested rows, e.g. a golden vector's JSON array.
  public init(_ nested: [[T]]) {
    let cols = nested.first?.count ?? 0
    precondition(nested.allSatisfy { $0.count == cols }, "Ragged rows")
    self.init(rows: nested.count, cols: cols, storage: nested.flatMap { $0 })
  }

  public static func identity(_ n: Int) -> Matrix {
    var m = Matrix(rows: n, cols: n)
    for i in 0..<n { m.storage[i * n + i] = 1 }
    return m
  }

  @inlinable public var count: Int { rows * cols }

  @inlinable public subscript(i: Int, j: Int) -> T {
    get { storage[i * cols + j] }
    set { storage[i * cols + j] = newValue }
  }

  public var transposed: Matrix {
    var t = Matrix(rows: cols, cols: rows)
    for i in 0..<rows { for j in 0..<cols { t.storage[j * rows + i] = storage[i * cols + j] } }
    return t
  }

  public func converted<U: BLASScalar>(to: U.Type = U.self) -> Matrix<U> {
    Matrix<U>(rows: rows, cols: cols, storage: storage.map { U($0) })
  }
}

// MARK: - BLAS on matrices (write into an existing result; no allocation)

/// C ← α op(A) op(B) + β C.
@inlinable public func gemm<T: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<T>, into c: inout Matrix<T>,
                                          transposeA tA: Transpose = .none, transposeB tB: Transpose = .none,
                                          alpha: T = 1, beta: T = 0) {
  let (m, k) = tA == .none ? (a.rows, a.cols) : (a.cols, a.rows)
  let (kb, n) = tB == .none ? (b.rows, b.cols) : (b.cols, b.rows)
  precondition(k == kb, "gemm: inner dimensions \(k) and \(kb) differ")
  precondition(c.rows == m && c.cols == n, "gemm: result is \(c.rows)×\(c.cols), expected \(m)×\(n)")
  if m == 0 || n == 0 { return }
  if k == 0 { c.scale(by: beta); return }
  a.storage.withUnsafeBufferPointer { pa in
    b.storage.withUnsafeBufferPointer { pb in
      c.storage.withUnsafeMutableBufferPointer { pc in
        T.gemm(tA, tB, m: m, n: n, k: k, alpha: alpha, a: pa.baseAddress!, lda: a.cols,
               b: pb.baseAddress!, ldb: b.cols, beta: beta, c: pc.baseAddress!, ldc: n)
      }
    }
  }
}

/// op(A) op(B) as a new matrix (for tests, metrics and set-up; not for hot loops).
public func matmul<T: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<T>, transposeA tA: Transpose = .none,
                                 transposeB tB: Transpose = .none) -> Matrix<T> {
  var c = Matrix<T>(rows: tA == .none ? a.rows : a.cols, cols: tB == .none ? b.cols : b.rows)
  gemm(a, b, into: &c, transposeA: tA, transposeB: tB)
  return c
}

/// y ← α op(A) x + β y.
@inlinable public func gemv<T: BLASScalar>(_ a: Matrix<T>, _ x: [T], into y: inout [T], transposeA tA: Transpose = .none,
                                          alpha: T = 1, beta: T = 0) {
  precondition(x.count == (tA == .none ? a.cols : a.rows), "gemv: x has the wrong length")
  precondition(y.count == (tA == .none ? a.rows : a.cols), "gemv: y has the wrong length")
  if a.count == 0 { return }
  a.storage.withUnsafeBufferPointer { pa in
    x.withUnsafeBufferPointer { px in
      y.withUnsafeMutableBufferPointer { py in
        T.gemv(tA, m: a.rows, n: a.cols, alpha: alpha, a: pa.baseAddress!, lda: a.cols,
               x: px.baseAddress!, beta: beta, y: py.baseAddress!)
      }
    }
  }
}

/// A ← α x yᵀ + A.
@inlinable public func ger<T: BLASScalar>(_ x: [T], _ y: [T], into a: inout Matrix<T>, alpha: T = 1) {
  precondition(x.count == a.rows && y.count == a.cols, "ger: shapes differ")
  if a.count == 0 { return }
  x.withUnsafeBufferPointer { px in
    y.withUnsafeBufferPointer { py in
      a.storage.withUnsafeMutableBufferPointer { pa in
        T.ger(m: a.rows, n: a.cols, alpha: alpha, x: px.baseAddress!, y: py.baseAddress!,
              a: pa.baseAddress!, lda: a.cols)
      }
    }
  }
}

// MARK: - Element-wise maps and reductions

extension Matrix {
  @inlinable public mutating func scale(by s: T) {
    storage.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] *= s } }
  }
  /// self ← self + α other.
  @inlinable public mutating func add(_ other: Matrix, scaledBy alpha: T = 1) {
    precondition(rows == other.rows && cols == other.cols, "add: shapes differ")
    storage.withUnsafeMutableBufferPointer { p in
      other.storage.withUnsafeBufferPointer { q in for i in p.indices { p[i] += alpha * q[i] } }
    }
  }
  /// Element-wise (Hadamard) product, in place.
  @inlinable public mutating func multiply(by other: Matrix) {
    precondition(rows == other.rows && cols == other.cols, "multiply: shapes differ")
    storage.withUnsafeMutableBufferPointer { p in
      other.storage.withUnsafeBufferPointer { q in for i in p.indices { p[i] *= q[i] } }
    }
  }
  @inlinable public func map(_ f: (T) -> T) -> Matrix { Matrix(rows: rows, cols: cols, storage: storage.map(f)) }

  public static func + (a: Matrix, b: Matrix) -> Matrix { var c = a; c.add(b); return c }
  public static func - (a: Matrix, b: Matrix) -> Matrix { var c = a; c.add(b, scaledBy: -1); return c }
  public static func * (s: T, a: Matrix) -> Matrix { var c = a; c.scale(by: s); return c }

  public var sum: T { storage.reduce(0, +) }
  public var frobeniusNorm: T { norm(storage) }
  public var maxAbs: T { storage.reduce(0) { Swift.max($0, abs($1)) } }
}

/// Euclidean norm of a flattened tensor, scaled to avoid overflow.
public func norm<T: BLASScalar, C: Collection>(_ x: C) -> T where C.Element == T {
  let m = x.reduce(T(0)) { max($0, abs($1)) }
  if m == 0 || !m.isFinite { return m }
  var s: T = 0
  for v in x { let r = v / m; s += r * r }
  return m * s.squareRoot()
}

/// cos(a, b) of two flattened tensors of the same size; 0 where either is 0 (no direction).
public func cosine<T: BLASScalar>(_ a: [T], _ b: [T]) -> T {
  precondition(a.count == b.count, "cosine: sizes \(a.count) and \(b.count) differ")
  let na: T = norm(a), nb: T = norm(b)
  if na == 0 || nb == 0 { return 0 }
  var s: T = 0
  for i in a.indices { s += (a[i] / na) * (b[i] / nb) }
  return min(1, max(-1, s))
}

/// The angle between two flattened tensors in degrees, arccos of `cosine`.
public func angleDegrees<T: BLASScalar>(_ a: [T], _ b: [T]) -> T {
  T.acos(cosine(a, b)) * 180 / T.pi
}

/// max|a − b| / max|b|: the relative metric of the golden vectors.
public func relativeError<T: BLASScalar>(_ a: [T], _ b: [T]) -> T {
  precondition(a.count == b.count, "relativeError: sizes \(a.count) and \(b.count) differ")
  var num: T = 0, den: T = 0
  for i in a.indices { num = max(num, abs(a[i] - b[i])); den = max(den, abs(b[i])) }
  return den == 0 ? num : num / den
}
