import Numerics

/// What every learning rule implements: turn a batch and the network's state into the update G that the
/// optimiser subtracts (a gradient for BP, a pseudo-gradient for the others), plus optional diagnostics.
/// A rule's own state (fixed or trained feedback weights, controller settings) lives in the rule value.
public protocol LearningRule<Scalar>: Sendable {
  associatedtype Scalar: BLASScalar
  /// Writes G (laid out as `net.parameters`) for `batch` into `g`; returns the batch loss before the update.
  mutating func update(_ net: Network<Scalar>, _ batch: Batch<Scalar>, loss: Loss,
                       tape: inout Tape<Scalar>, into g: inout [Scalar]) -> Scalar
  /// Called once the optimiser has moved the network (e.g. to train feedback weights). Default: nothing.
  mutating func afterStep(_ net: Network<Scalar>)
  /// Named diagnostics of the rule at the current parameters on `batch` (alignment angles, norms),
  /// computed only when the runner samples them. Default: none.
  func diagnostics(_ net: Network<Scalar>, _ batch: Batch<Scalar>, loss: Loss, tape: inout Tape<Scalar>) -> [String: Double]
  /// Rule state to store in a checkpoint (flat); restored with `restore`. Default: none.
  var state: [Scalar] { get }
  mutating func restore(_ state: [Scalar])
  /// The feedback matrix Bₗ that stands in for Wₗ (same shape, dₗ₋₁ × dₗ, flattened), where the rule has
  /// one (FA, KP): the "W–B alignment" metrics compare it with Wₗ. Default: nil.
  func feedbackMatrix(layer l: Int, of net: Network<Scalar>) -> [Scalar]?
  /// Whether `update` returns batch sums rather than means (LRA-E's TF1 preset). Default: false.
  var sumsOverBatch: Bool { get }
}

extension LearningRule {
  public mutating func afterStep(_ net: Network<Scalar>) {}
  public func diagnostics(_ net: Network<Scalar>, _ batch: Batch<Scalar>, loss: Loss,
                          tape: inout Tape<Scalar>) -> [String: Double] { [:] }
  public var state: [Scalar] { [] }
  public mutating func restore(_ state: [Scalar]) {}
  public func feedbackMatrix(layer l: Int, of net: Network<Scalar>) -> [Scalar]? { nil }
  public var sumsOverBatch: Bool { false }
}

extension Network {
  /// Loads `batch` into the tape, runs the forward pass and writes Δ_L = ∂ℓ/∂Y into `tape.delta[L−1]`.
  /// Returns ℓ. The common first half of most rules.
  @inlinable public func forwardWithLoss(_ batch: Batch<T>, loss: Loss, tape: inout Tape<T>) -> T {
    tape.load(batch.inputs, rows: batch.rows)
    forward(&tape)
    let L = layerCount, d = sizes[L]
    return tape.output[L - 1].withUnsafeBufferPointer { y in
      tape.delta[L - 1].withUnsafeMutableBufferPointer { delta in
        loss.evaluate(output: y.baseAddress!, rows: batch.rows, width: d, batch: batch, delta: delta.baseAddress!)
      }
    }
  }

  /// Layer l's parameter gradients from its error Δₗ in `tape.delta[l−1]`:
  ///     G_Wₗ = Hₗ₋₁ᵀ Δₗ: (dₗ₋₁ × n)(n × dₗ),   G_bₗ = Δₗᵀ 1.
  @inlinable public func layerGradient(_ l: Int, _ tape: inout Tape<T>, into g: UnsafeMutablePointer<T>) {
    let n = tape.rows, dIn = sizes[l - 1], dOut = sizes[l]
    let gw = g + layout.weightOffset[l - 1], gb = g + layout.biasOffset[l - 1]
    let inputBuffer = l == 1 ? tape.input : tape.output[l - 2]
    tape.delta[l - 1].withUnsafeBufferPointer { delta in
      let d = delta.baseAddress!
      inputBuffer.withUnsafeBufferPointer { h in
        T.gemm(.transposed, .none, m: dIn, n: dOut, k: n, alpha: 1, a: h.baseAddress!, lda: dIn,
               b: d, ldb: dOut, beta: 0, c: gw, ldc: dOut)
      }
      FastMath.columnSums(d, rows: n, columns: dOut, into: gb)
    }
  }

  /// Sends an error down: Δ_target = (Δ_source Fᵀ) ⊙ φ′(A_target), where F (d_target × d_source, row-major)
  /// is Wₗ for BP, a fixed Bₗ for FA, or a DFA matrix Bₗ (dₗ × d_L) with the output error as source.
  @inlinable public func propagate(from source: Int, to target: Int, through f: UnsafePointer<T>, _ tape: inout Tape<T>) {
    let n = tape.rows, dT = sizes[target], dS = sizes[source]
    tape.delta[source - 1].withUnsafeBufferPointer { delta in
      tape.delta[target - 1].withUnsafeMutableBufferPointer { below in
        // (n × d_source)(d_source × d_target)
        T.gemm(.none, .transposed, m: n, n: dT, k: dS, alpha: 1, a: delta.baseAddress!, lda: dS,
               b: f, ldb: dS, beta: 0, c: below.baseAddress!, ldc: dT)
      }
    }
    tape.delta[target - 1].withUnsafeMutableBufferPointer { below in
      tape.derivative[target - 1].withUnsafeBufferPointer { dphi in
        for i in 0..<(n * dT) { below[i] *= dphi[i] }
      }
    }
  }

  /// The backward pass from Δ_L in `tape.delta[L−1]`, with each layer's error sent down through a feedback
  /// matrix Fₗ stored like Wₗ (dₗ₋₁ × dₗ) at the same offsets of `feedback` (Fₗ = Wₗ: backpropagation;
  /// a fixed random Bₗ: feedback alignment):
  ///     G_Wₗ = Hₗ₋₁ᵀ Δₗ,   G_bₗ = Δₗᵀ 1,   Δₗ₋₁ = (Δₗ Fₗᵀ) ⊙ φ′(Aₗ₋₁).
  /// ∂ℓ/∂X₀ is not computed (nothing uses it).
  @inlinable public func backward(_ tape: inout Tape<T>, feedback: [T], into g: inout [T]) {
    precondition(feedback.count == layout.count && g.count == layout.count, "backward: buffer sizes differ")
    feedback.withUnsafeBufferPointer { f in
      g.withUnsafeMutableBufferPointer { gp in
        for l in stride(from: layerCount, through: 1, by: -1) {
          layerGradient(l, &tape, into: gp.baseAddress!)
          if l > 1 { propagate(from: l, to: l - 1, through: f.baseAddress! + layout.weightOffset[l - 1], &tape) }
        }
      }
    }
  }

  /// The exact gradient ∇ℓ of the batch loss (backpropagation), the reference every rule is measured against.
  @inlinable public func gradient(_ batch: Batch<T>, loss: Loss, tape: inout Tape<T>, into g: inout [T]) -> T {
    let value = forwardWithLoss(batch, loss: loss, tape: &tape)
    backward(&tape, feedback: parameters, into: &g)
    return value
  }
}
