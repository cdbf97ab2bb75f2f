import Numerics

/// biotorch's learning rules on LeNet (Bioflax README §2.9): every layer's weight and bias gradients are the true
/// local ones for the signal that reaches it; the rules differ only in how a layer passes the signal to its input,
/// G_in = G_Z Bᵀ with B:
/// BP W; FA a fixed random B; uSF s·sign(W); brSF |M| ∘ sign(W) with M redrawn every batch; frSF |M| ∘ sign(W)
/// with M fixed (Rules/SignSymmetry.swift); DFA replaces G_in by E D^l, the output error tiled over the layer's
/// output map (Rules/LeNetDirectFeedbackAlignment.swift).
public enum LeNetRule: String, Sendable, Codable, CaseIterable {
  case backprop = "bp"
  case feedbackAlignment = "fa"
  case uniformSignFeedback = "usf"
  case batchwiseRandomSignFeedback = "brsf"
  case fixedRandomSignFeedback = "frsf"
  case directFeedbackAlignment = "dfa"

  public var label: String {
    switch self {
    case .backprop: return "BP"
    case .feedbackAlignment: return "FA"
    case .uniformSignFeedback: return "uSF"
    case .batchwiseRandomSignFeedback: return "brSF"
    case .fixedRandomSignFeedback: return "frSF"
    case .directFeedbackAlignment: return "DFA"
    }
  }
}

/// LeNet's parameters and the rule's fixed feedback, flat: FA's B^l (W^l's shape), frSF's |M^l|, DFA's D^l
/// ((k² c_in) × C); empty for BP, uSF and brSF (the sign rules build their B from the current W at every training
/// step, `signFeedback`).
public struct LeNetNetwork<T: BLASScalar>: Sendable, Codable, Equatable {
  public var architecture: LeNetArchitecture
  public var rule: LeNetRule
  public var parameters: [T]
  public var feedback: [T]

  /// Xavier-uniform W (and FA's B, frSF's M, DFA's D) from U(±√(6/(fan_in + fan_out))), biases 0, the layer
  /// default of biotorch and of every shipped config. Draw order: every W, then the feedback.
  public static func initial(_ a: LeNetArchitecture, rule: LeNetRule, rng: inout Random) -> LeNetNetwork {
    var parameters = [T](repeating: 0, count: a.parameterCount)
    for l in a.layers.indices {
      let s = a.xavierBound(l)
      for i in a.weightRange(l) { parameters[i] = T(rng.uniform(-s, s)) }
    }
    var feedback: [T] = []
    switch rule {
    case .backprop, .uniformSignFeedback, .batchwiseRandomSignFeedback: break
    case .feedbackAlignment, .fixedRandomSignFeedback:
      for l in a.layers.indices {
        let s = a.xavierBound(l)
        for _ in a.weightRange(l) {
          let m = rng.uniform(-s, s)
          feedback.append(T(rule == .fixedRandomSignFeedback ? abs(m) : m))   // frSF stores |M|
        }
      }
    case .directFeedbackAlignment:
      for l in a.layers.indices {
        let s = a.directBound(l)
        for _ in a.directRange(l) { feedback.append(T(rng.uniform(-s, s))) }
      }
    }
    return LeNetNetwork(architecture: a, rule: rule, parameters: parameters, feedback: feedback)
  }

  /// Where layer l's fixed B (FA) or |M| (frSF) starts in `feedback`: the weights' own offsets without the biases.
  public func feedbackOffset(_ l: Int) -> Int { architecture.layers[..<l].map { $0.patchWidth * $0.outputChannels }.reduce(0, +) }
  public var weightCount: Int { architecture.layers.map { $0.patchWidth * $0.outputChannels }.reduce(0, +) }
}

extension LeNetWorkspace {
  /// One step's pseudo-gradient of `net` on B images (x NHWC, labels) into `gradient`; returns the mean loss.
  /// `backwardMatrices` is scratch of `net.weightCount` entries for the B the sign rules build; `rng` draws brSF's M.
  @discardableResult
  @inlinable public func step(_ net: LeNetNetwork<T>, _ x: UnsafePointer<T>, labels: UnsafePointer<Int32>, rows: Int,
                              backwardMatrices: inout [T], rng: inout Random) -> Double {
    net.parameters.withUnsafeBufferPointer { forward($0.baseAddress!, x, rows: rows) }
    let loss = crossEntropy(labels: labels)
    let a = architecture
    switch net.rule {
    case .backprop:
      net.parameters.withUnsafeBufferPointer { p in backward(x) { .through(p.baseAddress! + a.weightRange($0).lowerBound) } }
    case .feedbackAlignment:
      net.feedback.withUnsafeBufferPointer { f in backward(x) { .through(f.baseAddress! + net.feedbackOffset($0)) } }
    case .uniformSignFeedback, .batchwiseRandomSignFeedback, .fixedRandomSignFeedback:
      signFeedback(net, into: &backwardMatrices, rng: &rng)
      backwardMatrices.withUnsafeBufferPointer { f in backward(x) { .through(f.baseAddress! + net.feedbackOffset($0)) } }
    case .directFeedbackAlignment:
      net.feedback.withUnsafeBufferPointer { f in backward(x) { .direct(f.baseAddress! + a.directRange($0).lowerBound) } }
    }
    return loss
  }
}
