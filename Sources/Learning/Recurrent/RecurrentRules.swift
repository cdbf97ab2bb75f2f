import Numerics

/// The Add task's four rules as `train_add.py` codes them (Align README, "The Add task"). Each computes every
/// pseudo-gradient from the pre-step parameters (the race-free reading of the TF1 update ops, Q20).
@frozen public enum RecurrentRule: String, Sendable, Codable, CaseIterable {
  /// BPTT through the current network.
  case backprop = "bp"
  /// The frozen initial network (started from the current S) backpropagates the current errors; its states are the
  /// presynaptic activity: θ ← θ − η J₀ᵀ e.
  case alignZero = "align-zero"
  /// The initial network's signal arriving at the next step's input, through the current mask, correlated with
  /// the current states. The same-step readout term is withheld from the hidden weights (Q11).
  case alignAda = "align-ada"
  /// Only w_out, b_o and S learn (S by BPTT through the fixed weights).
  case readout = "readout"

  public var label: String {
    switch self {
    case .backprop: return "BP"
    case .alignZero: return "Align-zero"
    case .alignAda: return "Align-ada"
    case .readout: return "readout"
    }
  }
}

extension RecurrentWorkspace {
  /// The rule's pseudo-gradient for one batch into `gradient`; returns the current network's loss ℒ.
  /// `initial` is the frozen step-0 network (its S is ignored: the initial network starts from the current S, Q12).
  /// `adaReadoutTerm`: Align-ada delivers λ⁰_t in full, the same-step readout term included (Q11's fix).
  @discardableResult
  @inlinable public func gradient(_ rule: RecurrentRule, _ net: RecurrentNetwork<T>, initial net0: RecurrentNetwork<T>,
                                  inputs u: UnsafePointer<T>, targets y: UnsafePointer<T>, adaReadoutTerm: Bool = false) -> Double {
    let loss = evaluate(net, inputs: u, targets: y)
    func forwardInitial() {
      net.parameters.withUnsafeBufferPointer { forward(net0, state: $0.baseAddress! + net.range(.initialState).lowerBound, inputs: u, into: initial) }
    }
    switch rule {
    case .backprop:
      backpropagate(net, current)
      hiddenGradients(net, signal: deltas, presynaptic: current, inputs: u)
      readoutGradients(net, presynaptic: current)
      stateGradient(net)
    case .alignZero:
      forwardInitial()
      backpropagate(net0, initial)
      hiddenGradients(net, signal: deltas, presynaptic: initial, inputs: u)
      readoutGradients(net, presynaptic: initial)
      stateGradient(net0)
    case .alignAda:
      forwardInitial()
      backpropagate(net0, initial)
      injectInitialSignal(net0, readoutTerm: adaReadoutTerm)
      hiddenGradients(net, signal: injected, presynaptic: current, inputs: u)
      readoutGradients(net, presynaptic: current)
      stateGradient(net0)
    case .readout:
      backpropagate(net, current)
      for t in [RecurrentNetwork<T>.Tensor.inputWeights, .recurrent, .bias] {
        for i in net.range(t) { gradientBuffer[i] = 0 }
      }
      readoutGradients(net, presynaptic: current)
      stateGradient(net)
    }
    return loss
  }

  /// Align-ada's signal: δ̃_t = g_t ⊙ 1[q_t > 0] (current mask) with g_t = δ⁰_{t+1} W(0)ᵀ/√n for t < T − 1 and
  /// g_{T−1} = 0; with `readoutTerm`, g_t = λ⁰_t (the same-step term e_t w_out(0)ᵀ/√n added).
  @inlinable func injectInitialSignal(_ net0: RecurrentNetwork<T>, readoutTerm: Bool) {
    let n = width, B = batch, scale = 1 / T(n).squareRoot()
    let w = net0.range(.recurrent).lowerBound, wOut = net0.range(.readout).lowerBound
    net0.parameters.withUnsafeBufferPointer { pp in
      let p = pp.baseAddress!
      for t in 0..<steps {
        let gt = injected + t * B * n, qt = current.preActivations + t * B * n
        if t < steps - 1 {
          T.gemm(.none, .transposed, m: B, n: n, k: n, alpha: scale, a: deltas + (t + 1) * B * n, lda: n, b: p + w, ldb: n, beta: 0, c: gt, ldc: n)
        } else {
          gt.update(repeating: 0, count: B * n)
        }
        for r in 0..<B {
          let e = readoutTerm ? errors[t * B + r] * scale : 0
          for j in 0..<n {
            let i = r * n + j
            gt[i] = qt[i] > 0 ? gt[i] + e * p[wOut + j] : 0
          }
        }
      }
    }
  }
}
