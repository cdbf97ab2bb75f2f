import Foundation
import XCTest
import Numerics
@testable import Learning

/// The GAIT-prop golden vectors (Tests/Vectors/gait-*.json): two training steps of the official code (BP,
/// TP, GAIT; full width and tower), float64. Per array max|mine − expected| / max|expected| ≤ the file's
/// per-quantity, per-layer rtol (the vectors' README explains the looser lower GAIT layers).
final class GAITVectorTests: XCTestCase {
  func testFullWidthBackprop() throws { try check("gait-full-bp.json") }
  func testFullWidthTargetPropagation() throws { try check("gait-full-tp.json") }
  func testFullWidthGAIT() throws { try check("gait-full-gait.json") }
  func testFullWidthGAITDeep() throws { try check("gait-full-gait-deep.json") }
  func testTowerGAIT() throws { try check("gait-tower-gait.json") }

  func doubles(_ any: Any) -> [Double] {
    if let n = any as? [Any] { return n.flatMap { doubles($0) } }
    return [(any as! NSNumber).doubleValue]
  }

  func check(_ file: String) throws {
    let url = BioflaxVectorTests.directory.appendingPathComponent(file)
    let v = try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) as! [String: Any]
    let arch = v["architecture"] as! [String: Any], hp = v["hyperparameters"] as! [String: Any]
    let widths = arch["layer_sizes"] as! [Int], L = widths.count
    var net = InvertibleNetwork(widths: widths, linear: arch["linear"] as! Bool)
    let w0 = v["initial_weights"] as! [Any]
    for l in 1...L { net.setWeight(l, Matrix(rows: widths[l - 1], cols: widths[l - 1], storage: doubles(w0[l - 1]))) }
    try net.refreshInverses()
    let algorithm = hp["algorithm"] as! String
    let rule: InvertibleRule = algorithm == "BP" ? .backprop : algorithm == "TP" ? .targetPropagation
      : .gait(gamma: (hp["gamma"] as! NSNumber).doubleValue, deviationForm: false)
    let lambda = (hp["ortho_lambda"] as! NSNumber).doubleValue
    let adam = hp["adam"] as! [String: Any]
    var opt = OptimizerState<Double>(.adam(learningRate: (hp["learning_rate"] as! NSNumber).doubleValue,
                                           beta1: (adam["beta1"] as! NSNumber).doubleValue, beta2: (adam["beta2"] as! NSNumber).doubleValue,
                                           epsilon: (adam["eps"] as! NSNumber).doubleValue, biasCorrection: false),
                                     count: net.parameters.count)
    let tolerances = (v["tolerances"] as! [String: Any])["per_quantity"] as! [String: [String: [String: Any]]]
    func rtol(_ q: String, _ l: Int) -> Double { (tolerances[q]?["layer_\(l)"]?["rtol"] as? NSNumber)?.doubleValue ?? 1e-12 }
    func compare(_ mine: [Double], _ theirs: Any, _ q: String, _ l: Int, _ step: Int) {
      let t = doubles(theirs)
      XCTAssertEqual(mine.count, t.count, "\(file) \(q) layer \(l) step \(step): size")
      guard mine.count == t.count else { return }
      let err = relativeError(mine, t)
      XCTAssertLessThanOrEqual(err, rtol(q, l), "\(file) \(q) layer \(l) step \(step): \(err)")
    }
    let batches = v["batches"] as! [[String: Any]], steps = v["steps"] as! [[String: Any]]
    for (k, batch) in batches.enumerated() {
      let rows = (batch["X"] as! [Any]).count
      let x = Matrix(rows: rows, cols: widths[0], storage: doubles(batch["X"]!))
      let labels = doubles(batch["labels"]!).map { Int32($0) }
      let u = net.update(rule, x: x, labels: labels, orthoLambda: lambda)
      let s = steps[k]
      let forward = s["forward_h"] as! [String: Any]
      for l in 1...L { compare(u.activities[l - 1].storage, forward["h_\(l)"]!, "forward_h", l, k + 1) }
      compare(u.outputTarget.storage, s["output_target_t_L"]!, "targets", L, k + 1)
      if let tau = (s["gait_targets"] ?? s["tp_targets"]) as? [String: Any] {
        for l in 1...L { compare(u.targets[l - 1].storage, tau["tau_\(l)"]!, "targets", l, k + 1) }
      }
      if let c = s["gait_scale_c"] as? [String: Any] {
        for l in 1...L { XCTAssertEqual(u.scales[l - 1], (c["c_\(l)"] as! NSNumber).doubleValue, accuracy: 1e-6 * u.scales[l - 1]) }
      }
      if let ortho = s["ortho_term_lambda_gradR"] as? [Any] {
        for l in 1...L { compare(u.orthogonalityTerm[l - 1].storage, ortho[l - 1], "grad_W", l, k + 1) }
      }
      let gw = s["grad_W"] as! [Any], gb = s["grad_b"] as! [Any]
      for l in 1...L {
        let n = widths[l - 1]
        compare(Array(u.gradient[net.weightOffset[l - 1]..<(net.weightOffset[l - 1] + n * n)]), gw[l - 1], "grad_W", l, k + 1)
        compare(Array(u.gradient[net.biasOffset[l - 1]..<(net.biasOffset[l - 1] + n)]), gb[l - 1], "grad_b", l, k + 1)
      }
      opt.apply(to: &net.parameters, gradient: u.gradient)
      if rule != .backprop { try net.refreshInverses() }
      let wa = s["weights_after"] as! [Any], ba = s["biases_after"] as! [Any]
      for l in 1...L {
        compare(net.weight(l).storage, wa[l - 1], "weights_after", l, k + 1)
        compare(net.bias(l), ba[l - 1], "biases_after", l, k + 1)
      }
    }
  }
}
