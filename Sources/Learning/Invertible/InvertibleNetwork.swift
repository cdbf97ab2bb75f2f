import Numerics

/// GAIT-prop's invertible networks (Ahmad, van Gerven & Ambrogioni, NeurIPS 2020; gait.md §2.1–2.3), in Double
/// (float32 breaks GAIT's targets, P9). Every layer is square, n_l × n_l, stored [input, output]:
/// a_l = x_l W_l + b_l, h_l = f(a_l), with x_l the first n_l columns of h_{l−1} (h_0 = X). The full-width net
/// has every n_l = n_0; the tower narrows (784, 500, 200, 10), and the units not passed up are auxiliary.
/// f is leaky-ReLU with slope 0.1 in every layer, the output included (or the identity with `linear`).
/// Parameters live in one flat buffer (W_1, b_1, W_2, b_2, …), so that Adam runs over one array.
public struct InvertibleNetwork: Sendable, Codable, Equatable {
  public let widths: [Int]                 // n_1 … n_L; the input has n_1 columns
  public let linear: Bool
  public var parameters: [Double]
  public let weightOffset: [Int], biasOffset: [Int]
  /// W_l⁻¹ for l = 2…L (index l − 1; layer 1's is never needed), refreshed after every update by `refreshInverses`.
  public var inverses: [Matrix<Double>]

  public static let slope = 0.1

  public init(widths: [Int], linear: Bool = false) {
    precondition(!widths.isEmpty && widths.allSatisfy { $0 > 0 }, "widths must be positive")
    precondition(zip(widths, widths.dropFirst()).allSatisfy { $0 >= $1 }, "an invertible network cannot widen: \(widths)")
    self.widths = widths; self.linear = linear
    var w: [Int] = [], b: [Int] = [], o = 0
    for n in widths { w.append(o); o += n * n; b.append(o); o += n }
    weightOffset = w; biasOffset = b
    parameters = [Double](repeating: 0, count: o)
    inverses = widths.map { Matrix<Double>.identity($0) }
  }

  public var layerCount: Int { widths.count }
  public var inputWidth: Int { widths[0] }

  public func weight(_ l: Int) -> Matrix<Double> {
    let n = widths[l - 1], o = weightOffset[l - 1]
    return Matrix(rows: n, cols: n, storage: Array(parameters[o..<(o + n * n)]))
  }
  public func bias(_ l: Int) -> [Double] {
    let o = biasOffset[l - 1]
    return Array(parameters[o..<(o + widths[l - 1])])
  }
  public mutating func setWeight(_ l: Int, _ m: Matrix<Double>) {
    let n = widths[l - 1], o = weightOffset[l - 1]
    precondition(m.rows == n && m.cols == n, "W\(l) must be \(n)×\(n)")
    parameters.replaceSubrange(o..<(o + n * n), with: m.storage)
  }

  /// Recomputes W_l⁻¹ (LU) for l = 2…L. Throws for a singular layer.
  public mutating func refreshInverses() throws {
    for l in 2...max(2, layerCount) where l <= layerCount { inverses[l - 1] = try weight(l).inverse() }
  }

  // MARK: Leaky-ReLU, its inverse and its derivative from the activity (1 at 0, as the code).

  @inlinable public func f(_ a: Double) -> Double { linear || a >= 0 ? a : InvertibleNetwork.slope * a }
  @inlinable public func fInverse(_ h: Double) -> Double { linear || h >= 0 ? h : h / InvertibleNetwork.slope }
  @inlinable public func derivative(_ h: Double) -> Double { linear || h >= 0 ? 1 : InvertibleNetwork.slope }

  /// The activities h_1 … h_L of a batch X (rows × n_1).
  public func forward(_ x: Matrix<Double>) -> [Matrix<Double>] {
    precondition(x.cols == inputWidth, "input has \(x.cols) columns, the network expects \(inputWidth)")
    var h: [Matrix<Double>] = []
    var below = x
    for l in 1...layerCount {
      let n = widths[l - 1]
      var a = Matrix<Double>(rows: x.rows, cols: n)
      parameters.withUnsafeBufferPointer { p in
        below.storage.withUnsafeBufferPointer { xb in
          a.storage.withUnsafeMutableBufferPointer { ab in
            // x_l = the first n columns of h_{l−1}: a row stride of h_{l−1}'s width.
            Double.gemm(.none, .none, m: x.rows, n: n, k: n, alpha: 1, a: xb.baseAddress!, lda: below.cols,
                        b: p.baseAddress! + weightOffset[l - 1], ldb: n, beta: 0, c: ab.baseAddress!, ldc: n)
          }
        }
      }
      let b = biasOffset[l - 1]
      for r in 0..<x.rows { for j in 0..<n { a[r, j] = f(a[r, j] + parameters[b + j]) } }
      h.append(a); below = a
    }
    return h
  }

  /// The first n columns of a matrix.
  static func leading(_ m: Matrix<Double>, _ n: Int) -> Matrix<Double> {
    if n == m.cols { return m }
    var out = Matrix<Double>(rows: m.rows, cols: n)
    for r in 0..<m.rows { for j in 0..<n { out[r, j] = m[r, j] } }
    return out
  }

  /// Argmax over the first 10 output units (ties to the lowest index): the read-out of both networks.
  public static func predictions(_ out: Matrix<Double>) -> [Int] {
    (0..<out.rows).map { r in
      var best = 0
      for j in 1..<min(10, out.cols) where out[r, j] > out[r, best] { best = j }
      return best
    }
  }
}
