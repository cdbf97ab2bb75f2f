import Numerics

/// DFC-SSA's solver for (J Kᵀ + αI) u = δ, per sample.
public enum SSASolver: String, Sendable, Codable, CaseIterable {
  /// The paper's: J formed (one backward pass per output unit), J Kᵀ, then LU.
  case lu
  /// §7.4's `--ssa-solver krylov` (not from the paper): restarted GMRES without forming J (`solveSteadyStateControlKrylov`).
  case krylov
}

/// GMRES did not reach its tolerance within its iteration budget.
public struct KrylovFailure: Error, CustomStringConvertible {
  public var iterations: Int
  public var relativeResidual: Double
  public init(iterations: Int, relativeResidual: Double) { self.iterations = iterations; self.relativeResidual = relativeResidual }
  public var description: String {
    "GMRES for (J Kᵀ + αI)u = δ stopped after \(iterations) iterations at a relative residual of \(relativeResidual)"
  }
}

/// GMRES's buffers for a workspace, allocated on first use and kept (nothing is allocated per minibatch).
/// Per sample b: its Krylov basis (restart + 1 vectors of n_L), its Hessenberg matrix, Givens rotations and the
/// rotated right-hand side.
public final class KrylovBuffers<T: BLASScalar> {
  public let restart: Int
  @usableFromInline let basis, hessenberg, cosines, sines, rhs, inversePreconditioner, block, product, column: UnsafeMutablePointer<T>
  @usableFromInline var deltaNorm: [T], active: [Bool], steps: [Int]
  let storage: UnsafeMutablePointer<T>

  @usableFromInline init(capacity: Int, width d: Int, restart m: Int) {
    restart = m
    let counts = [capacity * (m + 1) * d, capacity * (m + 1) * m, capacity * m, capacity * m, capacity * (m + 1),
                  capacity * d, capacity * d, capacity * d, 2 * (m + 2)]
    storage = .allocate(capacity: counts.reduce(0, +))
    storage.initialize(repeating: 0, count: counts.reduce(0, +))
    var p = storage
    func take(_ k: Int) -> UnsafeMutablePointer<T> { defer { p += k }; return p }
    basis = take(counts[0]); hessenberg = take(counts[1]); cosines = take(counts[2]); sines = take(counts[3]); rhs = take(counts[4])
    inversePreconditioner = take(counts[5]); block = take(counts[6]); product = take(counts[7]); column = take(counts[8])
    deltaNorm = Array(repeating: 0, count: capacity); active = Array(repeating: false, count: capacity)
    steps = Array(repeating: 0, count: capacity)
  }
  deinit { storage.deallocate() }
}

extension DFCWorkspace {
  /// Y = (J Kᵀ + αI) U for every row at once (U, Y: rows × n_L), as one forward-mode pass at the feedforward
  /// state: δv_1 = U K_1, δv_i = (D_{i−1} ⊙ δv_{i−1}) W_i + U K_i, (J Kᵀ)U = D_L ⊙ δv_L, with D_i = φ_i′(V_i^-)
  /// (two GEMMs per layer: about one forward pass).
  @inlinable public func systemProduct(_ net: DFCNetwork<T>, alpha: T, _ input: UnsafePointer<T>, into output: UnsafeMutablePointer<T>) {
    let L = net.layerCount, d = net.outputWidth
    var previous = scratch, current = scratch2
    net.parameters.withUnsafeBufferPointer { pp in
      net.feedback.withUnsafeBufferPointer { kp in
        for i in 1...L {
          let ni = sizes[i], count = rows * ni
          T.gemm(.none, .none, m: rows, n: ni, k: d, alpha: 1, a: input, lda: d, b: kp.baseAddress! + net.feedbackOffset[i - 1], ldb: ni,
                 beta: 0, c: current, ldc: ni)
          if i > 1 {
            T.gemm(.none, .none, m: rows, n: ni, k: sizes[i - 1], alpha: 1, a: previous, lda: sizes[i - 1],
                   b: pp.baseAddress! + net.weightOffset[i - 1], ldb: ni, beta: 1, c: current, ldc: ni)
          }
          let v = layer(feedforwardV, i), r = layer(feedforwardR, i), phi = net.activations[i - 1]
          for j in 0..<count { current[j] *= phi.slope(v[j], rate: r[j]) }
          swap(&previous, &current)
        }
      }
    }
    for j in 0..<(rows * d) { output[j] = previous[j] + alpha * input[j] }
  }

