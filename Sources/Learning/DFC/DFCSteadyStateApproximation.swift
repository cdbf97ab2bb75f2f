import Numerics

/// DFC-SSA, the analytic steady state (DFC README; the code's `non_dynamical_inversion`). Per sample, with J
/// at the feedforward state and δ = r_L* − r_L^- = −λg: u_ss = (J Kᵀ + αI)⁻¹ δ (LU), ΔV_i = U_ss K_i, then the
/// controlled sweep R_{i,ss} = φ_i(R_{i−1,ss} W_i + 1b_i + ΔV_i) and the difference rule with R_ss and ΔV.
/// No simulation: dt, T, τ and k_p are unused (they still enter the λ_max matrices of the metrics).
extension DFCWorkspace {
  /// J^b = ∂r_L/∂v at the packed pre-activations `preactivations` (§2.1): J_L = D_L, J_i = J_{i+1} W_{i+1}ᵀ D_i,
  /// for all samples at once (one GEMM per layer on the stacked (B·n_L) × n_i blocks); and J^b Kᵀ = Σ_i J_i^b K_iᵀ.
  @inlinable public func computeJacobian(_ net: DFCNetwork<T>, at preactivations: UnsafePointer<T>) {
    let L = net.layerCount, d = net.outputWidth, N = net.stateWidth
    // Layer i's columns of the stacked J: rows b·d + a, columns unitOffset(i) …; row stride N.
    func columns(_ i: Int) -> UnsafeMutablePointer<T> { jacobian + net.unitOffset(i) }
    let vL = preactivations + net.stateOffset(L, rows: rows)
    for b in 0..<rows {
      for a in 0..<d {
        let row = columns(L) + (b * d + a) * N
        for j in 0..<d { row[j] = a == j ? net.activations[L - 1].slope(vL[b * d + j]) : 0 }
      }
    }
    let widest = sizes[1..<L].max() ?? 0
    net.parameters.withUnsafeBufferPointer { p in
      withUnsafeTemporaryAllocation(of: T.self, capacity: widest) { slopes in
        for i in stride(from: L - 1, through: 1, by: -1) {
          let ni = sizes[i], nAbove = sizes[i + 1]
          T.gemm(.none, .transposed, m: rows * d, n: ni, k: nAbove, alpha: 1, a: columns(i + 1), lda: N,
                 b: p.baseAddress! + net.weightOffset[i], ldb: nAbove, beta: 0, c: columns(i), ldc: N)
          let vi = preactivations + net.stateOffset(i, rows: rows), phi = net.activations[i - 1]
          // Sample b's d rows times D_i: one slope per unit, then each row scaled contiguously (a column-wise
          // sweep strides N elements per multiply).
          for b in 0..<rows {
            for j in 0..<ni { slopes[j] = phi.slope(vi[b * ni + j]) }
            for a in 0..<d {
              let row = columns(i) + (b * d + a) * N
              for j in 0..<ni { row[j] *= slopes[j] }
            }
          }
        }
      }
    }
    net.feedback.withUnsafeBufferPointer { k in
      for i in 1...L {
        T.gemm(.none, .transposed, m: rows * d, n: d, k: sizes[i], alpha: 1, a: columns(i), lda: N,
               b: k.baseAddress! + net.feedbackOffset[i - 1], ldb: sizes[i], beta: i == 1 ? 0 : 1, c: jacobianFeedback, ldc: d)
      }
    }
  }

  /// Solves (J^b Kᵀ + αI) u^b = δ^b for every sample into `u` (LAPACK getrf/getrs on the row-major matrix,
  /// which LAPACK sees transposed, hence trans = T). Throws for a singular system.
  @inlinable public func solveSteadyStateControl(alpha: Double, delta: UnsafePointer<T>) throws {
    let d = sizes.last!
    try withUnsafeTemporaryAllocation(of: T.self, capacity: d * d) { m in
      try withUnsafeTemporaryAllocation(of: Int32.self, capacity: d) { pivots in
        for b in 0..<rows {
          m.baseAddress!.update(from: jacobianFeedback + b * d * d, count: d * d)
          for a in 0..<d { m[a * d + a] += T(alpha) }
          u.advanced(by: b * d).update(from: delta + b * d, count: d)
          let f = T.getrf(d, d, m.baseAddress!, d, pivots.baseAddress!)
          if f != 0 { throw LinearAlgebraError.singular(pivot: Int(f) - 1) }
          _ = T.getrs(.transposed, d, 1, m.baseAddress!, d, pivots.baseAddress!, u + b * d, d)
        }
      }
    }
  }

  /// The DFC-SSA update into g (unclipped), leaving U_ss in `u`, ΔV in `deltaV`, V_ss and R_ss in `v` and `r`.
  /// Needs `forward` and the output target first.
  @inlinable public func analyticUpdate(_ net: DFCNetwork<T>, _ x: UnsafePointer<T>, alpha: Double, solver: SSASolver = .lu,
                                       into g: UnsafeMutablePointer<T>) throws {
    let d = net.outputWidth, o = rows * d
    for k in 0..<o { error[k] = target[k] - feedforwardOutput[k] }          // δ = −λ g
    switch solver {
    case .lu:
      computeJacobian(net, at: feedforwardV)
      try solveSteadyStateControl(alpha: alpha, delta: error)
    case .krylov:
      try solveSteadyStateControlKrylov(net, alpha: alpha, delta: error)
    }
    analyticSteadyState(net, x)
    differenceRule(net, x, rates: r, deltaV: deltaV, into: g)
  }

  /// ΔV_i = U K_i and the controlled sweep V_{i,ss} = R_{i−1,ss} W_i + 1b_i + ΔV_i, R_{i,ss} = φ_i(V_{i,ss}).
  @inlinable public func analyticSteadyState(_ net: DFCNetwork<T>, _ x: UnsafePointer<T>) {
    let d = net.outputWidth
    net.parameters.withUnsafeBufferPointer { p in
      net.feedback.withUnsafeBufferPointer { k in
        for i in 1...net.layerCount {
          let ni = sizes[i], count = rows * ni
          let dv = layer(deltaV, i), vi = layer(v, i)
          T.gemm(.none, .none, m: rows, n: ni, k: d, alpha: 1, a: u, lda: d, b: k.baseAddress! + net.feedbackOffset[i - 1], ldb: ni,
                 beta: 0, c: dv, ldc: ni)
          basal(net, p.baseAddress!, i, i == 1 ? x : UnsafePointer(layer(r, i - 1)), into: vi)
          for j in 0..<count { vi[j] += dv[j] }
          net.activations[i - 1].apply(vi, layer(r, i), count)
        }
      }
    }
  }
}
