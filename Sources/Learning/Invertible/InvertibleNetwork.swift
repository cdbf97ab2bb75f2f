import Numerics

/// GAIT-prop's invertible networks (Ahmad, van Gerven & Ambrogioni, NeurIPS 2020; GAIT README), in Double
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

  /// Recomputes W_l⁻¹ for l = 2…L in place: LU (getrf), then the explicit inverse (getri), as the code's
  /// `linalg.inv` (Q7). Throws for a singular layer.
  public mutating func refreshInverses() throws {
    guard layerCount >= 2 else { return }
    for l in 2...layerCount {
      let n = widths[l - 1], o = weightOffset[l - 1]
      let info: Int32 = parameters.withUnsafeBufferPointer { p in
        inverses[l - 1].storage.withUnsafeMutableBufferPointer { inv in
          inv.baseAddress!.update(from: p.baseAddress! + o, count: n * n)
          return withUnsafeTemporaryAllocation(of: Int32.self, capacity: n) { pivots in
            let f = Double.getrf(n, n, inv.baseAddress!, n, pivots.baseAddress!)
            if f != 0 { return f }
            return withUnsafeTemporaryAllocation(of: Double.self, capacity: 64 * n) { work in
              Double.getri(n, inv.baseAddress!, pivots.baseAddress!, work.baseAddress!, 64 * n)
            }
          }
        }
      }
      if info > 0 { throw LinearAlgebraError.singular(pivot: Int(info) - 1) }
      if info < 0 { throw LinearAlgebraError.lapack(routine: "getrf/getri", info: Int(info)) }
    }
  }

  // MARK: Leaky-ReLU, its inverse and its derivative from the activity (1 at 0, as the code).

  @inlinable public func f(_ a: Double) -> Double { linear || a >= 0 ? a : InvertibleNetwork.slope * a }
  @inlinable public func fInverse(_ h: Double) -> Double { linear || h >= 0 ? h : h / InvertibleNetwork.slope }
  @inlinable public func derivative(_ h: Double) -> Double { linear || h >= 0 ? 1 : InvertibleNetwork.slope }

  /// Where h_l starts in a packed activity buffer of `rows` rows: h_1, h_2, … back to back, h_l rows × n_l.
  public func activityOffset(_ l: Int, rows: Int) -> Int { rows * widths[..<(l - 1)].reduce(0, +) }
  public var activityWidth: Int { widths.reduce(0, +) }

  /// The forward pass of `rows` rows of x (row stride n_1) into the packed activities h (`activityOffset`).
  public func forward(_ x: UnsafePointer<Double>, rows: Int, into h: UnsafeMutablePointer<Double>) {
    parameters.withUnsafeBufferPointer { p in
      for l in 1...layerCount {
        let n = widths[l - 1], b = biasOffset[l - 1], a = h + activityOffset(l, rows: rows)
        // x_l = the first n columns of h_{l−1}: a row stride of h_{l−1}'s width.
        let below = l == 1 ? x : UnsafePointer(h + activityOffset(l - 1, rows: rows)), stride = l == 1 ? n : widths[l - 2]
        Double.gemm(.none, .none, m: rows, n: n, k: n, alpha: 1, a: below, lda: stride,
                    b: p.baseAddress! + weightOffset[l - 1], ldb: n, beta: 0, c: a, ldc: n)
        let bias = p.baseAddress! + b
        for r in 0..<rows { let row = a + r * n; for j in 0..<n { row[j] = f(row[j] + bias[j]) } }
      }
    }
  }

  /// The activities h_1 … h_L of a batch X (rows × n_1).
  public func forward(_ x: Matrix<Double>) -> [Matrix<Double>] {
    precondition(x.cols == inputWidth, "input has \(x.cols) columns, the network expects \(inputWidth)")
    var h = [Double](repeating: 0, count: x.rows * activityWidth)
    x.storage.withUnsafeBufferPointer { px in h.withUnsafeMutableBufferPointer { forward(px.baseAddress!, rows: x.rows, into: $0.baseAddress!) } }
    return (1...layerCount).map { l in
      let o = activityOffset(l, rows: x.rows)
      return Matrix(rows: x.rows, cols: widths[l - 1], storage: Array(h[o..<(o + x.rows * widths[l - 1])]))
    }
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

/// The two networks of the paper (GAIT README).
public enum InvertibleArchitecture: Sendable, Codable, Equatable, Hashable {
  /// K hidden layers of width 784 plus a 784×784 output layer read out on units 0–9.
  case fullWidth(hiddenLayers: Int)
  /// 784-784-500-200-10, each layer square on the first n_l units of the one below.
  case tower

  public func widths(input: Int) -> [Int] {
    switch self {
    case .fullWidth(let k): return [Int](repeating: input, count: k + 1)
    case .tower: return [input, 500, 200, 10]
    }
  }
  public var label: String {
    switch self {
    case .fullWidth(let k): return "full width (K = \(k))"
    case .tower: return "tower"
    }
  }
}

/// How the weights start (GAIT README Q3).
public enum InvertibleInitialisation: String, Sendable, Codable, CaseIterable {
  /// Haar-random orthogonal for every rule: the code at HEAD with the README's flags (suite default).
  case orthogonal
  /// N(0, 1/n) for every rule.
  case gaussian
  /// The June 2020 code: Gaussian when λ ≠ 0, orthogonal when λ = 0.
  case june2020
}

extension InvertibleNetwork {
  /// The initial network at `seed`: layer k (0-based) draws from seed + k. In the full-width net the output
  /// layer reuses the last hidden layer's seed, so W_L(0) = W_{L−1}(0) (quirk Q2), unless `distinctOutput`.
  /// Biases start at 0. With the same seed, BP, GAIT and TP start from the same network.
  public static func initial(_ architecture: InvertibleArchitecture, input: Int = 784, linear: Bool = false, seed: UInt64,
                             initialisation: InvertibleInitialisation = .orthogonal, orthoLambda: Double,
                             distinctOutput: Bool = false, numpyStream: Bool = false) -> InvertibleNetwork {
    var net = InvertibleNetwork(widths: architecture.widths(input: input), linear: linear)
    let orthogonal = initialisation == .orthogonal || (initialisation == .june2020 && orthoLambda == 0)
    for k in 0..<net.layerCount {
      var layerSeed = seed + UInt64(k)
      if case .fullWidth = architecture, k == net.layerCount - 1, !distinctOutput { layerSeed -= 1 }
      let n = net.widths[k]
      if numpyStream {
        // The official draws: np.random.seed(layer seed), then scipy's ortho_group.rvs(n) (scipy ≥ 1.10: z =
        // normal(size=(n, n)), Q R = qr(z), Q's columns times sign(diag R)), or randn(n, n)·√(2/2n) for Gaussian.
        var rng = NumpyRandom(seed: UInt32(truncatingIfNeeded: layerSeed))
        let z = Matrix<Double>(rows: n, cols: n, storage: rng.normal(count: n * n))
        if orthogonal {
          net.setWeight(k + 1, haarOrthogonal(z))
        } else {
          let scale = (2 / Double(2 * n)).squareRoot()
          net.setWeight(k + 1, Matrix(rows: n, cols: n, storage: z.storage.map { $0 * scale }))
        }
        continue
      }
      var rng = Random(seed: layerSeed, stream: "gait-init")
      net.setWeight(k + 1, orthogonal ? rng.orthogonal(n) : rng.normalMatrix(rows: n, cols: n, std: (1 / Double(n)).squareRoot()))
    }
    try! net.refreshInverses()   // orthogonal or Gaussian: invertible with probability 1
    return net
  }
}