  /// Solves (J^b Kᵀ + αI) u^b = δ^b for every sample into `u` by restarted GMRES(`restart`), the samples in lockstep so
  /// that each iteration's products are one batched `systemProduct`. Right-preconditioned by M = diag(D_L K_Lᵀ) + αI
  /// (the output block's diagonal; with K_L = I, A M⁻¹ is the identity plus a term of rank at most the widest
  /// hidden layer), so the residual it minimises is the true ‖δ − A u‖. Classical Gram–Schmidt applied twice (BLAS
  /// gemv). Stops when every sample's true residual ≤ `tolerance`·‖δ^b‖ (default 1e-10; Float: 100 ulp); throws
  /// `KrylovFailure` after `maxIterations`. Returns the iterations (batched products) used.
  @inlinable @discardableResult
  public func solveSteadyStateControlKrylov(_ net: DFCNetwork<T>, alpha: Double, delta: UnsafePointer<T>, restart: Int = 64,
                                            tolerance: Double? = nil, maxIterations: Int? = nil) throws -> Int {
    let d = net.outputWidth, L = net.layerCount, m = min(restart, d)    // GMRES ends within d iterations anyway
    if krylov == nil || krylov!.restart != m { krylov = KrylovBuffers(capacity: capacity, width: d, restart: m) }
    let kb = krylov!
    let tol = T(max(tolerance ?? 1e-10, 100 * Double(T.ulpOfOne)))
    let limit = maxIterations ?? 20 * m
    // M⁻¹ per sample: 1/(D_L[a] K_L[a, a] + α); a vanishing entry (a saturated unit at α = 0) is left unscaled.
    let vL = layer(feedforwardV, L), rL = feedforwardOutput, phi = net.activations[L - 1]
    net.feedback.withUnsafeBufferPointer { kp in
      let kL = kp.baseAddress! + net.feedbackOffset[L - 1]
      for b in 0..<rows {
        for a in 0..<d {
          let k = b * d + a, diagonal = phi.slope(vL[k], rate: rL[k]) * kL[a * d + a] + T(alpha)
          kb.inversePreconditioner[k] = abs(diagonal) > 1e-8 ? 1 / diagonal : 1
        }
      }
    }
    u.update(repeating: 0, count: rows * d)
    for b in 0..<rows {
      var s: T = 0
      for a in 0..<d { s += delta[b * d + a] * delta[b * d + a] }
      kb.deltaNorm[b] = s.squareRoot()
    }
    func basis(_ b: Int, _ k: Int) -> UnsafeMutablePointer<T> { kb.basis + (b * (m + 1) + k) * d }
    var iterations = 0, worst: T = 0
    while true {
      // The true residual r = δ − A u of every sample: converged ones are done, the others start a cycle from it.
      if iterations == 0 { kb.product.update(repeating: 0, count: rows * d) } else { systemProduct(net, alpha: T(alpha), u, into: kb.product) }
      worst = 0
      for b in 0..<rows {
        kb.active[b] = false; kb.steps[b] = 0
        var s: T = 0
        for a in 0..<d { let e = delta[b * d + a] - kb.product[b * d + a]; basis(b, 0)[a] = e; s += e * e }
        let beta = s.squareRoot()
        if beta <= tol * kb.deltaNorm[b] { continue }
        worst = max(worst, beta / kb.deltaNorm[b])
        kb.active[b] = true
        for a in 0..<d { basis(b, 0)[a] /= beta }
        kb.rhs[b * (m + 1)] = beta
        for j in 1...m { kb.rhs[b * (m + 1) + j] = 0 }
      }
      if !kb.active.prefix(rows).contains(true) { return iterations }
      if iterations >= limit { throw KrylovFailure(iterations: iterations, relativeResidual: Double(worst)) }
      // One GMRES cycle.
      for k in 0..<m where kb.active.prefix(rows).contains(true) {
        for b in 0..<rows {
          let z = kb.block + b * d
          if kb.active[b] { for a in 0..<d { z[a] = kb.inversePreconditioner[b * d + a] * basis(b, k)[a] } } else { z.update(repeating: 0, count: d) }
        }
        systemProduct(net, alpha: T(alpha), kb.block, into: kb.product)
        iterations += 1
        for b in 0..<rows where kb.active[b] {
          let w = basis(b, k + 1), h = kb.hessenberg + b * (m + 1) * m   // H row-major (m + 1) × m; column k
          w.update(from: kb.product + b * d, count: d)
          // h_{0…k} = V_kᵀ w, w −= V_k h, twice (CGS2).
          let c = kb.column, projection = kb.column + (m + 2)
          c.update(repeating: 0, count: k + 2)
          do {
            for _ in 0..<2 {
              T.gemv(.none, m: k + 1, n: d, alpha: 1, a: basis(b, 0), lda: d, x: w, beta: 0, y: projection)
              T.gemv(.transposed, m: k + 1, n: d, alpha: -1, a: basis(b, 0), lda: d, x: projection, beta: 1, y: w)
              for j in 0...k { c[j] += projection[j] }
            }
            var s: T = 0
            for a in 0..<d { s += w[a] * w[a] }
            let next = s.squareRoot()
            c[k + 1] = next
            if next > 0 { for a in 0..<d { w[a] /= next } }
            // The earlier rotations, then a new one that zeroes H[k+1, k].
            let cs = kb.cosines + b * m, sn = kb.sines + b * m, g = kb.rhs + b * (m + 1)
            for j in 0..<k {
              let x = c[j], y = c[j + 1]
              c[j] = cs[j] * x + sn[j] * y; c[j + 1] = -sn[j] * x + cs[j] * y
            }
            let radius = (c[k] * c[k] + c[k + 1] * c[k + 1]).squareRoot()
            cs[k] = radius > 0 ? c[k] / radius : 1; sn[k] = radius > 0 ? c[k + 1] / radius : 0
            c[k] = radius; c[k + 1] = 0
            g[k + 1] = -sn[k] * g[k]; g[k] = cs[k] * g[k]
            for j in 0...k { h[j * m + k] = c[j] }
            kb.steps[b] = k + 1
            if abs(g[k + 1]) <= tol * kb.deltaNorm[b] || next == 0 { kb.active[b] = false }
          }
        }
      }
      // u += M⁻¹ V y with H y = g (upper triangular, back substitution), per sample.
      for b in 0..<rows where kb.steps[b] > 0 {
        let n = kb.steps[b], h = kb.hessenberg + b * (m + 1) * m, g = kb.rhs + b * (m + 1)
        for j in stride(from: n - 1, through: 0, by: -1) {
          var s = g[j]
          for l in (j + 1)..<n { s -= h[j * m + l] * g[l] }
          g[j] = s / h[j * m + j]
        }
        let z = kb.block + b * d
        T.gemv(.transposed, m: n, n: d, alpha: 1, a: basis(b, 0), lda: d, x: g, beta: 0, y: z)
        for a in 0..<d { u[b * d + a] += kb.inversePreconditioner[b * d + a] * z[a] }
      }
    }
  }
}
