import Numerics

/// What the forward-weight rules of DFC share (DFC README): the convergence mask and the
/// nonlinear-difference rule G_{W_i} = −(2/B) R_{i−1}ᵀ ΔΦ_i, G_{b_i} = −(2/B) 1ᵀ ΔΦ_i with
/// ΔΦ_i = φ_i(V_i^ff + ΔV_i) − φ_i(V_i^ff), V_i^ff = R_{i−1} W_i + 1 b_i from the rates the rule uses.
public enum SampleConvergence: Int, Sendable, Codable { case converged, notConverged, diverged }

/// How many samples of a batch fell in each class of the mask.
public struct MaskCounts: Sendable, Codable, Equatable {
  public var converged = 0, notConverged = 0, diverged = 0
  public init() {}
  public var total: Int { converged + notConverged + diverged }
}

extension DFCWorkspace {
  /// Classifies every sample after a simulation (§2.5): res = ‖r_L[T−1] − (r_L* − α u[T−1])‖ / ‖r_L^-‖;
  /// converged iff res < 1e-5 and err[T−1] < ε² err[0]; diverged iff res > 1.
  @inlinable public func convergence(alpha: Double, epsilon: Double = 0.5) -> [SampleConvergence] {
    (0..<rows).map { b in
      let res = residual(b, alpha: T(alpha))
      if res < 1e-5 && finalError[b] < T(epsilon * epsilon) * initialError[b] { return .converged }
      return res > 1 ? .diverged : .notConverged
    }
  }

  /// Resets every sample that did not converge to its feedforward values (V = V^ff = V^-, V^fb = 0, R = R^-,
  /// U = 0): it then contributes a zero update, while the batch mean still divides by B.
  @inlinable public func resetToFeedforward(_ classes: [SampleConvergence]) {
    for b in 0..<rows where classes[b] != .converged {
      for i in 1..<sizes.count {
        let n = sizes[i], o = b * n
        layer(v, i).advanced(by: o).update(from: layer(feedforwardV, i) + o, count: n)
        layer(vff, i).advanced(by: o).update(from: layer(feedforwardV, i) + o, count: n)
        layer(r, i).advanced(by: o).update(from: layer(feedforwardR, i) + o, count: n)
        layer(vfb, i).advanced(by: o).update(repeating: 0, count: n)
      }
      let d = sizes.last!
      u.advanced(by: b * d).update(repeating: 0, count: d)
    }
  }

  public static func counts(_ classes: [SampleConvergence]) -> MaskCounts {
    var c = MaskCounts()
    for k in classes { switch k { case .converged: c.converged += 1; case .notConverged: c.notConverged += 1; case .diverged: c.diverged += 1 } }
    return c
  }

  /// The nonlinear-difference rule from rates R (packed R_1 … R_L; R_0 = x) and somatic changes ΔV (packed),
  /// into g (laid out like the parameters): G_{W_i} = −(2/B) R_{i−1}ᵀ ΔΦ_i, G_{b_i} = −(2/B) 1ᵀ ΔΦ_i.
  /// `scale` replaces −2/B (the MN reference uses +1/B).
  @inlinable public func differenceRule(_ net: DFCNetwork<T>, _ x: UnsafePointer<T>, rates: UnsafePointer<T>,
                                        deltaV: UnsafePointer<T>, into g: UnsafeMutablePointer<T>, scale: T? = nil) {
    let scale = scale ?? T(-2) / T(rows)
    let scratch = self.scratch, scratch2 = self.scratch2   // locals: see `simulate`
    net.parameters.withUnsafeBufferPointer { pp in
      for i in 1...net.layerCount {
        let ni = sizes[i], count = rows * ni, offset = net.stateOffset(i, rows: rows)
        let below = i == 1 ? x : rates + net.stateOffset(i - 1, rows: rows)
        basal(net, pp.baseAddress!, i, below, into: scratch)
        let dv = deltaV + offset
        for j in 0..<count { scratch2[j] = scratch[j] + dv[j] }
        let phi = net.activations[i - 1]
        phi.apply(scratch2, scratch2, count); phi.apply(scratch, scratch, count)
        for j in 0..<count { scratch2[j] -= scratch[j] }
        T.gemm(.transposed, .none, m: sizes[i - 1], n: ni, k: rows, alpha: scale, a: below, lda: sizes[i - 1], b: scratch2, ldb: ni,
               beta: 0, c: g + net.weightOffset[i - 1], ldc: ni)
        let gb = g + net.biasOffset[i - 1]
        FastMath.columnSums(scratch2, rows: rows, columns: ni, times: scale, into: gb)
      }
    }
  }
}

extension Clipping {
  /// DFC's clipping: each tensor (every W_i and b_i) to norm ≤ 1, by torch's min(1, 1/(‖G‖ + 1e-6)) (§2.6).
  public static let dfcPerTensor = Clipping.perTensor(maxNorm: 1)
}
