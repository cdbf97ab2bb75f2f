import Datasets
import Learning
import Numerics

/// The angle probe of LRAE README: at the current weights and without changing them, the rule's update and
/// the BP gradient on a fixed probe set (the first rows of the validation split), per layer:
/// cos_l = ⟨ΔW_l, G_l⟩/(‖ΔW_l‖‖G_l‖) accumulated in Double, the norm ratio ‖ΔW_l‖/‖G_l‖ (both as sums over the
/// probe set), and, where the rule has one, the cosine of its feedback matrix with W_l.
struct Probe<T: BLASScalar> {
  static func cosKey(_ l: Int) -> String { "probe cos layer \(l)" }
  static func normKey(_ l: Int) -> String { "probe norm ratio layer \(l)" }
  static func feedbackKey(_ l: Int) -> String { "probe feedback cos layer \(l)" }

  let set: Examples<T>
  var tape: Tape<T>
  var update: [T], gradient: [T]

  init?(_ e: Experiment, _ problem: Problem<T>, _ net: Network<T>) {
    guard let rows = e.probeRows, problem.validation.count > 0 else { return nil }
    set = problem.validation.subset(Array(0..<min(rows, problem.validation.count)))
    tape = Tape(sizes: net.sizes, capacity: set.count)
    update = [T](repeating: 0, count: net.layout.count); gradient = update
  }

  /// Layers are numbered 1…L here, as in the LRA-E spec.
  mutating func measure<R: LearningRule<T>>(_ net: Network<T>, _ rule: inout R, loss: Loss) -> [String: Double] {
    let n = set.count
    set.features.storage.withUnsafeBufferPointer { x in
      set.labels.withUnsafeBufferPointer { y in
        let batch = Batch(rows: n, inputs: x.baseAddress!, labels: y.baseAddress)
        _ = rule.update(net, batch, loss: loss, tape: &tape, into: &update)
        _ = net.gradient(batch, loss: loss, tape: &tape, into: &gradient)
      }
    }
    // Both as sums over the probe set: the BP gradient of the mean loss times n; a rule's mean update times n.
    let ruleScale = rule.sumsOverBatch ? 1.0 : Double(n), bpScale = Double(n)
    var out: [String: Double] = [:]
    for l in 1...net.layerCount {
      let o = net.layout.weightOffset[l - 1]
      let s = AlignmentMetrics.sums(update, gradient, o..<(o + net.sizes[l - 1] * net.sizes[l]))
      out[Probe.cosKey(l)] = AlignmentMetrics.cos(s)
      out[Probe.normKey(l)] = ruleScale * s.aa.squareRoot() / (bpScale * s.bb.squareRoot())
    }
    for (l, c) in AlignmentMetrics.feedbackCosines(net, rule) { out[Probe.feedbackKey(l)] = c }
    return out
  }
}
