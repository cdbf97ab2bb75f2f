/// Dense solvers on row-major matrices through LAPACK. LAPACK is column-major, so a row-major
/// matrix A arrives there as Aᵀ; each function says how it accounts for that.

public enum LinearAlgebraError: Error, CustomStringConvertible, Equatable {
  case singular(pivot: Int)
  case notSquare(rows: Int, cols: Int)
  case lapack(routine: String, info: Int)
  public var description: String {
    switch self {
    case .singular(let p): return "matrix is singular (zero pivot U[\(p),\(p)])"
    case .notSquare(let r, let c): return "matrix must be square, got \(r)×\(c)"
    case .lapack(let r, let i): return "LAPACK \(r) failed with info = \(i)"
    }
  }
}

/// The LU factorisation of a square matrix, held as LAPACK left it (factors of Aᵀ, since row-major).
/// Aᵀ = P L U, so A x = b is solved as Aᵀ-transposed: LAPACK's trans = "T" on the stored factors.
public struct LUFactorization<T: BLASScalar>: Sendable {
  public let n: Int
  @usableFromInline var factors: [T]
  @usableFromInline var pivots: [Int32]

  public init(_ a: Matrix<T>) throws {
    guard a.rows == a.cols else { throw LinearAlgebraError.notSquare(rows: a.rows, cols: a.cols) }
    n = a.rows
    factors = a.storage
    pivots = [Int32](repeating: 0, count: n)
    if n == 0 { return }
    let info = factors.withUnsafeMutableBufferPointer { f in
      pivots.withUnsafeMutableBufferPointer { p in T.getrf(n, n, f.baseAddress!, n, p.baseAddress!) }
    }
    if info > 0 { throw LinearAlgebraError.singular(pivot: Int(info) - 1) }
    if info < 0 { throw LinearAlgebraError.lapack(routine: "getrf", info: Int(info)) }
  }

  /// Solves A X = B for X (B is n×k, row-major), or Aᵀ X = B with `transpose`.
  public func solve(_ b: Matrix<T>, transpose: Bool = false) -> Matrix<T> {
    precondition(b.rows == n, "LU solve: right-hand side has \(b.rows) rows, expected \(n)")
    if n == 0 || b.cols == 0 { return b }
    // LAPACK solves with columns; a row-major n×k B is a column-major k×n matrix, i.e. Bᵀ.
    // Transposing B to column-major order and solving (Aᵀ)ᵀ = A via trans "T" on factors of Aᵀ.
    var x = b.transposed.storage   // column-major n×k
    let info = factors.withUnsafeBufferPointer { f in
      pivots.withUnsafeBufferPointer { p in
        x.withUnsafeMutableBufferPointer { px in
          T.getrs(transpose ? .none : .transposed, n, b.cols, f.baseAddress!, n, p.baseAddress!,
                  px.baseAddress!, n)
        }
      }
    }
    precondition(info == 0, "getrs failed with info \(info)")
    return Matrix(rows: b.cols, cols: n, storage: x).transposed
  }

  public func solve(_ b: [T], transpose: Bool = false) -> [T] {
    solve(Matrix(rows: n, cols: 1, storage: b), transpose: transpose).storage
  }

  public var inverse: Matrix<T> { solve(Matrix<T>.identity(n)) }

  /// det(A) from the diagonal of U and the pivot parity.
  public var determinant: T {
    var d: T = 1
    for i in 0..<n {
      d *= factors[i * n + i]
      if pivots[i] != Int32(i + 1) { d = -d }
    }
    return d
  }
}

extension Matrix {
  /// A⁻¹ by LU; throws for a singular matrix.
  public func inverse() throws -> Matrix { try LUFactorization(self).inverse }
}

