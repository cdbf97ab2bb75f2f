import Numerics

/// The three rules of the GAIT-prop paper on invertible networks (GAIT README). Seed:
/// nasiryahm/GAIT-prop inv_net.py (get_backprop_updates, get_gait_updates, get_tp_updates) and run.py.
/// Deviations: none by default; `deviationForm` is the cancellation-free fix of §2.10.
public enum InvertibleRule: Sendable, Codable, Equatable, Hashable {
  /// δ_L = (h_L − t_L) ⊙ D_L, δ_{l−1} = pad(δ_l W_lᵀ) ⊙ D_{l−1}.
  case backprop
  /// GAIT-prop: incremental targets z_l = (1 − ρ_l)h_l + ρ_l τ_l with ρ_l = γ D_l², inverted exactly,
  /// errors rescaled by c_l = γ^{−(L−l)}.
  case gait(gamma: Double, deviationForm: Bool)
  /// Ideal target propagation: the full output target, inverted exactly through every layer.
  case targetPropagation

  public var name: String {
    switch self {
    case .backprop: return "bp"
    case .gait(let g, let dev): return "gait-g\(g)" + (dev ? "-deviation" : "")
    case .targetPropagation: return "tp"
    }
  }
  public var label: String {
    switch self {
    case .backprop: return "BP"
    case .gait: return "GAIT-prop"
    case .targetPropagation: return "TP"
    }
  }
}

/// The orthogonality penalty (GAIT README Q8).
public enum OrthogonalityPenalty: String, Sendable, Codable, CaseIterable {
  /// The code's R(W) = ‖W Wᵀ − diag(W Wᵀ)‖_F²: row norms are free.
  case offDiagonal = "off-diagonal"
  /// The suite's fix R = ‖W Wᵀ − I‖_F².
  case full
}

/// One layer's distance from orthogonality (`InvertibleNetwork.orthogonalityDefects`).
public struct OrthogonalityDefect: Sendable, Codable, Equatable {
  public var offDiagonal: Double    // R(W) = ‖W Wᵀ − diag(W Wᵀ)‖_F²
  public var full: Double           // ‖W Wᵀ − I‖_F / √n
  public init(offDiagonal: Double, full: Double) { self.offDiagonal = offDiagonal; self.full = full }
}

/// What one batch gives, for inspection (tests, the golden vectors): the gradient G the optimiser receives
/// (the regulariser included), the activities, targets τ_l, scales c_l and λ∇R per layer.
public struct InvertibleUpdate: Sendable {
  public var gradient: [Double]
  public var activities: [Matrix<Double>]      // h_1 … h_L
  public var outputTarget: Matrix<Double>      // t_L
  public var targets: [Matrix<Double>]         // τ_1 … τ_L (GAIT, TP; empty for BP)
  public var scales: [Double]                  // c_1 … c_L (GAIT)
  public var orthogonalityTerm: [Matrix<Double>]
  public var loss: Double                      // (1/B) Σ ½ Σ_{j<10} (h_{L,j} − y_j)²
}

/// The buffers of one batch, allocated once and reused by every step (nothing is allocated per step).
/// `ruleGradient` fills `gradient` with the rule's ∇W, ∇b (§2.5–2.7); `addOrthogonality` adds λ∇R (§2.11).
/// Rows of size n_max, so every layer's signal fits.
public struct InvertibleWorkspace: Sendable {
  public let capacity: Int
  let widest: Int
  public var activities: [Double]        // h_1 … h_L packed (InvertibleNetwork.activityOffset)
  var signal: [Double], target: [Double], next: [Double]   // e_l; τ_l or d_l; the layer below's
  var square: [Double], term: [Double]   // W Wᵀ and 4(W Wᵀ − diag)W
  public var gradient: [Double]
  public var loss = 0.0
  /// Per-layer records for `update` (tests), kept only when `recording`.
  public var recording = false
  public var recordedTargets: [Matrix<Double>] = [], recordedScales: [Double] = [], recordedOrthogonality: [Matrix<Double>] = []

  public init(_ net: InvertibleNetwork, rows: Int) {
    capacity = rows; widest = net.widths.max()!
    activities = [Double](repeating: 0, count: rows * net.activityWidth)
    signal = [Double](repeating: 0, count: rows * widest); target = signal; next = signal
    square = [Double](repeating: 0, count: widest * widest); term = square
    gradient = [Double](repeating: 0, count: net.parameters.count)
  }

