import Numerics

/// DFC-SS (DFC README): simulate the controlled network for T steps, then apply the nonlinear-difference rule
/// at the last state: ΔV_i = V_i[T−1] − V_i^ff[T−1], R_{i−1} = R_{i−1}[T−1], the basal term recomputed from it.
extension DFCWorkspace {
  /// Simulates (§2.4), masks unless `includeNonConverged` (§2.5), and writes the unclipped update into g.
  /// `beforeMask` sees the last simulated state (the metrics' "bcn" state). Returns the mask's classes.
  @discardableResult
  @inlinable public func steadyStateUpdate(_ net: DFCNetwork<T>, _ x: UnsafePointer<T>, _ s: ControllerSettings, includeNonConverged: Bool,
                                epsilon: Double = 0.5, into g: UnsafeMutablePointer<T>, beforeMask: (() -> Void)? = nil) -> [SampleConvergence] {
    simulate(net, x, s)
    let classes = convergence(alpha: s.alpha, epsilon: epsilon)
    beforeMask?()
    if !includeNonConverged { resetToFeedforward(classes) }
    for i in 1...net.layerCount {
      let count = rows * sizes[i], dv = layer(deltaV, i), vi = layer(v, i), vffi = layer(vff, i)
      for j in 0..<count { dv[j] = vi[j] - vffi[j] }
    }
    differenceRule(net, x, rates: r, deltaV: deltaV, into: g)
    return classes
  }
}
