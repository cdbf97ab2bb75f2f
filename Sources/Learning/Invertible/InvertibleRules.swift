import Numerics

/// The three rules of the GAIT-prop paper on invertible networks (gait.md §2.4–2.7, §2.11). Seed:
/// nasiryahm/GAIT-prop inv_net.py (get_backprop_updates, get_gait_updates, get_tp_updates) and run.py.
/// Deviations: none by default; `deviationForm` is the cancellation-free fix of §2.10.
public enum InvertibleRule: Sendable, Codable, Equatable {
  /// δ_L = (h_L − t_L) ⊙ D_L, δ_{l−1} = pad(δ_l W_lᵀ) ⊙ D_{l−1}.
  case backprop
  /// GAIT-prop: incremental targets z_l = (1 − ρ_l)h_l + ρ_l τ_l with ρ_l = γ D_l², inverted exactly,
  /// errors rescaled by c_l = γ^{−(L−l)}.
  case gait(gamma: Double, deviationForm: Bool)
  /// Ideal target propagation: the full output target, inverted exactly through every layer.
  case targetPropagation
}

/// What one batch gives: the gradient G the optimiser receives (laid out like the parameters, the
/// regulariser included), and for inspection the targets τ_l, the scales c_l and λ∇R per layer.
public struct InvertibleUpdate: Sendable {
  public var gradient: [Double]
  public var activities: [Matrix<Double>]      // h_1 … h_L
  public var outputTarget: Matrix<Double>      // t_L
  public var targets: [Matrix<Double>]         // τ_1 … τ_L (GAIT, TP; empty for BP)
  public var scales: [Double]                  // c_1 … c_L (GAIT)
  public var orthogonalityTerm: [Matrix<Double>]
  public var loss: Double                      // (1/B) Σ ½ Σ_{j<10} (h_{L,j} − y_j)²
}

extension InvertibleNetwork {
  /// R(W) = ‖W Wᵀ − diag(W Wᵀ)‖_F² and its gradient 4 (W Wᵀ − diag(W Wᵀ)) W (gait.md §2.11).
  public static func orthogonalityGradient(_ w: Matrix<Double>) -> (value: Double, gradient: Matrix<Double>) {
    var gram = matmul(w, w, transposeB: .transposed)
    for i in 0..<gram.rows { gram[i, i] = 0 }
    let value = gram.storage.reduce(0) { $0 + $1 * $1 }
    return (value, 4 * matmul(gram, w))
  }

