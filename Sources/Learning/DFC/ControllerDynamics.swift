import Numerics

/// The controller and the layer dynamics of DFC (DFC README), simulated with the code's Euler steps.
/// τ_u = 1 is the time unit; `tau` is τ_v/τ_u.
public struct ControllerSettings: Sendable, Codable, Equatable {
  public var alpha: Double              // leak α
  public var kp: Double                 // proportional gain k_p (0: pure integral control)
  public var dt: Double                 // Euler step
  public var steps: Int                 // T, stored steps (t = 0 … T−1)
  public var tau: Double                // τ_v/τ_u; the code forces τ ≥ dt
  public var tauApical: Double? = nil   // τ_A; nil = dt, the instantaneous apical compartment
  public var instTransmission = true    // layers updated 1…L with the new rates below (else L…1)
  public var proactive = false          // the apical drive uses U[t+1] (else U[t])
  public var sigma = 0.0                // noise on hidden apical compartments (σ)
  public var sigmaOutput = 0.0          // noise on the output layer's (σ_out)
  /// Q1: the code leaks the total u (du_int/dt = e − αu, so e_ss = αu_ss); `paper` leaks u_int only.
  public var leakIntegralOnly = false
  /// §7.4's early exit (a cost option, not the paper's; nil, the default, simulates all T steps exactly).
  public var earlyExit: EarlyExit? = nil
  /// Q8, the code's `efficient_controller` (the fmnist E.5 pipeline's DFC-SS): the convergence test's err[0] of every
  /// sample b is ‖r_L*_b − r_L^-_0‖, against the first sample's feedforward output. nil (every other config): per sample.
  public var initialErrorAgainstFirstSample: Bool? = nil

  public init(alpha: Double, kp: Double, dt: Double, steps: Int, tau: Double, tauApical: Double? = nil,
              instTransmission: Bool = true, proactive: Bool = false) {
    self.alpha = alpha; self.kp = kp; self.dt = dt; self.steps = steps; self.tau = tau; self.tauApical = tauApical
    self.instTransmission = instTransmission; self.proactive = proactive
  }
  public var resolvedTau: Double { max(tau, dt) }
  public var resolvedTauApical: Double { tauApical ?? dt }
  public var noisy: Bool { sigma != 0 || sigmaOutput != 0 }
}

/// §7.4: stop the simulation once every sample's max_j |V_j[t+1] − V_j[t]| (over all layers) is below
/// `tolerance` · max_j |V_j[t+1]| for `patience` consecutive steps; the state at that step t_c stands for step T−1
/// (the mask is evaluated on it). Suite choice: each sample's mask residual must also be < 1e-5 (at the steady
/// state of the controller), since in the first steps, before the controller acts, V barely moves (on the tests'
/// toy net the spec's test alone stopped at step 26 of 8000 with tolerance 1e-3). DFC's continuous update exits early only with `extrapolate`, which adds
/// (T−1−t_c) × the last step's contribution: exact for a stationary state (P13). Never used in the feedback phase.
public struct EarlyExit: Sendable, Codable, Equatable {
  public var tolerance: Double
  public var extrapolate: Bool
  public static let patience = 10
  public init(tolerance: Double, extrapolate: Bool = false) { self.tolerance = tolerance; self.extrapolate = extrapolate }
}

/// What a simulation accumulates on the fly, instead of storing the trajectory.
public enum SimulationMode: Sendable {
  case plain
  /// DFC's continuous update: Σ_t R_{i−1}[t]ᵀ (φ(V_i[t]) − φ(V_i^ff[t])) and its column sums (§2.6).
  case continuousUpdate
  /// The feedback rule's Σ_t U[t+1]ᵀ V_i^fb[t] (§2.8).
  case feedbackGradient
}

