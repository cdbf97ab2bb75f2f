import Numerics

/// The Add task's NTK-parameterised vanilla ReLU RNN (Align README, "The Add task"), batch in rows:
///
///     h₋₁ = S                                   (trainable, one row per batch slot)
///     q_t = u_t w_inᵀ + h_{t−1} W/√n + 1 bᵀ     (B × n; W[i, j] from unit i to unit j)
///     h_t = ReLU(q_t)
///     ŷ_t = h_t w_out/√n + b_o                  (B)
///     ℒ   = Σ_t mean_b (ŷ_t − y_t)²
///
/// All parameters live in one flat array, tensor after tensor (`Tensor`), so that SGD, the divergence check and
/// the checkpoint treat them alike.
@frozen public struct RecurrentNetwork<T: BLASScalar>: Sendable, Codable, Equatable {
  public let width: Int            // n
  public let slots: Int            // B: rows of S
  public var parameters: [T]

  public enum Tensor: Int, CaseIterable, Sendable { case inputWeights, recurrent, bias, readout, readoutBias, initialState }

  public init(width n: Int, slots: Int) {
    width = n; self.slots = slots
    parameters = [T](repeating: 0, count: 3 * n + n * n + 1 + slots * n)
  }

  /// Offset and size of a tensor in `parameters`: w_in (n), W (n·n, row-major), b (n), w_out (n), b_o (1), S (B·n).
  @inlinable public func range(_ t: Tensor) -> Range<Int> {
    let n = width
    switch t {
    case .inputWeights: return 0..<n
    case .recurrent: return n..<n + n * n
    case .bias: return n + n * n..<2 * n + n * n
    case .readout: return 2 * n + n * n..<3 * n + n * n
    case .readoutBias: return 3 * n + n * n..<3 * n + n * n + 1
    case .initialState: return 3 * n + n * n + 1..<3 * n + n * n + 1 + slots * n
    }
  }
  public subscript(_ t: Tensor) -> ArraySlice<T> {
    get { parameters[range(t)] }
    set { parameters.replaceSubrange(range(t), with: newValue) }
  }

  /// The official initialisation from a stream of standard normals (float64, rounded to T): w_in, W, w_out in that
  /// order, each N(0, 1); b, b_o and S zero.
  public static func initial(width n: Int, slots: Int, normals: inout some NormalSource) -> RecurrentNetwork {
    var net = RecurrentNetwork(width: n, slots: slots)
    for t in [Tensor.inputWeights, .recurrent, .readout] {
      net[t] = ArraySlice(normals.normals(net.range(t).count).map { T($0) })
    }
    return net
  }
}

/// Where the initial weights' normals come from: numpy's legacy stream (the official draws) or the suite's.
public protocol NormalSource { mutating func normals(_ count: Int) -> [Double] }
extension NumpyRandom: NormalSource { public mutating func normals(_ count: Int) -> [Double] { normal(count: count) } }
extension Random: NormalSource { public mutating func normals(_ count: Int) -> [Double] { (0..<count).map { _ in normal() } } }

/// One forward pass over a batch of sequences: pre-activations and states, kept for the backward passes.
public struct RecurrentTrajectory<T: BLASScalar> {
  /// States h₋₁ … h_{T−1}, each B × n: h₋₁ = S at offset 0, h_t at (t + 1)·B·n.
  public let states: UnsafeMutablePointer<T>
  /// Pre-activations q_0 … q_{T−1}, each B × n.
  public let preActivations: UnsafeMutablePointer<T>
  /// Outputs ŷ_t[b] at t·B + b.
  public let outputs: UnsafeMutablePointer<T>
  init(steps: Int, batch: Int, width: Int) {
    states = .allocate(capacity: (steps + 1) * batch * width)
    preActivations = .allocate(capacity: steps * batch * width)
    outputs = .allocate(capacity: steps * batch)
  }
  func deallocate() { states.deallocate(); preActivations.deallocate(); outputs.deallocate() }
}