  /// The rule's gradient on a batch of `rows` rows (x row-major, n_1 columns; labels 0–9) into `gradient`,
  /// and the read-out loss into `loss`. Uses the net's current inverses.
  public mutating func ruleGradient(_ net: InvertibleNetwork, _ rule: InvertibleRule, x: UnsafePointer<Double>,
                                    labels: UnsafePointer<Int32>, rows: Int) {
    precondition(rows <= capacity, "batch of \(rows) rows in a workspace for \(capacity)")
    let L = net.layerCount, widths = net.widths, scale = 1 / Double(rows)
    let recording = self.recording
    var targets: [Matrix<Double>] = [], scales: [Double] = [], outputTarget = Matrix<Double>(rows: 0, cols: 0), loss = 0.0
    net.parameters.withUnsafeBufferPointer { p in
    activities.withUnsafeMutableBufferPointer { hb in
    signal.withUnsafeMutableBufferPointer { sb in
    target.withUnsafeMutableBufferPointer { tb in
    next.withUnsafeMutableBufferPointer { nb in
    gradient.withUnsafeMutableBufferPointer { gb in
      let h = hb.baseAddress!, g = gb.baseAddress!
      var e = sb.baseAddress!, tau = tb.baseAddress!, below = nb.baseAddress!
      net.forward(x, rows: rows, into: h)
      func act(_ l: Int) -> UnsafeMutablePointer<Double> { h + net.activityOffset(l, rows: rows) }
      func record(_ l: Int, _ m: UnsafePointer<Double>, deviation: Bool = false) {
        guard recording else { return }
        let n = widths[l - 1]
        var t = Matrix<Double>(rows: rows, cols: n)
        for i in 0..<(rows * n) { t.storage[i] = deviation ? act(l)[i] - m[i] : m[i] }
        targets.insert(t, at: 0)
      }

      // t_L (into τ): one-hot labels on the first 10 units, the unit's own activity on the others (error 0).
      let nL = widths[L - 1], hL = act(L)
      for r in 0..<rows {
        for j in 0..<nL {
          let y: Double = j == Int(labels[r]) ? 1 : 0
          tau[r * nL + j] = j < 10 ? y : hL[r * nL + j]
          if j < 10 { let d = hL[r * nL + j] - y; loss += 0.5 * d * d }
        }
      }
      loss *= scale
      if recording { outputTarget = Matrix(rows: rows, cols: nL, storage: Array(UnsafeBufferPointer(start: tau, count: rows * nL))) }

      /// ∇W_l = (1/B) x_lᵀ e_l, ∇b_l = (1/B) 1ᵀ e_l.
      func accumulate(_ l: Int, _ e: UnsafePointer<Double>) {
        let n = widths[l - 1]
        let input = l == 1 ? x : UnsafePointer(act(l - 1)), stride = l == 1 ? n : widths[l - 2]
        Double.gemm(.transposed, .none, m: n, n: n, k: rows, alpha: scale, a: input, lda: stride, b: e, ldb: n,
                    beta: 0, c: g + net.weightOffset[l - 1], ldc: n)
        let gBias = g + net.biasOffset[l - 1]
        FastMath.columnSums(e, rows: rows, columns: n, times: scale, into: gBias)
      }
      /// below[:, 0..<n_l] = u W (u rows × n_l, W = W_lᵀ or W_l⁻¹), the other columns of layer l−1 copied
      /// from its forward activity (targets) or zero (errors, deviations).
      func down(_ l: Int, _ u: UnsafePointer<Double>, _ w: UnsafePointer<Double>, transposed: Bool, auxiliary: UnsafePointer<Double>?) {
        let n = widths[l - 1], m = widths[l - 2]
        Double.gemm(.none, transposed ? .transposed : .none, m: rows, n: n, k: n, alpha: 1, a: u, lda: n, b: w, ldb: n,
                    beta: 0, c: below, ldc: m)
        if n < m { for r in 0..<rows { for j in n..<m { below[r * m + j] = auxiliary?[r * m + j] ?? 0 } } }
      }
      func inverse(_ l: Int) -> UnsafePointer<Double> {
        net.inverses[l - 1].storage.withUnsafeBufferPointer { UnsafePointer($0.baseAddress!) }
      }

      switch rule {
      case .backprop:
        for i in 0..<(rows * nL) { e[i] = (hL[i] - tau[i]) * net.derivative(hL[i]) }
        for l in stride(from: L, through: 1, by: -1) {
          accumulate(l, e)
          guard l > 1 else { break }
          // δ_{l−1} = pad(δ_l W_lᵀ) ⊙ D_{l−1}.
          down(l, e, p.baseAddress! + net.weightOffset[l - 1], transposed: true, auxiliary: nil)
          let hb = act(l - 1)
          for i in 0..<(rows * widths[l - 2]) { below[i] = below[i] * net.derivative(hb[i]) }
          swap(&e, &below)
        }
      case .targetPropagation:
        for l in stride(from: L, through: 1, by: -1) {
          let n = widths[l - 1], hl = act(l)
          record(l, tau)
          for i in 0..<(rows * n) { e[i] = (hl[i] - tau[i]) * net.derivative(hl[i]) }
          accumulate(l, e)
          guard l > 1 else { break }
          // τ_{l−1} = [(f⁻¹(τ_l) − b_l) W_l⁻¹, h_{l−1}[:, n_l…]].
          let b = p.baseAddress! + net.biasOffset[l - 1]
          for r in 0..<rows { for j in 0..<n { e[r * n + j] = net.fInverse(tau[r * n + j]) - b[j] } }
          down(l, e, inverse(l), transposed: false, auxiliary: act(l - 1))
          swap(&tau, &below)
        }
      case .gait(let gamma, let deviationForm):
        // τ holds the absolute target τ_l, or (deviation form) the deviation d_l = h_l − τ_l.
        if deviationForm { for i in 0..<(rows * nL) { tau[i] = hL[i] - tau[i] } }
        var c = 1.0
        for l in stride(from: L, through: 1, by: -1) {
          let n = widths[l - 1], hl = act(l)
          record(l, tau, deviation: deviationForm)
          if recording { scales.insert(c, at: 0) }
          // e_l = c_l (h_l − τ_l) ⊙ D_l.
          for i in 0..<(rows * n) {
            let dev = deviationForm ? tau[i] : hl[i] - tau[i]
            e[i] = c * (dev * net.derivative(hl[i]))
          }
          accumulate(l, e)
          guard l > 1 else { break }
          let b = p.baseAddress! + net.biasOffset[l - 1]
          for r in 0..<rows {
            for j in 0..<n {
              let i = r * n + j, hv = hl[i], d = net.derivative(hv)
              let rho = gamma * (d * d)                                   // ρ_l = γ D_l²
              if deviationForm {
                // Δa = f⁻¹(h) − f⁻¹(h − ρ d) without cancellation; d_{l−1} = [Δa W_l⁻¹, 0].
                let u = rho * tau[i]
                e[i] = net.linear ? u : hv >= 0 && hv - u >= 0 ? u : hv < 0 && hv - u < 0 ? u / InvertibleNetwork.slope
                  : net.fInverse(hv) - net.fInverse(hv - u)
              } else {
                // z_l = (1 − ρ) h_l + ρ τ_l; its pre-activation minus b_l, to be inverted.
                e[i] = net.fInverse((1 - rho) * hv + rho * tau[i]) - b[j]
              }
            }
          }
          down(l, e, inverse(l), transposed: false, auxiliary: deviationForm ? nil : act(l - 1))
          swap(&tau, &below)
          c /= gamma
        }
      }
    } } } } } }
    self.loss = loss
    if recording { recordedTargets = targets; recordedScales = scales; recordedOutputTarget = outputTarget }
  }

