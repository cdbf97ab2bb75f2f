import Numerics

/// DFA on the conv nets (`train_dfa`, WideAlign README): every hidden layer gets the output error through its own
/// fixed projection, G_A^l = E D^lᵀ in the image view (D^l: (H_l W_l n) × C, entries N(0, 1/(H_l W_l n)), no κ), then
/// the current mask and BN backward. The last hidden layer gets only its DFA signal (the readout's gradient into P
/// is stopped).
extension ConvWorkspace {
  @inlinable func directFeedbackGradient(_ net: ConvNetwork<T>, _ x: UnsafePointer<T>) {
    let a = architecture, C = a.classes
    readoutGradient(current)
    net.feedback.withUnsafeBufferPointer { f in
      for l in 1...a.hiddenLayers {
        let F = a.layer(l).outputFeatures
        T.gemm(.none, .transposed, m: batch, n: F, k: C, alpha: 1, a: errors, lda: C, b: f.baseAddress! + net.feedbackOffset(l, direct: true),
               ldb: C, beta: 0, c: signal, ldc: F)
        mask(signal, current, layer: l)
        normaliseBackward(signal, current, layer: l, into: signalZ)
        weightGradient(layer: l, input: l == 1 ? x : UnsafePointer(current.activity[l - 2]), signalZ)
      }
    }
  }
}