/// The buffers of one step, allocated once (nothing is allocated per step). Inputs and targets are time-major:
/// u_t[b] at t·B + b. Inlinable, so that the caller's module specialises it to Float or Double.
public final class RecurrentWorkspace<T: BLASScalar> {
  public let steps: Int, batch: Int, width: Int, parameterCount: Int
  public let current: RecurrentTrajectory<T>
  public let initial: RecurrentTrajectory<T>        // the frozen initial network on the same batch (Align rules)
  public let errors: UnsafeMutablePointer<T>         // e_t[b] = 2(ŷ_t − y_t)/B
  @usableFromInline let deltas: UnsafeMutablePointer<T>    // δ_t, each B × n
  @usableFromInline let injected: UnsafeMutablePointer<T>  // Align-ada's δ̃_t
  public let gradientBuffer: UnsafeMutablePointer<T>

  public init(steps: Int, batch: Int, width: Int) {
    self.steps = steps; self.batch = batch; self.width = width
    parameterCount = RecurrentNetwork<T>(width: width, slots: batch).parameters.count
    current = RecurrentTrajectory(steps: steps, batch: batch, width: width)
    initial = RecurrentTrajectory(steps: steps, batch: batch, width: width)
    errors = .allocate(capacity: steps * batch)
    deltas = .allocate(capacity: steps * batch * width)
    injected = .allocate(capacity: steps * batch * width)
    gradientBuffer = .allocate(capacity: parameterCount)
  }
  deinit {
    current.deallocate(); initial.deallocate()
    errors.deallocate(); deltas.deallocate(); injected.deallocate(); gradientBuffer.deallocate()
  }

  /// The last computed pseudo-gradient, as an array (tests; the runner steps from the buffer).
  public var gradient: [T] { Array(UnsafeBufferPointer(start: gradientBuffer, count: parameterCount)) }

  /// Plain SGD with the last pseudo-gradient: θ ← θ − η ∇̃.
  @inlinable public func descend(_ net: inout RecurrentNetwork<T>, learningRate: T) {
    net.parameters.withUnsafeMutableBufferPointer { T.axpy(parameterCount, -learningRate, gradientBuffer, $0.baseAddress!) }
  }

  /// Runs `net`'s weights from the initial state `state` (B × n, a pointer into some network's parameters) over
  /// inputs u into `trajectory`.
  @inlinable func forward(_ net: RecurrentNetwork<T>, state: UnsafePointer<T>, inputs u: UnsafePointer<T>, into trajectory: RecurrentTrajectory<T>) {
    let n = width, B = batch, scale = 1 / T(n).squareRoot()
    let wIn = net.range(.inputWeights).lowerBound, w = net.range(.recurrent).lowerBound
    let b = net.range(.bias).lowerBound, wOut = net.range(.readout).lowerBound, bOut = net.range(.readoutBias).lowerBound
    let h = trajectory.states, q = trajectory.preActivations
    h.update(from: state, count: B * n)
    net.parameters.withUnsafeBufferPointer { pp in
      let p = pp.baseAddress!
      for t in 0..<steps {
        let hPrev = h + t * B * n, qt = q + t * B * n, ht = h + (t + 1) * B * n
        // q_t = h_{t−1} W/√n, then + u_t w_inᵀ + b.
        T.gemm(.none, .none, m: B, n: n, k: n, alpha: scale, a: hPrev, lda: n, b: p + w, ldb: n, beta: 0, c: qt, ldc: n)
        for r in 0..<B {
          let ut = u[t * B + r]
          for j in 0..<n {
            let v = qt[r * n + j] + (ut * p[wIn + j] + p[b + j])
            qt[r * n + j] = v
            ht[r * n + j] = v > 0 ? v : 0
          }
          trajectory.outputs[t * B + r] = T.dot(n, ht + r * n, p + wOut) * scale + p[bOut]
        }
      }
    }
  }

  /// ℒ = Σ_t mean_b (ŷ_t − y_t)² of the current trajectory, and e_t = 2(ŷ_t − y_t)/B into `errors`.
  @inlinable func loss(targets y: UnsafePointer<T>) -> Double {
    var total = 0.0
    for i in 0..<steps * batch {
      let d = current.outputs[i] - y[i]
      errors[i] = 2 * d / T(batch)
      total += Double(d * d)
    }
    return total / Double(batch)
  }

