import Numerics

/// The network of Deep Feedback Control (Meulemans et al., NeurIPS 2021; DFC README): an MLP whose
/// layers also receive a control signal U from the output through feedback weights K. Stored row-major with
/// the batch in rows: W_i is n_{i−1}×n_i (in × out), b_i has n_i entries, and K_i = Q_iᵀ is n_L×n_i, so that
/// the drive of layer i is U K_i. The output layer is always linear; the softmax, if any, lives in the loss.
/// Double by default (as published); Float is an option.
public struct DFCNetwork<T: BLASScalar>: Sendable, Codable, Equatable {
  public let sizes: [Int]                  // n_0 … n_L
  public let activations: [Activation]     // φ_1 … φ_L (φ_L = identity)
  public var parameters: [T]               // W_1, b_1, …, W_L, b_L
  public var feedback: [T]                 // K_1 … K_L
  public let weightOffset: [Int], biasOffset: [Int], feedbackOffset: [Int]

  public init(sizes: [Int], activations: [Activation]) {
    precondition(sizes.count >= 2 && activations.count == sizes.count - 1, "sizes n_0…n_L and one activation per layer")
    self.sizes = sizes; self.activations = activations
    var w: [Int] = [], b: [Int] = [], k: [Int] = [], o = 0, f = 0
    for i in 1..<sizes.count {
      w.append(o); o += sizes[i - 1] * sizes[i]; b.append(o); o += sizes[i]
      k.append(f); f += sizes.last! * sizes[i]
    }
    weightOffset = w; biasOffset = b; feedbackOffset = k
    parameters = [T](repeating: 0, count: o)
    feedback = [T](repeating: 0, count: f)
  }

  public var layerCount: Int { sizes.count - 1 }
  public var outputWidth: Int { sizes.last! }
  public var inputWidth: Int { sizes[0] }
  /// N = n_1 + … + n_L, the width of the concatenated state v.
  public var stateWidth: Int { sizes.dropFirst().reduce(0, +) }
  /// Where layer i's block starts in a batch state of `rows` rows (V_1, V_2, … back to back, V_i rows × n_i).
  @inlinable public func stateOffset(_ i: Int, rows: Int) -> Int { rows * sizes[1..<i].reduce(0, +) }
  /// Column of layer i's first unit in the concatenated v (per sample).
  public func unitOffset(_ i: Int) -> Int { sizes[1..<i].reduce(0, +) }

  public func weight(_ i: Int) -> Matrix<T> {
    Matrix(rows: sizes[i - 1], cols: sizes[i], storage: Array(parameters[weightOffset[i - 1]..<(weightOffset[i - 1] + sizes[i - 1] * sizes[i])]))
  }
  public func bias(_ i: Int) -> [T] { Array(parameters[biasOffset[i - 1]..<(biasOffset[i - 1] + sizes[i])]) }
  public func feedbackWeight(_ i: Int) -> Matrix<T> {
    Matrix(rows: outputWidth, cols: sizes[i], storage: Array(feedback[feedbackOffset[i - 1]..<(feedbackOffset[i - 1] + outputWidth * sizes[i])]))
  }
  public mutating func setWeight(_ i: Int, _ m: Matrix<T>) {
    precondition(m.rows == sizes[i - 1] && m.cols == sizes[i]); parameters.replaceSubrange(weightOffset[i - 1]..<(weightOffset[i - 1] + m.count), with: m.storage)
  }
  public mutating func setBias(_ i: Int, _ b: [T]) {
    precondition(b.count == sizes[i]); parameters.replaceSubrange(biasOffset[i - 1]..<(biasOffset[i - 1] + b.count), with: b)
  }
  public mutating func setFeedbackWeight(_ i: Int, _ m: Matrix<T>) {
    precondition(m.rows == outputWidth && m.cols == sizes[i]); feedback.replaceSubrange(feedbackOffset[i - 1]..<(feedbackOffset[i - 1] + m.count), with: m.storage)
  }

  /// The per-tensor list for clipping (W_i and b_i separately, §2.6).
  public var tensors: [(name: String, offset: Int, count: Int)] {
    var t: [(name: String, offset: Int, count: Int)] = []
    for i in 1...layerCount {
      t.append((name: "W\(i)", offset: weightOffset[i - 1], count: sizes[i - 1] * sizes[i]))
      t.append((name: "b\(i)", offset: biasOffset[i - 1], count: sizes[i]))
    }
    return t
  }
}

/// How the feedback weights start (§2.9).
public enum FeedbackInitialisation: String, Sendable, Codable {
  /// Trained feedback: K_i Xavier-normal (std √(2/(n_i + n_L))) for i < L, K_L = I.
  case xavier
  /// "(fixed)": K_i = (W_{i+1} W_{i+2} ⋯ W_L)ᵀ from the initial weights, K_L = I; frozen.
  case weightProduct = "weight-product"
}

