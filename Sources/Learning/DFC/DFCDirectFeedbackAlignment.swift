import Numerics

/// DFA on the DFC network, the Table 1 baseline (DFC README; the code's `dtp_layers.compute_forward_gradients`).
/// F_i (n_L × n_i, Xavier-normal, frozen) sits in the network's feedback slots K_i. Hidden targets
/// h_i* = R_i − λ Gr F_i with the local loss ‖R_i − h_i*‖² per sample (batch mean), so with
/// E_i = φ_i′(V_i) ⊙ (λ Gr F_i): G_{W_i} = (2/B) R_{i−1}ᵀ E_i, G_{b_i} = (2/B) 1ᵀ E_i; the output layer's is
/// (2λ/B) R_{L−1}ᵀ Gr. Unclipped here; the trainer clips every tensor to norm 1.
extension DFCWorkspace {
  /// Needs `forward` and the output target (which leaves Gr in `lossGradient`).
  @inlinable public func directFeedbackAlignmentUpdate(_ net: DFCNetwork<T>, _ x: UnsafePointer<T>, lambda: Double, into g: UnsafeMutablePointer<T>) {
    let L = net.layerCount, d = net.outputWidth, scale = T(2) / T(rows), lam = T(lambda)
    let scratch = self.scratch, lossGradient = self.lossGradient   // locals: see `simulate`
    net.feedback.withUnsafeBufferPointer { f in
      for i in 1...L {
        let ni = sizes[i], below = i == 1 ? x : UnsafePointer(layer(feedforwardR, i - 1))
        if i == L {
          for j in 0..<(rows * d) { scratch[j] = lam * lossGradient[j] }
        } else {
          T.gemm(.none, .none, m: rows, n: ni, k: d, alpha: lam, a: lossGradient, lda: d, b: f.baseAddress! + net.feedbackOffset[i - 1], ldb: ni,
                 beta: 0, c: scratch, ldc: ni)
          let vi = layer(feedforwardV, i), ri = layer(feedforwardR, i), phi = net.activations[i - 1]
          for j in 0..<(rows * ni) { scratch[j] *= phi.slope(vi[j], rate: ri[j]) }
        }
        T.gemm(.transposed, .none, m: sizes[i - 1], n: ni, k: rows, alpha: scale, a: below, lda: sizes[i - 1], b: scratch, ldb: ni,
               beta: 0, c: g + net.weightOffset[i - 1], ldc: ni)
        let gb = g + net.biasOffset[i - 1]
        FastMath.columnSums(scratch, rows: rows, columns: ni, times: scale, into: gb)
      }
    }
  }
}
