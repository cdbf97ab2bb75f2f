import Numerics

/// The measures of DFC's figures (DFC README), in Double whatever the network's precision.
public enum DFCMetrics {
  /// θ(A, B) = (180/π) arccos(⟨A,B⟩/(‖A‖‖B‖)) over flattened tensors, accumulated in Double; a cosine in
  /// (1, 1 + 1e-5) counts as 1 (the code's `compute_angle`).
  public static func angle<T: BLASScalar>(_ a: UnsafeBufferPointer<T>, _ b: UnsafeBufferPointer<T>) -> Double {
    var ab = 0.0, aa = 0.0, bb = 0.0
    for k in 0..<a.count { let x = Double(a[k]), y = Double(b[k]); ab += x * y; aa += x * x; bb += y * y }
    var c = ab / (aa.squareRoot() * bb.squareRoot())
    if c > 1 && c < 1 + 1e-5 { c = 1 }
    return Double.acos(c) * 180 / .pi
  }
  public static func angle<T: BLASScalar>(_ a: [T], _ b: [T]) -> Double {
    a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { angle(pa, $0) } }
  }

  /// The angle of two parameter-shaped updates over all tensors (the network angle) or over one tensor.
  public static func networkAngle<T: BLASScalar>(_ a: [T], _ b: [T]) -> Double { angle(a, b) }
  public static func weightAngle<T: BLASScalar>(_ net: DFCNetwork<T>, _ i: Int, _ a: [T], _ b: [T]) -> Double {
    let r = net.weightOffset[i - 1]..<(net.weightOffset[i - 1] + net.sizes[i - 1] * net.sizes[i])
    return angle(Array(a[r]), Array(b[r]))
  }
  public static func biasAngle<T: BLASScalar>(_ net: DFCNetwork<T>, _ i: Int, _ a: [T], _ b: [T]) -> Double {
    let r = net.biasOffset[i - 1]..<(net.biasOffset[i - 1] + net.sizes[i])
    return angle(Array(a[r]), Array(b[r]))
  }
}

/// The four system matrices' largest real eigenvalue parts (§2.11), per sample.
public struct LambdaMax: Sendable, Codable, Equatable {
  public var tildeI: Double, integral: Double, instantaneous: Double, proportionalIntegral: Double
}

extension DFCWorkspace {
  /// Condition 1, `dev_r` (the code's `compute_norm_r`, Q11): per sample over r_0 = x, r_1 … r_{L−1}
  /// (feedforward), m = mean ‖r_i‖ and dev_r = sqrt((1/L) Σ_i (‖r_i‖ − m)² / m).
  public func conditionOne(_ net: DFCNetwork<T>, _ x: UnsafePointer<T>) -> [Double] {
    let L = net.layerCount
    return (0..<rows).map { b in
      let norms = layerNorms(net, x, sample: b)
      let m = norms.reduce(0, +) / Double(L)
      return (norms.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(L) / m).squareRoot()
    }
  }

  /// ‖r_0‖ … ‖r_{L−1}‖ of one sample at the feedforward state (r_0 = x).
  public func layerNorms(_ net: DFCNetwork<T>, _ x: UnsafePointer<T>, sample b: Int) -> [Double] {
    (0..<net.layerCount).map { i in
      let n = sizes[i], p = i == 0 ? x + b * n : UnsafePointer(layer(feedforwardR, i)) + b * n
      var s = 0.0
      for k in 0..<n { s += Double(p[k]) * Double(p[k]) }
      return s.squareRoot()
    }
  }

  /// The concatenated feedback K = [K_1 | … | K_L] (n_L × N).
  func concatenatedFeedback(_ net: DFCNetwork<T>) -> Matrix<T> {
    let d = net.outputWidth, N = net.stateWidth
    var k = Matrix<T>(rows: d, cols: N)
    for i in 1...net.layerCount {
      let ki = net.feedbackWeight(i)
      for a in 0..<d { for j in 0..<sizes[i] { k[a, net.unitOffset(i) + j] = ki[a, j] } }
    }
    return k
  }

