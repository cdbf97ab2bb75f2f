import Numerics

/// Align-ada (Boopathy & Fiete 2022; `train_alignada`, WideAlign README): the initial network propagates the current
/// error E as in Align-zero; at every hidden layer its signal is injected at the current network's post-BN output,
/// goes through the current layer's BN backward and meets the current presynaptic activity. No gradient passes
/// between layers of the current network.
///
///     l = L:  G̃_H^L = spread(G⁰_P)/(H_L W_L) ⊙ 1[H^L(t) > 0]     (current mask at the last hidden layer)
///     l < L:  G̃_H^l = G⁰_H^l                                     (the initial network's mask)
///     G_Z^l = BNᵀ(G̃_H^l; Ĥ^l(t), s^l(t)),  ∇W^l = κ_l im2col(A^{l−1}(t))ᵀ G_Z^l,  readout: κ P(t)ᵀ E
extension ConvWorkspace {
  @inlinable func alignAdaGradient(_ net0: ConvNetwork<T>, _ x: UnsafePointer<T>) {
    forward(net0, x, rows: batch, into: initial)
    readoutGradient(current)
    let L = architecture.hiddenLayers
    net0.parameters.withUnsafeBufferPointer { p in
      // The last hidden layer: the init readout's spread signal through the current mask.
      readoutBackward(through: p.baseAddress! + architecture.weightRange(L + 1).lowerBound, into: signal)
      mask(signal, current, layer: L)
    }
    initialChain(net0, x) { l in
      // G⁰_H^l (initial mask) is in initialSignal; layer L's injected signal is already in `signal`.
      let features = batch * architecture.layer(l).outputFeatures
      if l < L { signal.update(from: initialSignal, count: features) }
      normaliseBackward(signal, current, layer: l, into: signalZ)
      weightGradient(layer: l, input: l == 1 ? x : UnsafePointer(current.activity[l - 2]), signalZ)
    }
  }
}