  /// Adds λ∇R(W_l) to every ∇W_l (R from the weights before the update, §2.11); returns Σ_l R(W_l).
  @discardableResult
  public mutating func addOrthogonality(_ net: InvertibleNetwork, lambda: Double, penalty: OrthogonalityPenalty = .offDiagonal) -> Double {
    if recording { recordedOrthogonality = net.widths.map { Matrix(rows: $0, cols: $0) } }
    guard lambda != 0 else { return 0 }
    var total = 0.0
    for l in 1...net.layerCount {
      let n = net.widths[l - 1], o = net.weightOffset[l - 1]
      net.parameters.withUnsafeBufferPointer { p in
      square.withUnsafeMutableBufferPointer { s in
      term.withUnsafeMutableBufferPointer { t in
      gradient.withUnsafeMutableBufferPointer { g in
        let w = p.baseAddress! + o
        // S = W Wᵀ (upper triangle), minus its diagonal (off-diagonal) or minus I (full).
        Double.syrkUpper(n: n, k: n, alpha: 1, a: w, lda: n, beta: 0, c: s.baseAddress!, ldc: n)
        var r = 0.0
        for i in 0..<n {
          s[i * n + i] = penalty == .offDiagonal ? 0 : s[i * n + i] - 1
          r += s[i * n + i] * s[i * n + i]
          for j in (i + 1)..<max(i + 1, n) { r += 2 * s[i * n + j] * s[i * n + j] }
        }
        total += r
        // ∇R = 4 S W; G_W += λ ∇R.
        Double.symmUpperLeft(m: n, n: n, alpha: 4, s: s.baseAddress!, lds: n, b: w, ldb: n, beta: 0, c: t.baseAddress!, ldc: n)
        for i in 0..<(n * n) { t[i] = lambda * t[i]; g[o + i] += t[i] }
      } } } }
      if recording { recordedOrthogonality[l - 1] = Matrix(rows: n, cols: n, storage: Array(term[0..<(n * n)])) }
    }
    return total
  }

