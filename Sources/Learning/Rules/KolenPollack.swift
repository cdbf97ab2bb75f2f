import Numerics

/// Kolen-Pollack (Kolen & Pollack 1994, in the form of Akrout et al. 2019): feedback alignment whose Bₗ is
/// trained with Wₗ's own gradient, G_Bₗ := G_Wₗ, by its own copy of the optimiser (same η, its own state).
/// With weight decay in (0, 1) (decoupled) Wₗ − Bₗ shrinks as (1−λ)ᵗ; at λ = 0 it never changes (D3).
/// Seed: yschimpf/bioflax bioflax/model.py (RandomDenseLinearKP); Bioflax README Deviations: none.
public struct KolenPollack<Scalar: BLASScalar>: LearningRule {
  public var feedback: [Scalar]                  // Bₗ at net.layout.weightOffset[l−1]; bias slots stay 0
  public var optimizer: OptimizerState<Scalar>   // B's optimiser state (identical in evolution to W's)
  public var decay: WeightDecay
  @usableFromInline var feedbackGradient: [Scalar]

  public init(feedback: [Scalar], optimizer: Optimizer, decay: WeightDecay = .none) {
    self.feedback = feedback; self.decay = decay
    self.optimizer = OptimizerState(optimizer, count: feedback.count)
    feedbackGradient = [Scalar](repeating: 0, count: feedback.count)
  }

  @inlinable public mutating func update(_ net: Network<Scalar>, _ batch: Batch<Scalar>, loss: Loss,
                                         tape: inout Tape<Scalar>, into g: inout [Scalar]) -> Scalar {
    let value = net.forwardWithLoss(batch, loss: loss, tape: &tape)
    net.backward(&tape, feedback: feedback, into: &g)
    // G_Bₗ = G_Wₗ (bitwise), kernels only: B has no bias. One block copy per layer: an element-wise copy into the
    // stored array paid a uniqueness check per element (it made KP's epoch 1.9× FA's, issue 17).
    feedbackGradient.withUnsafeMutableBufferPointer { fg in
      g.withUnsafeBufferPointer { gp in
        for l in 1...net.layerCount {
          let o = net.layout.weightOffset[l - 1], n = net.sizes[l - 1] * net.sizes[l]
          (fg.baseAddress! + o).update(from: gp.baseAddress! + o, count: n)
        }
      }
    }
    return value
  }

  @inlinable public mutating func afterStep(_ net: Network<Scalar>) {
    optimizer.apply(to: &feedback, gradient: feedbackGradient, decay: decay)
  }

  public var state: [Scalar] { feedback + optimizer.flat }
  public mutating func restore(_ state: [Scalar]) {
    let n = feedback.count
    guard state.count > n, optimizer.restore(flat: state[n...]) else { return }
    feedback = Array(state[0..<n])
  }
  public func feedbackMatrix(layer l: Int, of net: Network<Scalar>) -> [Scalar]? {
    let o = net.layout.weightOffset[l - 1]
    return Array(feedback[o..<(o + net.sizes[l - 1] * net.sizes[l])])
  }
}
