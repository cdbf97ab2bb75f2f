import Numerics

/// Direct feedback alignment (Nøkland 2016): every hidden layer receives the output error Δ_L through its
/// own fixed random Bₗ (dₗ × d_L): Δₗ = (Δ_L Bₗᵀ) ⊙ φ′(Aₗ); the output layer's gradient is exact.
/// Seed: yschimpf/bioflax bioflax/model.py (RandomDenseLinearDFAHidden/Output); Bioflax README
/// Deviations: none. Under bioflax's weight-decay defect (D1) the fixed B grows as (1+λ)ᵗ, as there.
public struct DirectFeedbackAlignment<Scalar: BLASScalar>: LearningRule {
  public var feedback: [Matrix<Scalar>]   // index l−1 → Bₗ (dₗ × d_L), hidden layers l = 1 … L−1
  public var decay: WeightDecay
  public var decayFixedFeedback: Bool

  public init(feedback: [Matrix<Scalar>], decay: WeightDecay = .none, decayFixedFeedback: Bool = false) {
    self.feedback = feedback; self.decay = decay; self.decayFixedFeedback = decayFixedFeedback
  }

  @inlinable public mutating func update(_ net: Network<Scalar>, _ batch: Batch<Scalar>, loss: Loss,
                                         tape: inout Tape<Scalar>, into g: inout [Scalar]) -> Scalar {
    let value = net.forwardWithLoss(batch, loss: loss, tape: &tape)
    let L = net.layerCount
    g.withUnsafeMutableBufferPointer { gp in
      net.layerGradient(L, &tape, into: gp.baseAddress!)
      for l in 1..<L {
        feedback[l - 1].storage.withUnsafeBufferPointer { b in
          net.propagate(from: L, to: l, through: b.baseAddress!, &tape)    // Δₗ = (Δ_L Bₗᵀ) ⊙ φ′(Aₗ)
        }
        net.layerGradient(l, &tape, into: gp.baseAddress!)
      }
    }
    return value
  }

  @inlinable public mutating func afterStep(_ net: Network<Scalar>) {
    guard let factor = decay.fixedFeedbackFactor(decayFixedFeedback: decayFixedFeedback) else { return }
    for l in feedback.indices { feedback[l].scale(by: Scalar(factor)) }
  }

  public var state: [Scalar] { feedback.flatMap(\.storage) }
  public mutating func restore(_ state: [Scalar]) {
    guard state.count == feedback.reduce(0, { $0 + $1.count }) else { return }
    var o = 0
    for l in feedback.indices {
      feedback[l].storage = Array(state[o..<(o + feedback[l].count)]); o += feedback[l].count
    }
  }
}
