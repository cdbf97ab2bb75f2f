import Numerics

/// Align-zero on the layered (dense) networks (Boopathy & Fiete 2022; WideAlign README): the current network's
/// output error Δ_L is backpropagated through the frozen initial network run on the same batch (its weights W(0),
/// its derivatives φ′(A⁰)), and the gradients use the initial network's activity: G = J₀(x)ᵀ e(x; θ_t).
/// Differs from BP in that every quantity of the backward pass is the initial network's, except the error.
public struct AlignZeroDense<Scalar: BLASScalar>: LearningRule {
  public let initial: Network<Scalar>
  @usableFromInline var initialTape: Tape<Scalar>?

  public init(initial: Network<Scalar>) { self.initial = initial }

  @inlinable public mutating func update(_ net: Network<Scalar>, _ batch: Batch<Scalar>, loss: Loss,
                                         tape: inout Tape<Scalar>, into g: inout [Scalar]) -> Scalar {
    let value = net.forwardWithLoss(batch, loss: loss, tape: &tape)
    if initialTape == nil { initialTape = Tape<Scalar>(sizes: net.sizes, capacity: tape.capacity) }   // allocated once
    initial.runInitial(batch, error: tape.delta[net.layerCount - 1], tape: &initialTape!)
    initial.backward(&initialTape!, feedback: initial.parameters, into: &g)   // W(0), φ′(A⁰), H⁰: J₀ᵀe
    return value
  }
}

extension Network {
  /// The initial network's forward pass on `batch` in `tape`, with the current network's output error `error` as its
  /// Δ_L (the Align rules' common first step).
  @inlinable public func runInitial(_ batch: Batch<T>, error: [T], tape: inout Tape<T>) {
    tape.load(batch.inputs, rows: batch.rows)
    forward(&tape)
    let n = batch.rows * sizes[layerCount]
    tape.delta[layerCount - 1].replaceSubrange(0..<n, with: error[0..<n])
  }
}