extension DFCNetwork {
  /// Xavier-normal forward weights (std √(2/(n_{i−1} + n_i))), zero biases, and the feedback of `feedbackInit`.
  /// Forward weights come first from `rng`, then the feedback weights.
  /// `hiddenPerLayer` gives φ_1 … φ_{L−1} when they differ (the autoencoder's tanh, identity, tanh).
  public static func initial(sizes: [Int], hidden: Activation, hiddenPerLayer: [Activation]? = nil, feedbackInit: FeedbackInitialisation,
                             rng: inout Random) -> DFCNetwork {
    let hiddenLayers = hiddenPerLayer ?? Array(repeating: hidden, count: sizes.count - 2)
    precondition(hiddenLayers.count == sizes.count - 2, "one hidden activation per hidden layer")
    var net = DFCNetwork(sizes: sizes, activations: hiddenLayers + [.linear])
    for i in 1...net.layerCount {
      net.setWeight(i, Initializer.xavierNormal(gain: 1).matrix(fanIn: sizes[i - 1], fanOut: sizes[i], &rng))
    }
    switch feedbackInit {
    case .xavier:
      for i in 1..<net.layerCount {
        net.setFeedbackWeight(i, Initializer.xavierNormal(gain: 1).matrix(fanIn: net.outputWidth, fanOut: sizes[i], &rng))
      }
      net.setFeedbackWeight(net.layerCount, Matrix.identity(net.outputWidth))
    case .weightProduct:
      net.setWeightProductFeedback()
    }
    return net
  }

  /// K_i = (W_{i+1} ⋯ W_L)ᵀ, K_L = I (the "(fixed)" variants; on a linear net K = Jᵀ's transpose, P11).
  public mutating func setWeightProductFeedback() {
    var product = Matrix<T>.identity(outputWidth)          // W_{i+1} ⋯ W_L, n_i × n_L
    setFeedbackWeight(layerCount, product)
    for i in stride(from: layerCount - 1, through: 1, by: -1) {
      product = matmul(weight(i + 1), product)
      setFeedbackWeight(i, product.transposed)
    }
  }
}

// MARK: Element-wise pieces

extension Activation {
  /// y = φ(x) over a buffer (tanh through FastMath; identity copies).
  @inlinable public func apply<T: BLASScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int) {
    switch self {
    case .tanh: FastMath.tanh(x, y, n)
    case .linear: if UnsafePointer(y) != x { y.update(from: x, count: n) }
    default: for i in 0..<n { y[i] = value(x[i]) }
    }
  }
  /// φ′ from the pre-activation x and its rate r = φ(x): for tanh 1 − r², without a second tanh.
  @inlinable public func slope<T: BLASScalar>(_ x: T, rate r: T) -> T {
    if case .tanh = self { return 1 - r * r }
    return slope(x)
  }
  /// φ′ from the pre-activation x (tanh: 1 − tanh²x).
  @inlinable public func slope<T: BLASScalar>(_ x: T) -> T {
    switch self {
    case .tanh: let t = T.tanh(x); return 1 - t * t
    case .linear: return 1
    case .relu: return x > 0 ? 1 : 0
    case .leakyReLU(let s): return x >= 0 ? 1 : T(s)
    case .sigmoid: let y = 1 / (1 + T.exp(-x)); return y * (1 - y)
    }
  }
}

/// The losses of the DFC experiments (§2.2): PyTorch batch means. Gr = ∂L/∂R_L carries 1/B in every row.
public enum DFCLoss: String, Sendable, Codable {
  /// Cross-entropy on the logits with one-hot targets: Gr = (softmax(R_L) − Y)/B.
  case crossEntropy = "ce"
  /// nn.MSELoss, the mean over batch and outputs: Gr = 2(R_L − Y)/(B·n_L).
  case meanSquaredError = "mse"

  /// The loss of R (rows × d) against Y, and Gr into `gradient`.
  @inlinable public func evaluate<T: BLASScalar>(_ r: UnsafePointer<T>, _ y: UnsafePointer<T>, rows: Int, width d: Int,
                                                gradient: UnsafeMutablePointer<T>) -> Double {
    var total = 0.0
    switch self {
    case .crossEntropy:
      for b in 0..<rows {
        let o = b * d
        var m = r[o]
        for j in 1..<d { m = Swift.max(m, r[o + j]) }
        var s: T = 0
        for j in 0..<d { s += T.exp(r[o + j] - m) }
        let logZ = m + T.log(s)
        for j in 0..<d {
          let p = T.exp(r[o + j] - logZ)
          gradient[o + j] = (p - y[o + j]) / T(rows)
          total -= Double(y[o + j] * (r[o + j] - logZ))
        }
      }
      return total / Double(rows)
    case .meanSquaredError:
      let scale = T(2) / T(rows * d)
      for i in 0..<(rows * d) {
        let e = r[i] - y[i]
        gradient[i] = scale * e
        total += Double(e * e)
      }
      return total / Double(rows * d)
    }
  }
}
