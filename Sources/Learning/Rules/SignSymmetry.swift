import Numerics

/// The sign-concordant feedback rules of biotorch (Liao et al. 2016; Xiao et al. 2018; Bioflax README §2.9): the
/// backward matrix of every layer takes W's signs, rebuilt from the current W at every training step, with
/// magnitudes that differ by rule:
///   uSF  B = s · sign(W), s = √(2/(fan_in + fan_out)) (the std of the Xavier init)
///   brSF B = |M| ∘ sign(W), M ~ U(±√(6/(fan_in + fan_out))) redrawn at every training step
///   frSF B = |M| ∘ sign(W), |M| drawn once at initialisation (`LeNetNetwork.feedback`)
/// sign(0) = 0, as torch.sign. Everything else is BP's backward pass.
extension LeNetWorkspace {
  @inlinable public func signFeedback(_ net: LeNetNetwork<T>, into b: inout [T], rng: inout Random) {
    let a = architecture
    if b.count != net.weightCount { b = [T](repeating: 0, count: net.weightCount) }
    for l in a.layers.indices {
      let w = a.weightRange(l), o = net.feedbackOffset(l)
      let uniform = T((2 / Double(a.layers[l].fanIn + a.layers[l].fanOut)).squareRoot()), bound = a.xavierBound(l)
      for (k, i) in w.enumerated() {
        let p = net.parameters[i]
        let sign: T = p > 0 ? 1 : p < 0 ? -1 : 0
        switch net.rule {
        case .uniformSignFeedback: b[o + k] = uniform * sign
        case .batchwiseRandomSignFeedback: b[o + k] = T(abs(rng.uniform(-bound, bound))) * sign
        case .fixedRandomSignFeedback: b[o + k] = net.feedback[o + k] * sign
        default: preconditionFailure("\(net.rule) is not a sign-symmetry rule")
        }
      }
    }
  }
}
