import Learning
import Numerics

/// bioflax's alignment metrics (Bioflax README): cosines between the true BP gradient and a rule's
/// pseudo-gradient at the same (pre-update) parameters on the same batch, per layer (bias and kernel
/// together, and bias alone), over all layers, and the norm ratio ‖g_BP‖/‖g_rule‖. Layers are numbered from 0
/// (input layer) as bioflax's keys are. Feedback-weight gradients never enter. A zero norm gives NaN, as there.
public enum AlignmentMetrics {
  public static func gradientLayerKey(_ i: Int) -> String { "Alignment gradient layer \(i)" }
  public static func biasLayerKey(_ i: Int) -> String { "Alignment bias gradient layer \(i)" }
  public static func weightLayerKey(_ i: Int) -> String { "Alignment layer \(i)" }
  public static let totalKey = "Gradient alignment"
  public static let normKey = "Relative norms gradients"

  struct Sums { var ab = 0.0, aa = 0.0, bb = 0.0 }
  static func sums<T: BLASScalar>(_ a: [T], _ b: [T], _ range: Range<Int>) -> Sums {
    var s = Sums()
    for i in range { let x = Double(a[i]), y = Double(b[i]); s.ab += x * y; s.aa += x * x; s.bb += y * y }
    return s
  }
  /// Sums of a[offset + i]·b[i], a², b² over b's indices.
  static func sums<T: BLASScalar>(_ a: [T], from offset: Int, _ b: [T]) -> Sums {
    var s = Sums()
    for i in b.indices { let x = Double(a[offset + i]), y = Double(b[i]); s.ab += x * y; s.aa += x * x; s.bb += y * y }
    return s
  }
  static func cos(_ s: Sums) -> Double { s.ab / (s.aa.squareRoot() * s.bb.squareRoot()) }

  /// The gradient metrics of one batch.
  public static func gradient<T: BLASScalar>(layout: ParameterLayout, bp: [T], rule: [T]) -> [String: Double] {
    var out: [String: Double] = [:]
    var total = Sums()
    for l in 1...layout.layerCount {
      let wo = layout.weightOffset[l - 1], bo = layout.biasOffset[l - 1]
      let kernel = sums(bp, rule, wo..<(wo + layout.sizes[l - 1] * layout.sizes[l]))
      let bias = sums(bp, rule, bo..<(bo + layout.sizes[l]))
      let both = Sums(ab: kernel.ab + bias.ab, aa: kernel.aa + bias.aa, bb: kernel.bb + bias.bb)
      out[gradientLayerKey(l - 1)] = cos(both)
      out[biasLayerKey(l - 1)] = cos(bias)
      total.ab += both.ab; total.aa += both.aa; total.bb += both.bb
    }
    out[totalKey] = cos(total)
    out[normKey] = total.aa.squareRoot() / total.bb.squareRoot()
    return out
  }

  /// cos(Wₗ, Fₗ) for every layer l (1…L) whose rule has a feedback matrix Fₗ shaped like Wₗ.
  static func feedbackCosines<T: BLASScalar, R: LearningRule<T>>(_ net: Network<T>, _ rule: R) -> [Int: Double] {
    var out: [Int: Double] = [:]
    for l in 1...net.layerCount {
      guard let f = rule.feedbackMatrix(layer: l, of: net) else { continue }
      let o = net.layout.weightOffset[l - 1]
      out[l] = cos(sums(net.parameters, from: o, f))
    }
    return out
  }

  /// cos(Wₗ, Bₗ) per layer, for rules with feedback matrices shaped like W in every layer (FA, KP).
  public static func weight<T: BLASScalar, R: LearningRule<T>>(_ net: Network<T>, _ rule: R) -> [String: Double] {
    let cosines = feedbackCosines(net, rule)
    guard cosines.count == net.layerCount else { return [:] }
    return Dictionary(uniqueKeysWithValues: cosines.map { (weightLayerKey($0.key - 1), $0.value) })
  }
}
