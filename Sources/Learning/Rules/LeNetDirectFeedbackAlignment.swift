import Numerics

/// biotorch's DFA on LeNet (Bioflax README §2.9): a layer's gradient with respect to its input is not G_Z·Wᵀ but the
/// output error E (B × C) through the layer's fixed D^l ((k² c_in) × C, Xavier-uniform), E tiled over the layer's
/// output map and passed through the transposed convolution with D^l: every output position of image b carries E_b,
/// so the patch-matrix gradient is the same row (E D^lᵀ)_b at every position, and col2im sums it onto the input.
/// A Linear layer (and the output layer, which has a D too) gets E D^lᵀ directly. Everything else is BP's backward.
extension LeNetWorkspace {
  @inlinable func directInputGradient(layer l: Int, _ d: UnsafePointer<T>) {
    let g = architecture.layers[l], C = architecture.classes, B = batch
    let target = g.isDense ? signal : patchSignal
    T.gemm(.none, .transposed, m: B, n: g.patchWidth, k: C, alpha: 1, a: errors, lda: C, b: d, ldb: C,
           beta: 0, c: target, ldc: g.patchWidth)
    if !g.isDense { col2im(g, patchSignal, into: signal, rows: B, broadcast: true) }
  }
}
