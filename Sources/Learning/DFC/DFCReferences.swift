import Numerics

/// The reference updates DFC is compared with (DFC README), in the gradient sign convention (what the optimiser
/// subtracts), at the feedforward state of the current minibatch, unclipped. g_b is the row of Gr (1/B included).
extension DFCWorkspace {
  /// Per sample b, the d×N matrix J^b from the stacked Jacobian.
  public func jacobian(of b: Int, width N: Int) -> Matrix<T> {
    let d = sizes.last!
    return Matrix(rows: d, cols: N, storage: Array(UnsafeBufferPointer(start: jacobian + b * d * N, count: d * N)))
  }

  /// Writes a per-sample N-vector into row b of a packed state (layer blocks).
  func scatter(_ vector: [T], row b: Int, into packed: UnsafeMutablePointer<T>, _ net: DFCNetwork<T>) {
    for i in 1...net.layerCount {
      let ni = sizes[i], block = packed + net.stateOffset(i, rows: rows), o = net.unitOffset(i)
      for j in 0..<ni { block[b * ni + j] = vector[o + j] }
    }
  }

  /// The exact gradient of the batch-mean loss (BP): δ_L = Gr ⊙ φ_L′, δ_i = (δ_{i+1} W_{i+1}ᵀ) ⊙ φ_i′(V_i^-).
  /// Needs `forward` and the output target. δ ping-pongs between the two scratch buffers (rows × widest): nothing
  /// is allocated per minibatch.
  /// Inlinable, so that its callers get it specialised (the generic body called `slope` through witness tables).
  @inlinable public func backpropGradient(_ net: DFCNetwork<T>, _ x: UnsafePointer<T>, into g: UnsafeMutablePointer<T>) {
    let L = net.layerCount
    var delta = scratch, next = scratch2
    let vL = layer(feedforwardV, L)
    for k in 0..<(rows * sizes[L]) { delta[k] = lossGradient[k] * net.activations[L - 1].slope(vL[k]) }
    net.parameters.withUnsafeBufferPointer { p in
      for i in stride(from: L, through: 1, by: -1) {
        let ni = sizes[i], below = i == 1 ? x : UnsafePointer(layer(feedforwardR, i - 1))
        T.gemm(.transposed, .none, m: sizes[i - 1], n: ni, k: rows, alpha: 1, a: below, lda: sizes[i - 1], b: delta, ldb: ni,
               beta: 0, c: g + net.weightOffset[i - 1], ldc: ni)
        FastMath.columnSums(delta, rows: rows, columns: ni, times: 1, into: g + net.biasOffset[i - 1])
        guard i > 1 else { break }
        T.gemm(.none, .transposed, m: rows, n: sizes[i - 1], k: ni, alpha: 1, a: delta, lda: ni, b: p.baseAddress! + net.weightOffset[i - 1],
               ldb: ni, beta: 0, c: next, ldc: sizes[i - 1])
        let v = layer(feedforwardV, i - 1), rate = layer(feedforwardR, i - 1), phi = net.activations[i - 2]
        for j in 0..<(rows * sizes[i - 1]) { next[j] *= phi.slope(v[j], rate: rate[j]) }
        swap(&delta, &next)
      }
    }
  }

  /// (A + γI)⁻¹ y for a small square A (LU).
  static func solve(_ a: Matrix<T>, _ gamma: Double, _ y: [T]) -> [T] {
    var m = a
    for k in 0..<m.rows { m[k, k] += T(gamma) }
    return (try? LUFactorization(m).solve(y)) ?? [T](repeating: .nan, count: y.count)
  }

  /// MN ("GNT", nonlinear form): per sample Δv = Jᵀ(JJᵀ + γI)⁻¹ g (J^† g at γ = 0), then
  /// G_{W_i} = (1/B) R_{i−1}^-ᵀ (φ(V_i^- + ΔV_i) − φ(V_i^-)), the bias the batch mean. Needs `computeJacobian`
  /// at the feedforward state. Uses `deltaV`.
  public func minimumNormReference(_ net: DFCNetwork<T>, _ x: UnsafePointer<T>, gamma: Double, into g: UnsafeMutablePointer<T>) {
    let d = net.outputWidth, N = net.stateWidth
    for b in 0..<rows {
      let j = jacobian(of: b, width: N)
      let z = DFCWorkspace.solve(matmul(j, j, transposeB: .transposed), gamma, Array(UnsafeBufferPointer(start: lossGradient + b * d, count: d)))
      scatter(matmul(j, Matrix(rows: d, cols: 1, storage: z), transposeA: .transposed).storage, row: b, into: deltaV, net)
    }
    differenceRule(net, x, rates: feedforwardR, deltaV: deltaV, into: g, scale: 1 / T(rows))
  }

