import Numerics

/// DFC, the continuous update (DFC README, `grad_deltav_cont`): the time average over the simulated trajectory
/// G_{W_i} = −(2/(B·T)) Σ_{t=0}^{T−1} R_{i−1}[t]ᵀ (φ(V_i[t]) − φ(V_i^ff[t])), and the bias alike, with the stored
/// basal potential V^ff[t]; accumulated during the simulation (one GEMM per layer and step), never stored.
extension DFCWorkspace {
  /// Simulates with accumulation, masks unless `includeNonConverged`, and writes the unclipped update into g.
  /// The mask is known only at the end: the samples it removes are simulated again on their own and their
  /// share subtracted (each sample's dynamics are independent of the others').
  @discardableResult
  @inlinable public func continuousUpdate(_ net: DFCNetwork<T>, _ x: UnsafePointer<T>, _ s: ControllerSettings, includeNonConverged: Bool,
                               epsilon: Double = 0.5, into g: UnsafeMutablePointer<T>, beforeMask: (() -> Void)? = nil) -> [SampleConvergence] {
    let last = simulate(net, x, s, mode: .continuousUpdate)
    let classes = convergence(alpha: s.alpha, epsilon: epsilon)
    beforeMask?()
    g.update(from: parameterSums, count: parameterCount)
    let removed = includeNonConverged ? [] : classes.indices.filter { classes[$0] != .converged }
    if !removed.isEmpty {
      let sub = DFCWorkspace(net, capacity: removed.count)
      let n0 = net.inputWidth, d = net.outputWidth
      var xs = [T](repeating: 0, count: removed.count * n0)
      for (k, b) in removed.enumerated() { for j in 0..<n0 { xs[k * n0 + j] = x[b * n0 + j] } }
      xs.withUnsafeBufferPointer { px in
        sub.forward(net, px.baseAddress!, rows: removed.count)
        for (k, b) in removed.enumerated() { sub.target.advanced(by: k * d).update(from: target + b * d, count: d) }
        sub.simulate(net, px.baseAddress!, s, mode: .continuousUpdate, exitAt: last)
      }
      for j in 0..<parameterCount { g[j] -= sub.parameterSums[j] }
      resetToFeedforward(classes)
    }
    let scale = T(-2) / T(rows * s.steps)
    for j in 0..<parameterCount { g[j] *= scale }
    return classes
  }
}