  /// Backpropagation through time of the errors e through weights (W, w_out) of `net` and the masks 1[q_t > 0] of
  /// `trajectory`: λ_t = e_t w_outᵀ/√n + δ_{t+1} Wᵀ/√n, δ_t = λ_t ⊙ 1[q_t > 0], into `deltas`.
  @inlinable func backpropagate(_ net: RecurrentNetwork<T>, _ trajectory: RecurrentTrajectory<T>) {
    let n = width, B = batch, scale = 1 / T(n).squareRoot()
    let w = net.range(.recurrent).lowerBound, wOut = net.range(.readout).lowerBound
    net.parameters.withUnsafeBufferPointer { pp in
      let p = pp.baseAddress!
      for t in stride(from: steps - 1, through: 0, by: -1) {
        let dt = deltas + t * B * n, qt = trajectory.preActivations + t * B * n
        if t < steps - 1 {
          T.gemm(.none, .transposed, m: B, n: n, k: n, alpha: scale, a: dt + B * n, lda: n, b: p + w, ldb: n, beta: 0, c: dt, ldc: n)
        } else {
          dt.update(repeating: 0, count: B * n)
        }
        for r in 0..<B {
          let e = errors[t * B + r] * scale
          for j in 0..<n {
            let v = dt[r * n + j] + e * p[wOut + j]
            dt[r * n + j] = qt[r * n + j] > 0 ? v : 0
          }
        }
      }
    }
  }

  /// Writes the weight gradients of signals `signal` (δ_t, each B × n) with presynaptic states of `presynaptic` into
  /// the gradient: ∇W = Σ_t h_{t−1}ᵀ δ_t/√n (one GEMM over all steps), ∇w_in = Σ_t δ_tᵀ u_t, ∇b = Σ_t δ_tᵀ 1.
  @inlinable func hiddenGradients(_ net: RecurrentNetwork<T>, signal d: UnsafePointer<T>, presynaptic: RecurrentTrajectory<T>, inputs u: UnsafePointer<T>) {
    let n = width, rows = steps * batch, scale = 1 / T(n).squareRoot(), g = gradientBuffer
    let wIn = net.range(.inputWeights).lowerBound, w = net.range(.recurrent).lowerBound, b = net.range(.bias).lowerBound
    T.gemm(.transposed, .none, m: n, n: n, k: rows, alpha: scale, a: presynaptic.states, lda: n, b: d, ldb: n, beta: 0, c: g + w, ldc: n)
    T.gemv(.transposed, m: rows, n: n, alpha: 1, a: d, lda: n, x: u, beta: 0, y: g + wIn)
    FastMath.columnSums(d, rows: rows, columns: n, into: g + b)
  }

  /// ∇w_out = Σ_t h_tᵀ e_t/√n with the states of `presynaptic`, ∇b_o = Σ_t e_tᵀ 1.
  @inlinable func readoutGradients(_ net: RecurrentNetwork<T>, presynaptic: RecurrentTrajectory<T>) {
    let n = width, rows = steps * batch, scale = 1 / T(n).squareRoot()
    T.gemv(.transposed, m: rows, n: n, alpha: scale, a: presynaptic.states + batch * n, lda: n, x: errors, beta: 0,
           y: gradientBuffer + net.range(.readout).lowerBound)
    var sum: T = 0
    for i in 0..<rows { sum += errors[i] }
    gradientBuffer[net.range(.readoutBias).lowerBound] = sum
  }

  /// ∇S = δ_0 Wᵀ/√n with W the weights the signal was propagated through.
  @inlinable func stateGradient(_ through: RecurrentNetwork<T>) {
    let n = width, scale = 1 / T(n).squareRoot()
    through.parameters.withUnsafeBufferPointer { p in
      T.gemm(.none, .transposed, m: batch, n: n, k: n, alpha: scale, a: deltas, lda: n,
             b: p.baseAddress! + through.range(.recurrent).lowerBound, ldb: n, beta: 0,
             c: gradientBuffer + through.range(.initialState).lowerBound, ldc: n)
    }
  }

  /// The loss of `net` on one batch (evaluation: the forward pass only).
  @inlinable public func evaluate(_ net: RecurrentNetwork<T>, inputs u: UnsafePointer<T>, targets y: UnsafePointer<T>) -> Double {
    net.parameters.withUnsafeBufferPointer { forward(net, state: $0.baseAddress! + net.range(.initialState).lowerBound, inputs: u, into: current) }
    return loss(targets: y)
  }
}
