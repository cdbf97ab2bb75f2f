import Numerics

/// The alignment score of two kernel changes of one hidden conv layer, exactly as the official `align()` estimates
/// it (WideAlign README, "Alignment score"): per iteration one Gaussian probe ξ of the layer's input shape (S samples),
///
///     u = K_Aᵀ K_A ξ / n_out,  v = K_Bᵀ K_B ξ / n_out     (K: the layer's conv with the kernel change, no κ, SAME padding)
///     u ← u / mean|u|,  v ← v / mean|v|                   (over the whole S-sample tensor)
///     WD = mean_s ⟨u_s, v_s⟩,  WW = mean_s ⟨u_s, u_s⟩,  DD = mean_s ⟨v_s, v_s⟩
///
/// and score = ΣWD / √(ΣWW · ΣDD) over the iterations (an iteration with a NaN is skipped). It estimates the Frobenius
/// cosine of the input-space Gram operators K_AᵀK_A and K_BᵀK_B; nil ("undefined") when no iteration is kept, as for
/// a zero change. The probes come from the suite's stream (the official ones are unseeded, Q7).
public enum AlignmentScore {
  public static func score<T: BLASScalar>(_ deltaA: [T], _ deltaB: [T], geometry g: ConvGeometry, iterations: Int, samples: Int,
                                          rng: inout Random) -> Double? {
    precondition(deltaA.count == g.patchWidth * g.outputChannels && deltaB.count == deltaA.count, "kernel changes must be (9 c_in) × n_out")
    let a = ConvArchitecture(name: "probe", inputSize: g.inputSize, inputChannels: g.inputChannels, strides: [g.stride], width: g.outputChannels)
    let ws = ConvWorkspace<T>(a, capacity: samples)
    ws.batch = samples
    let inputs = samples * g.inputFeatures
    var xi = [T](repeating: 0, count: inputs), u = xi, v = xi
    var z = [T](repeating: 0, count: samples * g.outputFeatures)
    /// out = K_Δᵀ K_Δ ξ / n_out, one chunk of images at a time.
    func gram(_ delta: [T], into out: inout [T]) {
      let chunk = ws.chunkImages(g), n = g.outputChannels
      out.withUnsafeMutableBufferPointer { o in o.update(repeating: 0) }
      xi.withUnsafeBufferPointer { x in
        delta.withUnsafeBufferPointer { d in
          z.withUnsafeMutableBufferPointer { zp in
            out.withUnsafeMutableBufferPointer { o in
              for b0 in stride(from: 0, to: samples, by: chunk) {
                let count = min(chunk, samples - b0), rows = count * g.outputPositions
                ws.im2col(g, x.baseAddress!, images: b0, count: count)
                T.gemm(.none, .none, m: rows, n: n, k: g.patchWidth, alpha: 1, a: ws.patches, lda: g.patchWidth, b: d.baseAddress!, ldb: n,
                       beta: 0, c: zp.baseAddress!, ldc: n)
                T.gemm(.none, .transposed, m: rows, n: g.patchWidth, k: n, alpha: 1 / T(n), a: zp.baseAddress!, lda: n, b: d.baseAddress!, ldb: n,
                       beta: 0, c: ws.patches, ldc: g.patchWidth)
                ws.col2imAdd(g, into: o.baseAddress!, images: b0, count: count)
              }
            }
          }
        }
      }
    }
    var sumWD = 0.0, sumWW = 0.0, sumDD = 0.0, kept = 0
    for _ in 0..<iterations {
      for i in 0..<inputs { xi[i] = T(rng.normal()) }
      gram(deltaA, into: &u)
      gram(deltaB, into: &v)
      let mu = u.reduce(0.0) { $0 + abs(Double($1)) } / Double(inputs), mv = v.reduce(0.0) { $0 + abs(Double($1)) } / Double(inputs)
      var wd = 0.0, ww = 0.0, dd = 0.0
      for i in 0..<inputs {
        let x = Double(u[i]) / mu, y = Double(v[i]) / mv
        wd += x * y; ww += x * x; dd += y * y
      }
      wd /= Double(samples); ww /= Double(samples); dd /= Double(samples)
      if wd.isNaN || ww.isNaN || dd.isNaN { continue }
      sumWD += wd; sumWW += ww; sumDD += dd; kept += 1
    }
    return kept == 0 ? nil : sumWD / (sumWW * sumDD).squareRoot()
  }

  /// The shuffled control: every entry of the kernel W(t) moved by one uniform permutation (numpy's `shuffle` of the
  /// flattened array after `seed(99)`, replayed), minus W(0).
  public static func shuffledChange<T: BLASScalar>(_ current: [T], initial: [T]) -> [T] {
    var rng = NumpyRandom(seed: 99)
    let p = rng.permutation(current.count)
    return (0..<current.count).map { current[p[$0]] - initial[$0] }
  }
}