  public var recordedOutputTarget = Matrix<Double>(rows: 0, cols: 0)
}

extension InvertibleNetwork {
  /// R(W) = ‖W Wᵀ − diag(W Wᵀ)‖_F² and its gradient 4 (W Wᵀ − diag(W Wᵀ)) W (GAIT README), from plain
  /// matrix products: the definition the workspace's syrk/symm form is tested against.
  public static func orthogonalityGradient(_ w: Matrix<Double>, penalty: OrthogonalityPenalty = .offDiagonal) -> (value: Double, gradient: Matrix<Double>) {
    var gram = matmul(w, w, transposeB: .transposed)
    for i in 0..<gram.rows { gram[i, i] = penalty == .offDiagonal ? 0 : gram[i, i] - 1 }
    let value = gram.storage.reduce(0) { $0 + $1 * $1 }
    return (value, 4 * matmul(gram, w))
  }

  /// How far every layer's W is from orthogonal (`--figure ortho`): the code's R(W) = ‖W Wᵀ − diag(W Wᵀ)‖_F², what
  /// the regulariser sees and zero for any W = D_r Q, and ‖W Wᵀ − I‖_F/√n, what GAIT-prop's equivalence with BP
  /// needs (row norms included).
  public func orthogonalityDefects() -> [OrthogonalityDefect] {
    (1...layerCount).map { l in
      let w = weight(l), n = w.rows
      let gram = matmul(w, w, transposeB: .transposed)
      var offDiagonal = 0.0, diagonal = 0.0
      for i in 0..<n {
        for j in 0..<n where j != i { offDiagonal += gram[i, j] * gram[i, j] }
        diagonal += (gram[i, i] - 1) * (gram[i, i] - 1)
      }
      return OrthogonalityDefect(offDiagonal: offDiagonal, full: (offDiagonal + diagonal).squareRoot() / Double(n).squareRoot())
    }
  }

  /// One batch's update with everything recorded (tests and the golden vectors; training uses a workspace).
  public func update(_ rule: InvertibleRule, x: Matrix<Double>, labels: [Int32], orthoLambda: Double,
                     penalty: OrthogonalityPenalty = .offDiagonal) -> InvertibleUpdate {
    var ws = InvertibleWorkspace(self, rows: x.rows)
    ws.recording = true
    x.storage.withUnsafeBufferPointer { px in
      labels.withUnsafeBufferPointer { ws.ruleGradient(self, rule, x: px.baseAddress!, labels: $0.baseAddress!, rows: x.rows) }
    }
    ws.addOrthogonality(self, lambda: orthoLambda, penalty: penalty)
    let h = (1...layerCount).map { l in
      let o = activityOffset(l, rows: x.rows)
      return Matrix(rows: x.rows, cols: widths[l - 1], storage: Array(ws.activities[o..<(o + x.rows * widths[l - 1])]))
    }
    return InvertibleUpdate(gradient: ws.gradient, activities: h, outputTarget: ws.recordedOutputTarget,
                            targets: rule == .backprop ? [] : ws.recordedTargets, scales: ws.recordedScales,
                            orthogonalityTerm: ws.recordedOrthogonality, loss: ws.loss)
  }
}
