import Numerics

/// How LRA-E applies a square hidden error matrix E_l: as the TF1 code does (un-transposed, quirk Q1: the
/// published behaviour) or consistently with its n_l × n_{l−1} shape (the fix).
public enum ErrorWeightOrientation: String, Sendable, Codable { case tf1, consistent }

/// LRA-E, local representation alignment with error units (Ororbia & Mali, AAAI 2019). Seed: AnkurMali/LRA-E
/// mnist/mnist.py (TF1, preset official-tf1) and mnist_torch.py (preset torch); LRAE README
///
/// From one forward pass at the pre-update weights (no settling, no biases): e_L = softmax(a_L) − Y, then for
/// l = L … 2
///     d_{l−1} = e_l F_l,   t_{l−1} = tanh(a_{l−1} − β d_{l−1}),   e_{l−1} = h_{l−1} − t_{l−1},
/// and ΔW_l = h_{l−1}ᵀ e_l (summed over the batch, or its mean), ΔE_l = γ ΔW_lᵀ. F_l = E_l (n_l × n_{l−1});
/// in the TF1 orientation (quirk Q1, the default) every square hidden E_l (l < L) is applied transposed.
/// No activation derivative multiplies e: the slope of tanh enters through the target.
/// Hidden layers must be tanh (the target is tanh(a − βd)). Deviations: none.
public struct LocalRepresentationAlignment<Scalar: BLASScalar>: LearningRule {
  public typealias Orientation = ErrorWeightOrientation

  public var errorWeights: [Scalar]              // E_l (n_l × n_{l−1}) for l = 2…L, flat, at `offsets[l − 2]`
  public let offsets: [Int]
  public let sizes: [Int]
  public var beta: Double
  public var gamma: Double
  public var orientation: Orientation
  public var sumOverBatch: Bool                  // official-tf1: sums; torch/newTF: means
  public var optimizer: OptimizerState<Scalar>   // E's optimiser (the forward weights' optimiser, its own state)
  public var decay: WeightDecay
  @usableFromInline var errorGradient: [Scalar]  // ΔE_l = γ ΔW_lᵀ, flat like `errorWeights`

  public init(sizes: [Int], errorWeights: [Matrix<Scalar>], beta: Double, gamma: Double, orientation: Orientation,
              sumOverBatch: Bool, optimizer: Optimizer, decay: WeightDecay = .none) {
    precondition(errorWeights.count == sizes.count - 2, "LRA-E needs E_2 … E_L")
    var offsets: [Int] = [], o = 0
    for (j, e) in errorWeights.enumerated() {
      precondition(e.rows == sizes[j + 2] && e.cols == sizes[j + 1], "E_\(j + 2) must be \(sizes[j + 2])×\(sizes[j + 1])")
      offsets.append(o); o += e.count
    }
    self.offsets = offsets; self.sizes = sizes
    self.errorWeights = errorWeights.flatMap(\.storage)
    self.beta = beta; self.gamma = gamma; self.orientation = orientation; self.sumOverBatch = sumOverBatch
    self.optimizer = OptimizerState(optimizer, count: o)
    self.decay = decay
    errorGradient = [Scalar](repeating: 0, count: o)
  }

  /// E_l as a matrix (tests, metrics).
  public func errorWeight(_ l: Int) -> Matrix<Scalar> {
    let o = offsets[l - 2], r = sizes[l], c = sizes[l - 1]
    return Matrix(rows: r, cols: c, storage: Array(errorWeights[o..<(o + r * c)]))
  }

  /// Whether F_l = E_lᵀ (TF1's un-transposed use of a square hidden E).
  @inlinable public func transposesFeedback(_ l: Int) -> Bool {
    orientation == .tf1 && l < sizes.count - 1 && sizes[l] == sizes[l - 1]
  }

