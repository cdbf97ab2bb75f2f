import Numerics

/// Align-zero (Boopathy & Fiete 2022; `train_alignzero`, WideAlign README): BP's backward run entirely in the frozen
/// initial network on the same batch, with the current network's error E, applied to the current parameters:
/// θ ← θ − η J₀(x)ᵀ e(x; θ_t). Differs from BP in the masks, BN statistics, feedback weights and presynaptic
/// activity (all the initial network's), and in the readout update κ P⁰ᵀ E.
extension ConvWorkspace {
  @inlinable public func alignZeroGradient(_ net0: ConvNetwork<T>, _ x: UnsafePointer<T>) {
    forward(net0, x, rows: batch, into: initial)
    readoutGradient(initial)
    initialChain(net0, x) { l in
      weightGradient(layer: l, input: l == 1 ? x : UnsafePointer(initial.activity[l - 2]), initialSignalZ)
    }
  }
}