/// The buffers of a batch of at most `capacity` rows, allocated once (nothing is allocated per step).
/// States are packed per layer (`DFCNetwork.stateOffset`): V_1 … V_L back to back, V_i rows × n_i.
public final class DFCWorkspace<T: BLASScalar>: @unchecked Sendable {
  public let capacity: Int
  public var rows = 0          // the current batch (set by `forward`)
  @usableFromInline let sizes: [Int]
  let storage, jacobianStorage: UnsafeMutablePointer<T>
  let storageCount: Int
  // Feedforward (V^-, R^-) and controlled states.
  public let feedforwardV, feedforwardR, v, vff, vfb, r: UnsafeMutablePointer<T>
  // Controller.
  public let target, u, uPrevious, uIntegral, error, lossGradient: UnsafeMutablePointer<T>
  @usableFromInline let scratch, scratch2: UnsafeMutablePointer<T>
  /// Per sample: ‖r_L* − r_L‖ at t = 0 and at the last step.
  public let initialError, finalError: UnsafeMutablePointer<T>
  /// Per sample, the early exit's max |ΔV| of the step and max |V| (§7.4).
  @usableFromInline let stepChange, stepSize: UnsafeMutablePointer<T>
  /// GMRES's buffers (`--ssa-solver krylov`), allocated on first use.
  @usableFromInline var krylov: KrylovBuffers<T>? = nil
  /// The last step the latest `simulate` formed: T − 1, or t_c after an early exit.
  public var lastStep = 0
  /// The continuous update's sums (laid out like the parameters) or the feedback sums (like the feedback).
  public let parameterSums, feedbackSums: UnsafeMutablePointer<T>
  public let parameterCount, feedbackCount: Int
  /// Per sample b: J^b = ∂r_L/∂v (n_L × N) stacked in rows (b·n_L …), J^b Kᵀ (n_L × n_L) likewise, and a ΔV.
  public let jacobian, jacobianFeedback, deltaV: UnsafeMutablePointer<T>

  public init(_ net: DFCNetwork<T>, capacity: Int) {
    self.capacity = capacity; sizes = net.sizes
    let n = capacity * net.stateWidth, o = capacity * net.outputWidth, widest = net.sizes.max()!
    parameterCount = net.parameters.count; feedbackCount = net.feedback.count
    storageCount = 7 * n + 6 * o + 2 * capacity * widest + 4 * capacity + parameterCount + feedbackCount + n
    storage = .allocate(capacity: storageCount)
    storage.initialize(repeating: 0, count: storageCount)
    var p = storage
    func take(_ k: Int) -> UnsafeMutablePointer<T> { defer { p += k }; return p }
    feedforwardV = take(n); feedforwardR = take(n); v = take(n); vff = take(n); vfb = take(n); r = take(n)
    target = take(o); u = take(o); uPrevious = take(o); uIntegral = take(o); error = take(o); lossGradient = take(o)
    scratch = take(capacity * widest); scratch2 = take(capacity * widest)
    initialError = take(capacity); finalError = take(capacity); stepChange = take(capacity); stepSize = take(capacity)
    parameterSums = take(parameterCount); feedbackSums = take(feedbackCount)
    deltaV = take(n)
    // J and J Kᵀ are written in full before they are read (`computeJacobian`), so they are left untouched here: the
    // autoencoder's J is 784 × 1328 per sample (1 GB at batch 128), which a run that never forms it never pages in.
    jacobianStorage = .allocate(capacity: o * net.stateWidth + o * net.outputWidth)
    jacobian = jacobianStorage; jacobianFeedback = jacobianStorage + o * net.stateWidth
  }
  deinit { storage.deallocate(); jacobianStorage.deallocate() }

  /// Layer i's block of a packed state (V, R, …) for the current rows.
  @inlinable public func layer(_ base: UnsafeMutablePointer<T>, _ i: Int) -> UnsafeMutablePointer<T> { base + rows * sizes[1..<i].reduce(0, +) }
  public var outputRates: UnsafeMutablePointer<T> { layer(r, sizes.count - 1) }
  public var feedforwardOutput: UnsafeMutablePointer<T> { layer(feedforwardR, sizes.count - 1) }

  /// The feedforward pass of `rows` rows of x into V^-, R^-.
  @inlinable public func forward(_ net: DFCNetwork<T>, _ x: UnsafePointer<T>, rows: Int) {
    precondition(rows <= capacity, "a batch of \(rows) rows in a workspace for \(capacity)")
    self.rows = rows
    net.parameters.withUnsafeBufferPointer { p in
      for i in 1...net.layerCount {
        let below = i == 1 ? x : UnsafePointer(layer(feedforwardR, i - 1))
        basal(net, p.baseAddress!, i, below, into: layer(feedforwardV, i))
        net.activations[i - 1].apply(layer(feedforwardV, i), layer(feedforwardR, i), rows * sizes[i])
      }
    }
  }

