import Numerics

/// Backpropagation (Rumelhart, Hinton & Williams 1986): the exact gradient of the batch loss.
/// Every other rule differs from this one only where the rule does.
public struct Backprop<Scalar: BLASScalar>: LearningRule {
  @inlinable public init() {}
  @inlinable public mutating func update(_ net: Network<Scalar>, _ batch: Batch<Scalar>, loss: Loss,
                              tape: inout Tape<Scalar>, into g: inout [Scalar]) -> Scalar {
    net.gradient(batch, loss: loss, tape: &tape, into: &g)
  }
}
