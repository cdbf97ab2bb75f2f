import Numerics

/// Align-ada on the layered (dense) networks (Boopathy & Fiete 2022; WideAlign README): the frozen initial network
/// propagates the current output error Δ_L (as Align-zero); each layer's weights then meet the *current* presynaptic
/// activity. The output layer uses the current error itself; the last hidden layer the error through W_L(0) and the
/// current derivative; every lower layer the initial network's own error δ⁰ₗ (initial derivatives):
///     Δ̃_L = Δ_L,  Δ̃_{L−1} = (Δ_L W_L(0)ᵀ) ⊙ φ′(A_{L−1}(t)),  Δ̃ₗ = δ⁰ₗ (l < L − 1),  G_Wₗ = Hₗ₋₁(t)ᵀ Δ̃ₗ.
/// Differs from BP in the weights the error travels through and, below the last hidden layer, the derivatives.
public struct AlignAdaDense<Scalar: BLASScalar>: LearningRule {
  public let initial: Network<Scalar>
  @usableFromInline var initialTape: Tape<Scalar>?

  public init(initial: Network<Scalar>) { self.initial = initial }

  @inlinable public mutating func update(_ net: Network<Scalar>, _ batch: Batch<Scalar>, loss: Loss,
                                         tape: inout Tape<Scalar>, into g: inout [Scalar]) -> Scalar {
    let value = net.forwardWithLoss(batch, loss: loss, tape: &tape)
    let L = net.layerCount
    if initialTape == nil { initialTape = Tape<Scalar>(sizes: net.sizes, capacity: tape.capacity) }   // allocated once
    initial.runInitial(batch, error: tape.delta[L - 1], tape: &initialTape!)
    initial.parameters.withUnsafeBufferPointer { p0 in
      // The initial network's chain δ⁰ₗ for l < L − 1 ...
      for l in stride(from: L, through: 2, by: -1) {
        initial.propagate(from: l, to: l - 1, through: p0.baseAddress! + initial.layout.weightOffset[l - 1], &initialTape!)
      }
      // ... and the current network's last hidden layer: Δ_L through W_L(0), current φ′.
      if L > 1 { net.propagate(from: L, to: L - 1, through: p0.baseAddress! + initial.layout.weightOffset[L - 1], &tape) }
    }
    for l in 1..<max(1, L - 1) {
      let n = batch.rows * net.sizes[l]
      tape.delta[l - 1].replaceSubrange(0..<n, with: initialTape!.delta[l - 1][0..<n])
    }
    g.withUnsafeMutableBufferPointer { gp in
      for l in 1...L { net.layerGradient(l, &tape, into: gp.baseAddress!) }
    }
    return value
  }
}