  /// V_i^ff = R_{i−1} W_i + 1 b_i.
  @inlinable func basal(_ net: DFCNetwork<T>, _ p: UnsafePointer<T>, _ i: Int, _ below: UnsafePointer<T>, into out: UnsafeMutablePointer<T>) {
    let n = sizes[i], m = sizes[i - 1]
    T.gemm(.none, .none, m: rows, n: n, k: m, alpha: 1, a: below, lda: m, b: p + net.weightOffset[i - 1], ldb: n, beta: 0, c: out, ldc: n)
    let b = p + net.biasOffset[i - 1]
    for row in 0..<rows { let o = out + row * n; for j in 0..<n { o[j] += b[j] } }   // row pointers: the loop vectorises
  }

  /// The output target R_L* = R_L^- − λ Gr (§2.2) for targets Y; returns the loss of the feedforward output.
  @discardableResult
  @inlinable public func setOutputTarget(_ net: DFCNetwork<T>, y: UnsafePointer<T>, loss: DFCLoss, lambda: Double) -> Double {
    let d = net.outputWidth, out = feedforwardOutput
    let value = loss.evaluate(out, y, rows: rows, width: d, gradient: lossGradient)
    for k in 0..<(rows * d) { target[k] = out[k] - T(lambda) * lossGradient[k] }
    return value
  }
  /// R_L* = R_L^- (the feedback phase's target).
  public func setFeedforwardTarget(_ net: DFCNetwork<T>) { target.update(from: feedforwardOutput, count: rows * net.outputWidth) }

