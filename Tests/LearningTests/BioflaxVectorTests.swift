import Foundation
import XCTest
import Numerics
@testable import Learning

/// The bioflax golden vectors (Tests/Vectors/bioflax-*.json): two steps of the official `train_step` on
/// 4-5-3-2 networks. Every gradient, parameter and metric must match: float64 rtol 1e-12, float32 rtol 1e-5
/// (max|mine − expected| / max|expected| per array), as the vectors' README prescribes.
final class BioflaxVectorTests: XCTestCase {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Vectors")

  func load(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: Self.directory.appendingPathComponent(name))
    return try JSONSerialization.jsonObject(with: data) as! [String: Any]
  }

  func testFAReLUCrossEntropySGD() throws { try check("bioflax-fa-relu-ce-sgd.json") }
  func testKPReLUHalfMSEMomentumBioflaxDecay() throws { try check("bioflax-kp-relu-mse-momentum-wd.json") }
  func testDFASigmoidCrossEntropyAdam() throws { try check("bioflax-dfa-sigmoid-ce-adam.json") }
  func testFALeakyReLUTanhHalfMSEAdamBioflaxDecay() throws { try check("bioflax-fa-leakyrelu-tanh-mse-adam-wd.json") }

  func check(_ file: String) throws {
    let v = try load(file)
    try run(Double.self, v, precision: "float64", rtol: 1e-12, file: file)
    try run(Float.self, v, precision: "float32", rtol: 1e-5, file: file)
  }

  func doubles(_ any: Any) -> [Double] {
    if let n = any as? [Any] { return n.flatMap { doubles($0) } }
    return [(any as! NSNumber).doubleValue]
  }

  func run<T: BLASScalar>(_: T.Type, _ v: [String: Any], precision: String, rtol: Double, file: String) throws {
    let input = v["inputs"] as! [String: Any]
    let mode = input["mode"] as! String, dims = input["dims"] as! [Int]
    let acts = (input["activations"] as! [String]).map { Activation(name: $0)! } + [.linear]
    let layers = input["layers"] as! [[String: Any]], batches = input["batches"] as! [[String: Any]]
    var net = Network<T>(sizes: dims, activations: acts)
    for (i, layer) in layers.enumerated() {
      net.setWeight(i + 1, Matrix(rows: dims[i], cols: dims[i + 1], storage: doubles(layer["kernel"]!).map { T($0) }))
      net.setBias(i + 1, doubles(layer["bias"]!).map { T($0) })
    }
    let loss: Loss = input["loss"] as! String == "CE" ? .softmaxCrossEntropy : .meanSquaredError(half: true, reduction: .batchAndOutputs)
    let lr = (input["lr"] as! NSNumber).doubleValue, momentum = (input["momentum"] as! NSNumber).doubleValue
    let optimizer: Optimizer = input["optimizer"] as! String == "adam" ? .adam(learningRate: lr) : .sgd(learningRate: lr, momentum: momentum)
    let lambda = (input["weight_decay"] as! NSNumber).doubleValue
    let decay: WeightDecay = lambda == 0 ? .none : .bioflax(lambda)   // the vectors use the official semantics
    var layerB = [T](repeating: 0, count: net.layout.count)
    var dfaB: [Matrix<T>] = []
    for (i, layer) in layers.enumerated() {
      guard let b = layer["B"] else { continue }
      let values = doubles(b).map { T($0) }
      if mode == "dfa" { dfaB.append(Matrix(rows: dims[i + 1], cols: dims.last!, storage: values)) }
      else { layerB.replaceSubrange(net.layout.weightOffset[i]..<(net.layout.weightOffset[i] + values.count), with: values) }
    }
    switch mode {
    case "fa": var r = FeedbackAlignment<T>(feedback: layerB, decay: decay); try steps(&r, &net, v, precision, loss, optimizer, decay, batches, rtol, file)
    case "kp": var r = KolenPollack<T>(feedback: layerB, optimizer: optimizer, decay: decay); try steps(&r, &net, v, precision, loss, optimizer, decay, batches, rtol, file)
    case "dfa": var r = DirectFeedbackAlignment<T>(feedback: dfaB, decay: decay); try steps(&r, &net, v, precision, loss, optimizer, decay, batches, rtol, file)
    default: XCTFail("unknown mode \(mode)")
    }
  }

  func steps<T: BLASScalar, R: LearningRule<T>>(_ rule: inout R, _ net: inout Network<T>, _ v: [String: Any], _ precision: String,
                                               _ loss: Loss, _ optimizer: Optimizer, _ decay: WeightDecay,
                                               _ batches: [[String: Any]], _ rtol: Double, _ file: String) throws {
    let expected = (v["outputs"] as! [String: Any])[precision] as! [String: Any]
    let stepsOut = expected["steps"] as! [[String: Any]]
    var opt = OptimizerState<T>(optimizer, count: net.layout.count)
    var metricSums: [String: [Double]] = [:]
    var losses: [Double] = []
    func compare(_ mine: [Double], _ theirs: [Double], _ what: String) {
      XCTAssertEqual(mine.count, theirs.count, "\(file) \(precision) \(what): size")
      guard mine.count == theirs.count else { return }
      let err = relativeError(mine, theirs)
      XCTAssertLessThanOrEqual(err, rtol, "\(file) \(precision) \(what): relative error \(err)")
    }
    for (k, batchJSON) in batches.enumerated() {
      let x = doubles(batchJSON["x"]!).map { T($0) }
      let rows = (batchJSON["x"] as! [Any]).count
      let labelsAny = batchJSON["labels"]!
      let labels: [Int32] = loss.isClassification ? doubles(labelsAny).map { Int32($0) } : []
      let targets: [T] = loss.isClassification ? [] : doubles(labelsAny).map { T($0) }
      var tape = Tape<T>(sizes: net.sizes, capacity: rows)
      var g = [T](repeating: 0, count: net.layout.count), gBP = g
      let out = stepsOut[k]
      let (value, metrics): (T, [String: Double]) = x.withUnsafeBufferPointer { px in
        labels.withUnsafeBufferPointer { pl in
          targets.withUnsafeBufferPointer { pt in
            let batch = Batch(rows: rows, inputs: px.baseAddress!, labels: loss.isClassification ? pl.baseAddress : nil,
                              targets: loss.isClassification ? nil : pt.baseAddress)
            let value = rule.update(net, batch, loss: loss, tape: &tape, into: &g)
            _ = net.gradient(batch, loss: loss, tape: &tape, into: &gBP)
            return (value, gradientMetrics(net.layout, gBP, g))
          }
        }
      }
      XCTAssertEqual(Double(value), (out["loss"] as! NSNumber).doubleValue, accuracy: rtol * 10, "\(file) \(precision) loss step \(k + 1)")
      losses.append(Double(value))
      let gradsRule = out["grads_rule"] as! [[String: Any]], gradsBP = out["grads_bp"] as! [[String: Any]]
      for l in 1...net.layerCount {
        let wo = net.layout.weightOffset[l - 1], bo = net.layout.biasOffset[l - 1], nw = net.sizes[l - 1] * net.sizes[l]
        compare(g[wo..<(wo + nw)].map { Double($0) }, doubles(gradsRule[l - 1]["kernel"]!), "grads_rule kernel \(l) step \(k + 1)")
        compare(g[bo..<(bo + net.sizes[l])].map { Double($0) }, doubles(gradsRule[l - 1]["bias"]!), "grads_rule bias \(l) step \(k + 1)")
        compare(gBP[wo..<(wo + nw)].map { Double($0) }, doubles(gradsBP[l - 1]["kernel"]!), "grads_bp kernel \(l) step \(k + 1)")
        compare(gBP[bo..<(bo + net.sizes[l])].map { Double($0) }, doubles(gradsBP[l - 1]["bias"]!), "grads_bp bias \(l) step \(k + 1)")
      }
      opt.apply(to: &net.parameters, gradient: g, decay: decay)
      rule.afterStep(net)
      let params = out["params_after"] as! [[String: Any]]
      for l in 1...net.layerCount {
        compare(net.weight(l).storage.map { Double($0) }, doubles(params[l - 1]["kernel"]!), "kernel \(l) after step \(k + 1)")
        compare(net.bias(l).map { Double($0) }, doubles(params[l - 1]["bias"]!), "bias \(l) after step \(k + 1)")
        if let b = rule.feedbackMatrix(layer: l, of: net), let eb = params[l - 1]["B"] {
          compare(b.map { Double($0) }, doubles(eb), "B \(l) after step \(k + 1)")
        }
      }
      // Metrics: gradient cosines at the pre-update parameters, W–B alignment after the step.
      var all = metrics
      for l in 1...net.layerCount {
        if let b = rule.feedbackMatrix(layer: l, of: net) {
          let w = net.weight(l).storage
          all["Alignment layer \(l - 1)"] = cosineNaN(w.map { Double($0) }, b.map { Double($0) })
        }
      }
      let m = out["metrics"] as! [String: Any]
      try compareMetrics(all, m, rtol: max(rtol, 1e-10), "\(file) \(precision) step \(k + 1)")
      for (key, value) in all { metricSums[key, default: []].append(value) }
    }
    // epoch_n2: the means of the two steps' metrics and losses.
    let epoch = expected["epoch_n2"] as! [String: Any]
    XCTAssertEqual(losses.reduce(0, +) / 2, (epoch["train_loss"] as! NSNumber).doubleValue, accuracy: rtol * 10)
    try compareMetrics(metricSums.mapValues { $0.reduce(0, +) / Double($0.count) }, epoch, rtol: max(rtol, 1e-10), "\(file) \(precision) epoch_n2")
  }

  func cosineNaN(_ a: [Double], _ b: [Double]) -> Double {
    var ab = 0.0, aa = 0.0, bb = 0.0
    for i in a.indices { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i] }
    return ab / (aa.squareRoot() * bb.squareRoot())
  }

  /// The formulas of Bioflax README out here independently of the runner's implementation.
  func gradientMetrics<T: BLASScalar>(_ layout: ParameterLayout, _ bp: [T], _ rule: [T]) -> [String: Double] {
    var out: [String: Double] = [:]
    var a: [Double] = [], b: [Double] = []
    for l in 1...layout.layerCount {
      let wo = layout.weightOffset[l - 1], bo = layout.biasOffset[l - 1]
      let bias = bo..<(bo + layout.sizes[l]), kernel = wo..<(wo + layout.sizes[l - 1] * layout.sizes[l])
      let la = (bias.map { Double(bp[$0]) } + kernel.map { Double(bp[$0]) }), lb = (bias.map { Double(rule[$0]) } + kernel.map { Double(rule[$0]) })
      out["Alignment gradient layer \(l - 1)"] = cosineNaN(la, lb)
      out["Alignment bias gradient layer \(l - 1)"] = cosineNaN(bias.map { Double(bp[$0]) }, bias.map { Double(rule[$0]) })
      a += la; b += lb
    }
    out["Gradient alignment"] = cosineNaN(a, b)
    out["Relative norms gradients"] = norm(a) / norm(b)
    return out
  }

  func compareMetrics(_ mine: [String: Double], _ theirs: [String: Any], rtol: Double, _ what: String) throws {
    for key in ["Gradient alignment", "Relative norms gradients"] {
      XCTAssertEqual(mine[key]!, (theirs[key] as! NSNumber).doubleValue, accuracy: rtol * 10, "\(what) \(key)")
    }
    for key in ["Alignment gradient layer", "Alignment bias gradient layer", "Alignment layer"] {
      guard let list = theirs[key] as? [Any] else { continue }   // null for DFA's W–B alignment
      for (i, e) in list.enumerated() {
        XCTAssertEqual(mine["\(key) \(i)"] ?? .nan, (e as! NSNumber).doubleValue, accuracy: rtol * 10, "\(what) \(key) \(i)")
      }
    }
  }
}
