#if canImport(Glibc)
import Glibc
#endif
import Numerics

/// An optimiser's hyperparameters. The update is applied to one flat parameter buffer with the
/// gradient-like quantity G that a rule produced (θ moves against G).
public enum Optimizer: Sendable, Codable, Equatable, CustomStringConvertible {
  /// Heavy ball (PyTorch/optax form): m ← μm + G, θ ← θ − η m. μ = 0 is plain SGD.
  case sgd(learningRate: Double, momentum: Double)
  /// Adam (Kingma & Ba): m ← β₁m + (1−β₁)G, v ← β₂v + (1−β₂)G²,
  /// with bias correction θ ← θ − η m̂/(√v̂ + ε), m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ);
  /// without it (GAIT-prop's variant) θ ← θ − η m/(√v + ε).
  case adam(learningRate: Double, beta1: Double, beta2: Double, epsilon: Double, biasCorrection: Bool)

  public static func adam(learningRate: Double) -> Optimizer {
    .adam(learningRate: learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, biasCorrection: true)
  }

  public var learningRate: Double {
    switch self {
    case .sgd(let lr, _), .adam(let lr, _, _, _, _): return lr
    }
  }

  public var description: String {
    switch self {
    case .sgd(let lr, let mu): return mu == 0 ? "SGD(η=\(lr))" : "SGD(η=\(lr), momentum \(mu))"
    case .adam(let lr, let b1, let b2, let eps, let bc):
      return "Adam(η=\(lr), β=(\(b1), \(b2)), ε=\(eps)\(bc ? "" : ", no bias correction"))"
    }
  }
}

/// Weight decay with strength λ, in the three forms the specs need (Bioflax README).
public enum WeightDecay: Sendable, Codable, Equatable, CustomStringConvertible {
  case none
  /// θ ← θ + u − λθ: the documented KP form (λ not scaled by η, not passed through the optimiser state).
  case decoupled(Double)
  /// θ ← θ + u + λθ: bioflax's sign defect D1 (weight growth), for matching its numbers only.
  case bioflax(Double)
  /// Conventional L2: G ← G + λθ before the optimiser (PyTorch's `weight_decay`).
  case coupled(Double)

  public var description: String {
    switch self {
    case .none: return "none"
    case .decoupled(let l): return "decoupled λ=\(l)"
    case .bioflax(let l): return "bioflax (sign defect D1) λ=\(l)"
    case .coupled(let l): return "coupled λ=\(l)"
    }
  }
  /// θ_new = c·θ + u: the factor c on the pre-update parameters.
  @inlinable public var parameterFactor: Double {
    switch self {
    case .decoupled(let l): return 1 - l
    case .bioflax(let l): return 1 + l
    case .none, .coupled: return 1
    }
  }
  /// The factor a fixed feedback matrix (FA's B, DFA's D) is multiplied by after each step, if any: only the
  /// defect mode touches every leaf; decoupled decay shrinks fixed feedback only when asked to.
  @inlinable public func fixedFeedbackFactor(decayFixedFeedback: Bool) -> Double? {
    switch self {
    case .bioflax: return parameterFactor
    case .decoupled where decayFixedFeedback: return parameterFactor
    default: return nil
    }
  }
  @inlinable public var gradientCoefficient: Double {
    if case .coupled(let l) = self { return l }
    return 0
  }
}

/// The optimiser's state over one flat buffer of `count` parameters: moments and the step count.
public struct OptimizerState<T: BLASScalar>: Sendable, Codable, Equatable {
  public let optimizer: Optimizer
  public var step: Int = 0
  public var first: [T]      // momentum buffer or Adam's m
  public var second: [T]     // Adam's v (empty for SGD)

  /// The moments and the step count in one flat array (for checkpoints of rule-owned parameters).
  public var flat: [T] { first + second + [T(step)] }
  /// Restores `flat`; false if the size does not match.
  public mutating func restore<C: Collection>(flat: C) -> Bool where C.Element == T, C.Index == Int {
    guard flat.count == first.count + second.count + 1 else { return false }
    let s = flat.startIndex
    first = Array(flat[s..<(s + first.count)])
    second = Array(flat[(s + first.count)..<(s + first.count + second.count)])
    step = Int(flat[flat.endIndex - 1])
    return true
  }