  /// Condition 2 (`compute_condition_two`): per sample P = Jᵀ(JJᵀ)⁻¹J and ‖P Kᵀ‖_F/‖K‖_F; the batch mean.
  /// And the batch means of θ(Kᵀ, Jᵀ) and θ(Kᵀ, Jᵀ(JJᵀ + γI)⁻¹) (the pseudo-inverse at γ = 0).
  /// Needs `computeJacobian` at the feedforward state.
  public func feedbackMeasures(_ net: DFCNetwork<T>, gamma: Double) -> (conditionTwo: Double, jacobianTransposeAngle: Double, dampedInverseAngle: Double) {
    let N = net.stateWidth, k = concatenatedFeedback(net), kt = k.transposed
    let kNorm = k.storage.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    var c2 = 0.0, a1 = 0.0, a2 = 0.0
    for b in 0..<rows {
      let j = jacobian(of: b, width: N), jjt = matmul(j, j, transposeB: .transposed)
      let lu = try? LUFactorization(jjt)
      let a = lu?.solve(matmul(j, kt)) ?? Matrix(rows: jjt.rows, cols: jjt.rows)      // (JJᵀ)⁻¹ J Kᵀ
      let pk = matmul(j, a, transposeA: .transposed)
      c2 += pk.storage.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() / kNorm
      a1 += DFCMetrics.angle(kt.storage, j.transposed.storage)
      var damped = jjt
      for q in 0..<damped.rows { damped[q, q] += T(gamma) }
      let inv = (try? LUFactorization(damped).inverse) ?? damped
      a2 += DFCMetrics.angle(kt.storage, matmul(j, inv, transposeA: .transposed).storage)
    }
    let n = Double(rows)
    return (c2 / n, a1 / n, a2 / n)
  }

  /// λ_max of Ã_I, A_I, A_I^inst and A_PI per sample, linearised around the packed pre-activations `state`
  /// (`compute_A_matrices`; τ_u = 1). The state is z = [Δv (N); u (n_L)]; Ĵ is block sub-diagonal with block
  /// (i, i−1) = W_iᵀ D_{i−1}, J_L0 = [0 … 0 | D_L], A11 = (1/τ)(I − Ĵ). Overwrites the Jacobian buffers.
  public func lambdaMax(_ net: DFCNetwork<T>, at state: UnsafePointer<T>, alpha: Double, kp: Double, tau: Double) -> [LambdaMax] {
    let L = net.layerCount, d = net.outputWidth, N = net.stateWidth
    computeJacobian(net, at: state)
    let k = concatenatedFeedback(net).converted() as Matrix<Double>
    let weights = (1...L).map { net.weight($0).converted() as Matrix<Double> }
    let kL = net.feedbackWeight(L).converted() as Matrix<Double>
    return (0..<rows).map { b in
      let j: Matrix<Double> = jacobian(of: b, width: N).converted()
      var slopes = [[Double]]()
      for i in 1...L {
        let vi = state + net.stateOffset(i, rows: rows) + b * sizes[i]
        slopes.append((0..<sizes[i]).map { Double(net.activations[i - 1].slope(vi[$0])) })
      }
      var a11 = Matrix<Double>.identity(N)
      for i in 2...max(2, L) where i <= L {
        // Block (i, i−1) of Ĵ: W_iᵀ D_{i−1} (n_i × n_{i−1}); A11 = (I − Ĵ)/τ.
        for r in 0..<sizes[i] { for c in 0..<sizes[i - 1] {
          a11[net.unitOffset(i) + r, net.unitOffset(i - 1) + c] -= weights[i - 1][c, r] * slopes[i - 2][c]
        } }
      }
      a11 = (1 / tau) * a11
      var jL0 = Matrix<Double>(rows: d, cols: N)
      for q in 0..<d { jL0[q, net.unitOffset(L) + q] = slopes[L - 1][q] }
      let kt = k.transposed
      func assemble(_ topRight: Matrix<Double>, _ bottomLeft: Matrix<Double>, _ bottomRight: Matrix<Double>) -> Double {
        var a = Matrix<Double>(rows: N + d, cols: N + d)
        for r in 0..<N { for c in 0..<N { a[r, c] = -a11[r, c] }; for c in 0..<d { a[r, N + c] = topRight[r, c] } }
        for r in 0..<d { for c in 0..<N { a[N + r, c] = bottomLeft[r, c] }; for c in 0..<d { a[N + r, N + c] = bottomRight[r, c] } }
        return DFCWorkspace.maxRealEigenvalue(a)
      }
      let minusAlpha = (-alpha) * Matrix<Double>.identity(d)
      let tilde = assemble((1 / tau) * kt, (-1) * jL0, minusAlpha)
      let integral = assemble(matmul(a11, kt), (-1) * j, minusAlpha)
      var inst = (-1) * matmul(j, kt)
      for q in 0..<d { inst[q, q] -= alpha }
      var dK = kL.transposed
      for q in 0..<d { for c in 0..<d { dK[q, c] *= slopes[L - 1][q] } }      // D_L K_Lᵀ
      let pi = assemble(matmul(a11, kt), (kp / tau) * jL0 - j, minusAlpha - (kp / tau) * dK)
      return LambdaMax(tildeI: tilde, integral: integral, instantaneous: DFCWorkspace.maxRealEigenvalue(inst), proportionalIntegral: pi)
    }
  }

  static func maxRealEigenvalue(_ a: Matrix<Double>) -> Double {
    guard let e = try? eigenvalues(a) else { return .nan }
    return e.real.max() ?? .nan
  }
}