  /// GN without materialising J_θ (§2.11): J_θJ_θᵀ = Σ_i (‖r_{i−1}‖² + 1) J_i J_iᵀ, c = (J_θJ_θᵀ + γI)⁻¹ g,
  /// ΔW_i = (1/B) Σ_b r_{i−1}(J_iᵀc)ᵀ, Δb_i = (1/B) Σ_b J_iᵀc. Needs `computeJacobian` at the feedforward state.
  public func gaussNewtonReference(_ net: DFCNetwork<T>, _ x: UnsafePointer<T>, gamma: Double, into g: UnsafeMutablePointer<T>) {
    let L = net.layerCount, d = net.outputWidth, N = net.stateWidth
    for b in 0..<rows {
      let j = jacobian(of: b, width: N)
      var gram = Matrix<T>(rows: d, cols: d)
      var blocks: [Matrix<T>] = []
      for i in 1...L {
        let ji = Matrix(rows: d, cols: sizes[i], storage: (0..<d).flatMap { a in (0..<sizes[i]).map { j[a, net.unitOffset(i) + $0] } })
        blocks.append(ji)
        let below = i == 1 ? x + b * sizes[0] : UnsafePointer(layer(feedforwardR, i - 1)) + b * sizes[i - 1]
        var norm2: T = 0
        for k in 0..<sizes[i - 1] { norm2 += below[k] * below[k] }
        gram = gram + (norm2 + 1) * matmul(ji, ji, transposeB: .transposed)
      }
      let c = DFCWorkspace.solve(gram, gamma, Array(UnsafeBufferPointer(start: lossGradient + b * d, count: d)))
      var y = [T](repeating: 0, count: N)
      for i in 1...L {
        let yi = matmul(blocks[i - 1], Matrix(rows: d, cols: 1, storage: c), transposeA: .transposed).storage
        for k in 0..<sizes[i] { y[net.unitOffset(i) + k] = yi[k] }
      }
      scatter(y, row: b, into: deltaV, net)
    }
    for i in 1...L {
      let ni = sizes[i], yi = UnsafePointer(layer(deltaV, i)), below = i == 1 ? x : UnsafePointer(layer(feedforwardR, i - 1))
      T.gemm(.transposed, .none, m: sizes[i - 1], n: ni, k: rows, alpha: 1 / T(rows), a: below, lda: sizes[i - 1], b: yi, ldb: ni,
             beta: 0, c: g + net.weightOffset[i - 1], ldc: ni)
      for k in 0..<ni { var s: T = 0; for r in 0..<rows { s += yi[r * ni + k] }; g[net.biasOffset[i - 1] + k] = s / T(rows) }
    }
  }

  /// The SSA ("NDI") reference of DFC and DFC-SS: ΔV = U_ss K from the analytic solve at the feedforward state,
  /// paired with the rates of the simulated final state (after the mask) in the difference rule; unclipped (§2.11).
  /// Overwrites `u`, `error`, `deltaV` and the Jacobian buffers; keeps `r`.
  public func steadyStateReference(_ net: DFCNetwork<T>, _ x: UnsafePointer<T>, alpha: Double, into g: UnsafeMutablePointer<T>) throws {
    let d = net.outputWidth
    computeJacobian(net, at: feedforwardV)
    for k in 0..<(rows * d) { error[k] = target[k] - feedforwardOutput[k] }
    try solveSteadyStateControl(alpha: alpha, delta: error)
    net.feedback.withUnsafeBufferPointer { k in
      for i in 1...net.layerCount {
        T.gemm(.none, .none, m: rows, n: sizes[i], k: d, alpha: 1, a: u, lda: d, b: k.baseAddress! + net.feedbackOffset[i - 1], ldb: sizes[i],
               beta: 0, c: layer(deltaV, i), ldc: sizes[i])
      }
    }
    differenceRule(net, x, rates: r, deltaV: deltaV, into: g)
  }
}
