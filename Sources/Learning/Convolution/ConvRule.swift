import Numerics

/// The rules of the wide-network paper on the conv nets, exactly as coded (WideAlign README, "Learning rules").
/// Every rule writes a pseudo-gradient for every tensor; the error E always comes from the current network.
/// BP, FA and Align-prop are one chain that differs only in the matrices the signal travels through; Align-zero,
/// Align-ada and DFA have their own files in Rules/.
public enum ConvRule: String, Sendable, Codable, CaseIterable {
  case backprop = "bp"
  case feedbackAlignment = "fa"
  case directFeedbackAlignment = "dfa"
  case alignProp = "align-prop"
  case alignAda = "align-ada"
  case alignZero = "align-zero"
  case lastLayer = "last-layer"

  public var label: String {
    switch self {
    case .backprop: return "BP"
    case .feedbackAlignment: return "FA"
    case .directFeedbackAlignment: return "DFA"
    case .alignProp: return "Align-prop"
    case .alignAda: return "Align-ada"
    case .alignZero: return "Align-zero"
    case .lastLayer: return "last-layer"
    }
  }
  /// The fixed feedback the rule draws at initialisation, in the official draw order (Q14).
  public var feedbackDraw: ConvNetwork<Float>.FeedbackDraw {
    switch self {
    case .feedbackAlignment: return .sameShape
    case .directFeedbackAlignment: return .direct
    default: return .none
    }
  }
  /// Whether the rule needs the frozen initial network.
  public var usesInitialNetwork: Bool { self == .alignProp || self == .alignAda || self == .alignZero }
}

extension ConvWorkspace {
  /// The rule's pseudo-gradient for one batch (x: B images, y: B × C targets) into `gradientBuffer`; returns the
  /// current network's loss. `initial` is the frozen step-0 network.
  @discardableResult
  @inlinable public func gradient(_ rule: ConvRule, _ net: ConvNetwork<T>, initial net0: ConvNetwork<T>,
                                  _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, rows: Int) -> Double {
    forward(net, x, rows: rows, into: current)
    let loss = loss(targets: y)
    switch rule {
    case .backprop:
      net.parameters.withUnsafeBufferPointer { p in backpropagate(x) { p.baseAddress! + net.architecture.weightRange($0).lowerBound } }
    case .alignProp:
      // FA's path with copies of the initial weights as feedback.
      net0.parameters.withUnsafeBufferPointer { p in backpropagate(x) { p.baseAddress! + net.architecture.weightRange($0).lowerBound } }
    case .feedbackAlignment:
      net.feedback.withUnsafeBufferPointer { f in backpropagate(x) { f.baseAddress! + net.feedbackOffset($0, direct: false) } }
    case .alignZero: alignZeroGradient(net0, x)
    case .alignAda: alignAdaGradient(net0, x)
    case .directFeedbackAlignment: directFeedbackGradient(net, x)
    case .lastLayer:
      gradientBuffer.update(repeating: 0, count: architecture.biasRange(architecture.hiddenLayers).upperBound)
      readoutGradient(current)
    }
    return loss
  }

  /// BP's backward through the current network's masks and BN statistics, the signal travelling through the
  /// matrices `through(l)` (l = L + 1: the readout, n × C): W(t) for BP, B for FA, W(0) for Align-prop.
  @inlinable func backpropagate(_ x: UnsafePointer<T>, through: (Int) -> UnsafePointer<T>) {
    let L = architecture.hiddenLayers
    readoutGradient(current)
    readoutBackward(through: through(L + 1), into: signal)
    for l in stride(from: L, through: 1, by: -1) {
      mask(signal, current, layer: l)
      normaliseBackward(signal, current, layer: l, into: signalZ)
      weightGradient(layer: l, input: l == 1 ? x : UnsafePointer(current.activity[l - 2]), signalZ)
      if l > 1 { inputGradient(layer: l, signalZ, through: through(l), into: signal) }
    }
  }

  /// The initial network's BP chain for the current errors E, layer by layer from the top: calls `visit(l)` when
  /// G⁰_H^l is in `initialSignal` (before BN's backward) and G⁰_Z^l in `initialSignalZ` (after).
  @inlinable func initialChain(_ net0: ConvNetwork<T>, _ x: UnsafePointer<T>, atLayer visit: (Int) -> Void) {
    let a = architecture, L = a.hiddenLayers
    net0.parameters.withUnsafeBufferPointer { pp in
      let p = pp.baseAddress!
      readoutBackward(through: p + a.weightRange(L + 1).lowerBound, into: initialSignal)
      for l in stride(from: L, through: 1, by: -1) {
        mask(initialSignal, initial, layer: l)
        normaliseBackward(initialSignal, initial, layer: l, into: initialSignalZ)
        visit(l)
        if l > 1 { inputGradient(layer: l, initialSignalZ, through: p + a.weightRange(l).lowerBound, into: initialSignal) }
      }
    }
  }
}