  @inlinable public mutating func update(_ net: Network<Scalar>, _ batch: Batch<Scalar>, loss: Loss,
                                         tape: inout Tape<Scalar>, into g: inout [Scalar]) -> Scalar {
    precondition(loss == .softmaxCrossEntropy, "LRA-E trains a softmax classifier with cross-entropy")
    tape.load(batch.inputs, rows: batch.rows)
    net.forward(&tape)
    let n = batch.rows, L = net.layerCount, dL = net.sizes[L]
    // e_L = softmax(a_L) − Y (the derivative of the summed cross-entropy), and the mean CE for the report.
    let total: Scalar = tape.output[L - 1].withUnsafeBufferPointer { y in
      tape.delta[L - 1].withUnsafeMutableBufferPointer { e in
        Loss.softmaxError(y.baseAddress!, rows: n, width: dL, labels: batch.labels!, scale: 1, into: e.baseAddress!)
      }
    }
    let b = Scalar(beta)
    errorWeights.withUnsafeBufferPointer { ew in
      for l in stride(from: L, through: 2, by: -1) {
        let nl = sizes[l], nb = sizes[l - 1]
        let f = ew.baseAddress! + offsets[l - 2]
        tape.delta[l - 1].withUnsafeBufferPointer { e in
          tape.delta[l - 2].withUnsafeMutableBufferPointer { d in
            // d_{l−1} = e_l F_l: (n × n_l)(n_l × n_{l−1}); F_l = E_l, or E_lᵀ (square, TF1).
            Scalar.gemm(.none, transposesFeedback(l) ? .transposed : .none, m: n, n: nb, k: nl, alpha: 1,
                        a: e.baseAddress!, lda: nl, b: f, ldb: nb, beta: 0, c: d.baseAddress!, ldc: nb)
          }
        }
        // e_{l−1} = h_{l−1} − tanh(a_{l−1} − β d_{l−1}), through the forward pass's tanh routine.
        tape.delta[l - 2].withUnsafeMutableBufferPointer { d in
          tape.preActivation[l - 2].withUnsafeBufferPointer { a in
            tape.derivative[l - 2].withUnsafeMutableBufferPointer { scratch in
              for i in 0..<(n * nb) { scratch[i] = a[i] - b * d[i] }
              FastMath.tanh(scratch.baseAddress!, scratch.baseAddress!, n * nb)
              tape.output[l - 2].withUnsafeBufferPointer { h in
                for i in 0..<(n * nb) { d[i] = h[i] - scratch[i] }
              }
            }
          }
        }
      }
    }
    // ΔW_l = h_{l−1}ᵀ e_l; no biases are trained.
    g.withUnsafeMutableBufferPointer { gp in
      for l in 1...L { net.layerGradient(l, &tape, into: gp.baseAddress!) }
    }
    for l in 1...L { let o = net.layout.biasOffset[l - 1]; for j in 0..<net.sizes[l] { g[o + j] = 0 } }
    if !sumOverBatch { let s = 1 / Scalar(n); g.withUnsafeMutableBufferPointer { gp in for i in gp.indices { gp[i] *= s } } }
    // ΔE_l = γ ΔW_lᵀ, through pointers (subscripting the stored array paid a uniqueness check per element), in
    // 32 × 32 tiles (a plain row-by-column transpose writes a new cache line per element) (issue 17).
    let gm = Scalar(gamma), tile = 32
    g.withUnsafeBufferPointer { gp in
      errorGradient.withUnsafeMutableBufferPointer { ep in
        for l in 2...L {
          let w = gp.baseAddress! + net.layout.weightOffset[l - 1], e = ep.baseAddress! + offsets[l - 2], rows = sizes[l - 1], cols = sizes[l]
          for i0 in stride(from: 0, to: rows, by: tile) { for j0 in stride(from: 0, to: cols, by: tile) {
            for i in i0..<Swift.min(i0 + tile, rows) { for j in j0..<Swift.min(j0 + tile, cols) { e[j * rows + i] = gm * w[i * cols + j] } }
          } }
        }
      }
    }
    return total / Scalar(n)
  }

  @inlinable public mutating func afterStep(_ net: Network<Scalar>) {
    optimizer.apply(to: &errorWeights, gradient: errorGradient, decay: decay)
  }

  public var sumsOverBatch: Bool { sumOverBatch }

  public var state: [Scalar] { errorWeights + optimizer.flat }
  public mutating func restore(_ state: [Scalar]) {
    let n = errorWeights.count
    guard state.count > n, optimizer.restore(flat: state[n...]) else { return }
    errorWeights = Array(state[0..<n])
  }

  /// The matrix that carries layer l's error down, in Wₗ's orientation (n_{l−1} × n_l): F_lᵀ.
  public func feedbackMatrix(layer l: Int, of net: Network<Scalar>) -> [Scalar]? {
    guard l >= 2 else { return nil }
    let e = errorWeight(l)
    return transposesFeedback(l) ? e.storage : e.transposed.storage
  }
}