  /// Simulates the controlled network from its feedforward state (`forward` of the same x at the same weights, §2.4), accumulating `mode`'s sums.
  /// `noise(t, i, out, count)` fills Ξ for step t → t+1 of layer i when the settings are noisy.
  /// `observe(t)` is called after step t is formed (t = 0 first, before any step). `exitAt` ends the simulation
  /// after that step, as an early exit there would (the masked samples' re-simulation). Returns the last step formed.
  @discardableResult
  @inlinable public func simulate(_ net: DFCNetwork<T>, _ x: UnsafePointer<T>, _ s: ControllerSettings, mode: SimulationMode = .plain,
                       exitAt: Int? = nil, noise: (Int, Int, UnsafeMutablePointer<T>, Int) -> Void = { _, _, _, _ in },
                       observe: (Int) -> Void = { _ in }) -> Int {
    var continuous = false, feedback = false
    if case .continuousUpdate = mode { continuous = true }
    if case .feedbackGradient = mode { feedback = true }
    // The early exit: not in the feedback phase (noise-driven), and in DFC only with extrapolation.
    let exitRule = feedback || (continuous && s.earlyExit?.extrapolate != true) ? nil : s.earlyExit
    let final = min(exitAt ?? (s.steps - 1), s.steps - 1)
    let testing = exitRule != nil && exitAt == nil
    let tolerance = T(exitRule?.tolerance ?? 0)
    var calm = 0
    lastStep = max(0, final)
    let L = net.layerCount, d = net.outputWidth, n = rows * net.stateWidth, o = rows * d
    v.update(from: feedforwardV, count: n); vff.update(from: feedforwardV, count: n); r.update(from: feedforwardR, count: n)
    vfb.update(repeating: 0, count: n)
    u.update(repeating: 0, count: o); uIntegral.update(repeating: 0, count: o); uPrevious.update(repeating: 0, count: o)
    if case .continuousUpdate = mode { parameterSums.update(repeating: 0, count: parameterCount) }
    if case .feedbackGradient = mode { feedbackSums.update(repeating: 0, count: feedbackCount) }
    outputError(into: initialError, againstFirstSample: s.initialErrorAgainstFirstSample == true)
    observe(0)
    let alpha = T(s.alpha), kp = T(s.kp), dt = T(s.dt), tau = T(s.resolvedTau), tauA = T(s.resolvedTauApical)
    let instantApical = s.tauApical == nil || s.resolvedTauApical == s.dt
    let order = s.instTransmission ? Array(1...L) : Array((1...L).reversed())
    let rL = layer(r, L)
    // The buffers the loops below read, as locals: read through `self` they were reloaded at every element (a store
    // through vᵢ might have changed the object, as far as the compiler knew), and the loops stayed scalar.
    let scratch = self.scratch, scratch2 = self.scratch2, error = self.error, target = self.target
    let u = self.u, uIntegral = self.uIntegral
    net.parameters.withUnsafeBufferPointer { pp in
    net.feedback.withUnsafeBufferPointer { kp_ in
      let p = pp.baseAddress!, k = kp_.baseAddress!
      for t in 0..<max(0, final) {
        if testing { stepChange.update(repeating: 0, count: rows); stepSize.update(repeating: 0, count: rows) }
        // 1. Controller: E_t = R_L* − R_L[t]; U[t+1] from U[t].
        for j in 0..<o { error[j] = target[j] - rL[j] }
        uPrevious.update(from: u, count: o)
        if s.kp > 0 {
          if s.leakIntegralOnly { for j in 0..<o { uIntegral[j] += dt * (error[j] - alpha * uIntegral[j]) } }
          else { for j in 0..<o { uIntegral[j] += dt * (error[j] - alpha * u[j]) } }
          for j in 0..<o { u[j] = uIntegral[j] + kp * error[j] }
        } else {
          for j in 0..<o { u[j] += dt * (error[j] - alpha * u[j]) }
        }
        // The feedback rule pairs V^fb[t] with U[t+1] (§2.8).
        if case .feedbackGradient = mode {
          for i in 1...L {
            T.gemm(.transposed, .none, m: d, n: sizes[i], k: rows, alpha: 1, a: u, lda: d, b: layer(vfb, i), ldb: sizes[i],
                   beta: 1, c: feedbackSums + net.feedbackOffset[i - 1], ldc: sizes[i])
          }
        }
        let drive = s.proactive ? UnsafePointer(u) : UnsafePointer(uPrevious)
        // 2. Layers.
        for i in order {
          let ni = sizes[i], count = rows * ni
          let below = i == 1 ? x : UnsafePointer(layer(r, i - 1))
          let vi = layer(v, i), vffi = layer(vff, i), vfbi = layer(vfb, i)
          // V_1^ff = W_1 x + b_1 is constant during a simulation (x and W are): `vff` starts as the feedforward pass's
          // V, so layer 1's product, over half the step's multiply-adds on Table 1's nets, is not redone (same numbers).
          if i > 1 { basal(net, p, i, below, into: vffi) }
          let sigma = T(i == L ? s.sigmaOutput : s.sigma), noisy = s.noisy && sigma != 0
          let c = sigma * dt.squareRoot() / tauA, step = dt / tau
          if noisy { noise(t, i, scratch2, count) }        // Ξ (scratch2 is free until the DFC accumulation below)
          if instantApical {
            T.gemm(.none, .none, m: rows, n: ni, k: d, alpha: 1, a: drive, lda: d, b: k + net.feedbackOffset[i - 1], ldb: ni, beta: 0, c: vfbi, ldc: ni)
            if noisy { for j in 0..<count { vfbi[j] += c * scratch2[j] } }
          } else {
            T.gemm(.none, .none, m: rows, n: ni, k: d, alpha: 1, a: drive, lda: d, b: k + net.feedbackOffset[i - 1], ldb: ni, beta: 0, c: scratch, ldc: ni)
            let a = dt / tauA
            if !testing {
              // The feedback phase's step in one pass: the apical low-pass, its noise and the Euler step (the same
              // operations in the same order as the separate loops below, so the same numbers).
              for j in 0..<count {
                var f = vfbi[j] + a * (-vfbi[j] + scratch[j])
                if noisy { f += c * scratch2[j] }
                vfbi[j] = f
                vi[j] += step * (f + vffi[j] - vi[j])
              }
              net.activations[i - 1].apply(vi, layer(r, i), count)
              continue
            }
            for j in 0..<count { vfbi[j] += a * (-vfbi[j] + scratch[j]) }
            if noisy { for j in 0..<count { vfbi[j] += c * scratch2[j] } }
          }
          if testing {
            for row in 0..<rows {
              var change = stepChange[row], size = stepSize[row]
              for j in (row * ni)..<((row + 1) * ni) {
                let dv = step * (vfbi[j] + vffi[j] - vi[j])
                vi[j] += dv
                change = max(change, abs(dv)); size = max(size, abs(vi[j]))
              }
              stepChange[row] = change; stepSize[row] = size
            }
          } else {
            for j in 0..<count { vi[j] += step * (vfbi[j] + vffi[j] - vi[j]) }
          }
          net.activations[i - 1].apply(vi, layer(r, i), count)
        }
        // DFC: Σ_t R_{i−1}[t]ᵀ (φ(V_i[t]) − φ(V_i^ff[t])) with the stored basal potential.
        if case .continuousUpdate = mode {
          for i in 1...L { accumulateDifference(net, i, below: i == 1 ? x : UnsafePointer(layer(r, i - 1)), rates: layer(r, i), basal: layer(vff, i)) }
        }
        observe(t + 1)
        if testing {
          var quiet = true
          for row in 0..<rows where !(stepChange[row] < tolerance * stepSize[row]) || !(residual(row, alpha: alpha) < 1e-5) { quiet = false; break }
          calm = quiet ? calm + 1 : 0
          if calm >= EarlyExit.patience { lastStep = t + 1; break }
        }
      }
    } }
    // DFC after an early exit: the remaining T−1−t_c states as copies of the last one.
    if continuous, exitRule != nil, lastStep < s.steps - 1 {
      for i in 1...L {
        accumulateDifference(net, i, below: i == 1 ? x : UnsafePointer(layer(r, i - 1)), rates: layer(r, i), basal: layer(vff, i),
                             weight: T(s.steps - 1 - lastStep))
      }
    }
    outputError(into: finalError)
    return lastStep
  }