/// Eigenvalues (real and imaginary parts) of a general real square matrix, via LAPACK geev.
/// The eigenvalues of Aᵀ equal those of A, so the row-major layout needs no transpose.
public func eigenvalues<T: BLASScalar>(_ a: Matrix<T>) throws -> (real: [T], imaginary: [T]) {
  guard a.rows == a.cols else { throw LinearAlgebraError.notSquare(rows: a.rows, cols: a.cols) }
  let n = a.rows
  if n == 0 { return ([], []) }
  var work = a.storage
  var wr = [T](repeating: 0, count: n), wi = [T](repeating: 0, count: n)
  let lwork = max(1, 8 * n)
  var scratch = [T](repeating: 0, count: lwork)
  let info = work.withUnsafeMutableBufferPointer { w in
    wr.withUnsafeMutableBufferPointer { r in
      wi.withUnsafeMutableBufferPointer { i in
        scratch.withUnsafeMutableBufferPointer { s in
          T.geev(n, w.baseAddress!, r.baseAddress!, i.baseAddress!, s.baseAddress!, lwork)
        }
      }
    }
  }
  if info != 0 { throw LinearAlgebraError.lapack(routine: "geev", info: Int(info)) }
  return (wr, wi)
}

/// Symmetric eigen-decomposition A = V diag(λ) Vᵀ (only the upper triangle of A is read).
/// Eigenvalues ascending; `vectors` has the eigenvectors as **columns** (row-major n×n).
public func symmetricEigen<T: BLASScalar>(_ a: Matrix<T>) throws -> (values: [T], vectors: Matrix<T>) {
  guard a.rows == a.cols else { throw LinearAlgebraError.notSquare(rows: a.rows, cols: a.cols) }
  let n = a.rows
  if n == 0 { return ([], a) }
  var w = a.storage   // symmetric: row-major = column-major
  var values = [T](repeating: 0, count: n)
  let lwork = max(1, 3 * n + 64 * n)
  var scratch = [T](repeating: 0, count: lwork)
  let info = w.withUnsafeMutableBufferPointer { pw in
    values.withUnsafeMutableBufferPointer { pv in
      scratch.withUnsafeMutableBufferPointer { s in T.syev(true, n, pw.baseAddress!, pv.baseAddress!, s.baseAddress!, lwork) }
    }
  }
  if info != 0 { throw LinearAlgebraError.lapack(routine: "syev", info: Int(info)) }
  // LAPACK left eigenvector j in column j of a column-major array, i.e. row j of our row-major view.
  return (values, Matrix(rows: n, cols: n, storage: w).transposed)
}

/// The Haar-distributed orthogonal factor of a square Gaussian matrix g: Q of g = QR with Q's columns multiplied by
/// the signs of R's diagonal (Mezzadri 2007; scipy's `ortho_group` computes exactly this). A Gaussian matrix is full
/// rank with probability 1.
public func haarOrthogonal(_ g: Matrix<Double>) -> Matrix<Double> {
  var (q, r) = try! qr(g)
  for j in 0..<g.cols where r[j, j] < 0 { for i in 0..<g.rows { q[i, j] = -q[i, j] } }
  return q
}

/// Thin QR of an m×n matrix (m ≥ n): Q (m×n, orthonormal columns) and R (n×n, upper triangular).
public func qr<T: BLASScalar>(_ a: Matrix<T>) throws -> (q: Matrix<T>, r: Matrix<T>) {
  let m = a.rows, n = a.cols
  precondition(m >= n, "qr: needs rows ≥ cols, got \(m)×\(n)")
  var colMajor = a.transposed.storage   // column-major m×n
  var tau = [T](repeating: 0, count: n)
  let lwork = max(1, 64 * n)
  var scratch = [T](repeating: 0, count: lwork)
  var info = colMajor.withUnsafeMutableBufferPointer { pa in
    tau.withUnsafeMutableBufferPointer { pt in
      scratch.withUnsafeMutableBufferPointer { s in T.geqrf(m, n, pa.baseAddress!, pt.baseAddress!, s.baseAddress!, lwork) }
    }
  }
  if info != 0 { throw LinearAlgebraError.lapack(routine: "geqrf", info: Int(info)) }
  var r = Matrix<T>(rows: n, cols: n)
  for j in 0..<n { for i in 0...j { r[i, j] = colMajor[j * m + i] } }
  info = colMajor.withUnsafeMutableBufferPointer { pa in
    tau.withUnsafeBufferPointer { pt in
      scratch.withUnsafeMutableBufferPointer { s in T.orgqr(m, n, n, pa.baseAddress!, pt.baseAddress!, s.baseAddress!, lwork) }
    }
  }
  if info != 0 { throw LinearAlgebraError.lapack(routine: "orgqr", info: Int(info)) }
  return (Matrix(rows: n, cols: m, storage: colMajor).transposed, r)
}