  public init(_ optimizer: Optimizer, count: Int) {
    self.optimizer = optimizer
    first = [T](repeating: 0, count: count)
    if case .adam = optimizer { second = [T](repeating: 0, count: count) } else { second = [] }
  }

  /// θ ← c·θ + u(G + κθ), with c and κ from the weight decay (1 and 0 without it). One pass over flat
  /// buffers; the loops vectorise.
  @inlinable public mutating func apply(to theta: inout [T], gradient g: [T], decay: WeightDecay = .none) {
    precondition(theta.count == first.count && g.count == first.count, "optimizer: buffer sizes differ")
    step += 1
    let n = theta.count
    let c = T(decay.parameterFactor), kappa = T(decay.gradientCoefficient)
    switch optimizer {
    case .sgd(let lr, let momentum):
      let eta = T(lr), mu = T(momentum)
      theta.withUnsafeMutableBufferPointer { p in
        g.withUnsafeBufferPointer { gp in
          first.withUnsafeMutableBufferPointer { m in
            if momentum == 0 {
              for i in 0..<n { let gi = gp[i] + kappa * p[i]; p[i] = c * p[i] - eta * gi }
            } else {
              for i in 0..<n { m[i] = mu * m[i] + gp[i] + kappa * p[i]; p[i] = c * p[i] - eta * m[i] }
            }
          }
        }
      }
    case .adam(let lr, let beta1, let beta2, let epsilon, let biasCorrection):
      let b1 = T(beta1), b2 = T(beta2), eps = T(epsilon)
      // Bias correction folded into the step size and ε, in Double: η m̂/(√v̂+ε) = (η/c₁) m/(√v/√c₂ + ε).
      let c1 = biasCorrection ? 1 - pow(beta1, Double(step)) : 1
      let c2 = biasCorrection ? 1 - pow(beta2, Double(step)) : 1
      let etaHat = T(lr / c1), invSqrtC2 = T(1 / c2.squareRoot())
      theta.withUnsafeMutableBufferPointer { p in
        g.withUnsafeBufferPointer { gp in
          first.withUnsafeMutableBufferPointer { m in
            second.withUnsafeMutableBufferPointer { v in
              for i in 0..<n {
                let gi = gp[i] + kappa * p[i]
                let mi = b1 * m[i] + (1 - b1) * gi
                let vi = b2 * v[i] + (1 - b2) * gi * gi
                m[i] = mi; v[i] = vi
                p[i] = c * p[i] - etaHat * mi / (vi.squareRoot() * invSqrtC2 + eps)
              }
            }
          }
        }
      }
    }
  }
}


/// Gradient-norm clipping, PyTorch's `clip_grad_norm_` rule: with total norm ‖G‖, scale by
/// c = maxNorm/(‖G‖ + 1e-6) when c < 1 (the 1e-6 matters for the DFC golden vectors).
public enum Clipping: Sendable, Codable, Equatable {
  case none
  /// Each tensor (every Wₗ, every bₗ) clipped to its own norm.
  case perTensor(maxNorm: Double)
  /// All tensors together, by their joint norm.
  case global(maxNorm: Double)

  @inlinable public func apply<T: BLASScalar>(_ g: inout [T], tensors: [(name: String, offset: Int, count: Int)]) {
    switch self {
    case .none: return
    case .perTensor(let maxNorm):
      for t in tensors { Clipping.clip(&g, ranges: [t.offset..<(t.offset + t.count)], maxNorm: maxNorm) }
    case .global(let maxNorm):
      Clipping.clip(&g, ranges: tensors.map { $0.offset..<($0.offset + $0.count) }, maxNorm: maxNorm)
    }
  }

  @inlinable public static func clip<T: BLASScalar>(_ g: inout [T], ranges: [Range<Int>], maxNorm: Double) {
    var sumSquares = 0.0
    for r in ranges { for i in r { let v = Double(g[i]); sumSquares += v * v } }
    let coefficient = maxNorm / (sumSquares.squareRoot() + 1e-6)
    guard coefficient < 1 else { return }
    let c = T(coefficient)
    for r in ranges { for i in r { g[i] *= c } }
  }
}