  /// sums(W_i) += w R_{i−1}ᵀ (R_i − φ(V_i^ff)), sums(b_i) += w 1ᵀ (R_i − φ(V_i^ff)).
  @inlinable func accumulateDifference(_ net: DFCNetwork<T>, _ i: Int, below: UnsafePointer<T>, rates: UnsafePointer<T>, basal: UnsafePointer<T>,
                                       weight: T = 1) {
    let ni = sizes[i], count = rows * ni, scratch2 = self.scratch2   // a local: see `simulate`
    net.activations[i - 1].apply(basal, scratch2, count)
    for j in 0..<count { scratch2[j] = rates[j] - scratch2[j] }
    T.gemm(.transposed, .none, m: sizes[i - 1], n: ni, k: rows, alpha: weight, a: below, lda: sizes[i - 1], b: scratch2, ldb: ni,
           beta: 1, c: parameterSums + net.weightOffset[i - 1], ldc: ni)
    let bias = parameterSums + net.biasOffset[i - 1]
    for row in 0..<rows { let r = scratch2 + row * ni; for j in 0..<ni { bias[j] += weight * r[j] } }
  }

  /// The mask's residual of sample b (§2.5): ‖r_L − (r_L* − α u)‖ / ‖r_L^-‖.
  @inlinable func residual(_ b: Int, alpha: T) -> T {
    let d = sizes.last!, rL = outputRates, ff = feedforwardOutput
    var num: T = 0, den: T = 0
    for j in 0..<d {
      let k = b * d + j, e = rL[k] - (target[k] - alpha * u[k])
      num += e * e; den += ff[k] * ff[k]
    }
    return num.squareRoot() / den.squareRoot()
  }

  /// Per sample ‖r_L* − r_L‖.
  /// ‖r_L*_b − r_L_b‖ per sample b; `againstFirstSample` (Q8): ‖r_L*_b − r_L_0‖.
  @inlinable func outputError(into out: UnsafeMutablePointer<T>, againstFirstSample: Bool = false) {
    let d = sizes.last!, rL = layer(r, sizes.count - 1)
    for b in 0..<rows {
      let output = againstFirstSample ? 0 : b
      var s: T = 0
      for j in 0..<d { let e = target[b * d + j] - rL[output * d + j]; s += e * e }
      out[b] = s.squareRoot()
    }
  }
}
