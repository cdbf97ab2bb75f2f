import Numerics

/// Feedback alignment (Lillicrap et al. 2016): BP's backward pass with each Wₗ replaced by a fixed random
/// Bₗ of the same shape (dₗ₋₁ × dₗ). Seed: yschimpf/bioflax bioflax/model.py (RandomDenseLinearFA);
/// Bioflax README B₁ only produces ∂ℓ/∂X₀, which nothing uses: it is kept (and logged) but not applied.
/// Deviations: none. Under bioflax's weight-decay defect (D1) the fixed B grows as (1+λ)ᵗ, as there.
public struct FeedbackAlignment<Scalar: BLASScalar>: LearningRule {
  public var feedback: [Scalar]          // Bₗ at net.layout.weightOffset[l−1]; bias slots unused (0)
  public var decay: WeightDecay
  public var decayFixedFeedback: Bool    // `--decay-fixed-feedback`: decoupled decay shrinks B too

  public init(feedback: [Scalar], decay: WeightDecay = .none, decayFixedFeedback: Bool = false) {
    self.feedback = feedback; self.decay = decay; self.decayFixedFeedback = decayFixedFeedback
  }

  @inlinable public mutating func update(_ net: Network<Scalar>, _ batch: Batch<Scalar>, loss: Loss,
                                         tape: inout Tape<Scalar>, into g: inout [Scalar]) -> Scalar {
    let value = net.forwardWithLoss(batch, loss: loss, tape: &tape)
    net.backward(&tape, feedback: feedback, into: &g)     // Δₗ₋₁ = (Δₗ Bₗᵀ) ⊙ φ′: the one changed line
    return value
  }

  @inlinable public mutating func afterStep(_ net: Network<Scalar>) {
    // Fixed B receives no update; only the defect mode (every leaf) or the explicit option decays it.
    guard let factor = decay.fixedFeedbackFactor(decayFixedFeedback: decayFixedFeedback) else { return }
    let c = Scalar(factor)
    for i in feedback.indices { feedback[i] *= c }
  }

  public var state: [Scalar] { feedback }
  public mutating func restore(_ state: [Scalar]) { if !state.isEmpty { feedback = state } }
  public func feedbackMatrix(layer l: Int, of net: Network<Scalar>) -> [Scalar]? {
    let o = net.layout.weightOffset[l - 1]
    return Array(feedback[o..<(o + net.sizes[l - 1] * net.sizes[l])])
  }
}