  public func update(_ rule: InvertibleRule, x: Matrix<Double>, labels: [Int32], orthoLambda: Double) -> InvertibleUpdate {
    let h = forward(x), L = layerCount, rows = x.rows
    // t_L: the one-hot labels on the first 10 units, the unit's own activity on the others (their error is 0).
    var t = h[L - 1]
    for r in 0..<rows { for j in 0..<min(10, t.cols) { t[r, j] = j == Int(labels[r]) ? 1 : 0 } }
    var loss = 0.0
    for r in 0..<rows { for j in 0..<min(10, t.cols) { let d = h[L - 1][r, j] - t[r, j]; loss += 0.5 * d * d } }
    loss /= Double(rows)

    var g = [Double](repeating: 0, count: parameters.count)
    func input(_ l: Int) -> Matrix<Double> { InvertibleNetwork.leading(l == 1 ? x : h[l - 2], widths[l - 1]) }
    /// ∇W_l = (1/B) x_lᵀ e_l, ∇b_l = (1/B) 1ᵀ e_l.
    func accumulate(_ l: Int, _ e: Matrix<Double>) {
      let n = widths[l - 1]
      let gw = matmul(input(l), e, transposeA: .transposed)
      let scale = 1 / Double(rows)
      for i in 0..<(n * n) { g[weightOffset[l - 1] + i] = scale * gw.storage[i] }
      for j in 0..<n {
        var s = 0.0
        for r in 0..<rows { s += e[r, j] }
        g[biasOffset[l - 1] + j] = scale * s
      }
    }
    func dOf(_ m: Matrix<Double>) -> Matrix<Double> { m.map(derivative) }
    func hadamard(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> { var c = a; c.multiply(by: b); return c }
    /// [u, h_{l−1}[:, n_l...]]: the inverted block, with the auxiliary units copied from the forward pass.
    func withAuxiliary(_ u: Matrix<Double>, below: Matrix<Double>) -> Matrix<Double> {
      var out = below
      for r in 0..<rows { for j in 0..<u.cols { out[r, j] = u[r, j] } }
      return out
    }
    /// g_l(τ) = (f⁻¹(τ) − b_l) W_l⁻¹ on the first n_l columns.
    func invert(_ l: Int, _ target: Matrix<Double>) -> Matrix<Double> {
      let b = bias(l)
      var pre = target.map(fInverse)
      for r in 0..<rows { for j in 0..<pre.cols { pre[r, j] -= b[j] } }
      return matmul(pre, inverses[l - 1])
    }

    var targets: [Matrix<Double>] = [], scales: [Double] = []
    switch rule {
    case .backprop:
      var delta = hadamard(h[L - 1] - t, dOf(h[L - 1]))
      for l in stride(from: L, through: 1, by: -1) {
        accumulate(l, delta)
        guard l > 1 else { break }
        // pad(δ_l W_lᵀ) to the width of h_{l−1}, then ⊙ D_{l−1}.
        let back = matmul(delta, weight(l), transposeB: .transposed)
        var padded = Matrix<Double>(rows: rows, cols: h[l - 2].cols)
        for r in 0..<rows { for j in 0..<back.cols { padded[r, j] = back[r, j] } }
        delta = hadamard(padded, dOf(h[l - 2]))
      }
    case .targetPropagation:
      var tau = t
      targets = [Matrix<Double>](repeating: t, count: L)
      for l in stride(from: L, through: 1, by: -1) {
        targets[l - 1] = tau
        accumulate(l, hadamard(h[l - 1] - tau, dOf(h[l - 1])))
        if l > 1 { tau = withAuxiliary(invert(l, tau), below: h[l - 2]) }
      }
    case .gait(let gamma, let deviationForm):
      var tau = t, c = 1.0
      var deviation = h[L - 1] - t            // d_l = h_l − τ_l (deviation form)
      targets = [Matrix<Double>](repeating: t, count: L)
      scales = [Double](repeating: 1, count: L)
      for l in stride(from: L, through: 1, by: -1) {
        let dev = deviationForm ? deviation : h[l - 1] - tau
        targets[l - 1] = deviationForm ? h[l - 1] - deviation : tau
        scales[l - 1] = c
        let d = dOf(h[l - 1])
        accumulate(l, c * hadamard(dev, d))
        guard l > 1 else { break }
        let rho = gamma * hadamard(d, d)      // ρ_l = γ D_l²
        if deviationForm {
          // Δa = f⁻¹(h) − f⁻¹(h − ρ d), without cancellation; d_{l−1} = [Δa W_l⁻¹, 0].
          var da = Matrix<Double>(rows: rows, cols: widths[l - 1])
          for i in 0..<da.count {
            let hv = h[l - 1].storage[i], u = rho.storage[i] * dev.storage[i]
            da.storage[i] = linear ? u : hv >= 0 && hv - u >= 0 ? u : hv < 0 && hv - u < 0 ? u / InvertibleNetwork.slope
              : fInverse(hv) - fInverse(hv - u)
          }
          let below = matmul(da, inverses[l - 1])
          deviation = Matrix(rows: rows, cols: h[l - 2].cols)
          for r in 0..<rows { for j in 0..<below.cols { deviation[r, j] = below[r, j] } }
        } else {
          var z = h[l - 1]
          for i in 0..<z.count { z.storage[i] = (1 - rho.storage[i]) * h[l - 1].storage[i] + rho.storage[i] * tau.storage[i] }
          tau = withAuxiliary(invert(l, z), below: h[l - 2])
        }
        c /= gamma
      }
    }
    var ortho: [Matrix<Double>] = []
    for l in 1...L {
      let term = orthoLambda == 0 ? Matrix<Double>(rows: widths[l - 1], cols: widths[l - 1])
        : orthoLambda * InvertibleNetwork.orthogonalityGradient(weight(l)).gradient
      ortho.append(term)
      for i in 0..<term.count { g[weightOffset[l - 1] + i] += term.storage[i] }
    }
    return InvertibleUpdate(gradient: g, activities: h, outputTarget: t, targets: targets, scales: scales,
                            orthogonalityTerm: ortho, loss: loss)
  }
}
