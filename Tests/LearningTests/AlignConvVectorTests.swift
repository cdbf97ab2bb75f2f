import Foundation
import XCTest
import Numerics
@testable import Learning

/// The kmnist3 golden vector (Tests/Vectors/align-kmnist3-rules.json): two SGD steps (lr 1, batch 4, width 3) of the
/// official `train_kmnist.py` graphs for BP, Align-ada, Align-zero, FA, DFA and last-layer, float32. Per tensor the
/// relative update error ‖Δmine − Δexpected‖/‖Δexpected‖ must be ≤ 5e-5; the inert hidden biases are compared
/// absolutely (≤ 1e-6).
final class AlignConvVectorTests: XCTestCase {
  static let rules: [String: ConvRule] = ["normal": .backprop, "alignada": .alignAda, "alignzero": .alignZero, "fa": .feedbackAlignment,
                                          "dfa": .directFeedbackAlignment, "lastlayer": .lastLayer]
  let architecture = ConvArchitecture.kmnist3(width: 3)

  func vector() throws -> [String: Any] {
    let url = BioflaxVectorTests.directory.appendingPathComponent("align-kmnist3-rules.json")
    return try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) as! [String: Any]
  }
  func floats(_ any: Any?) -> [Float] { ((any as! [String: Any])["data"] as! [NSNumber]).map { $0.floatValue } }

  /// The official (3, 3, n_in, n_out) kernels read row-major are the suite's W^l; the readout (1, 1, n, C) is W^{L+1}.
  func parameters(_ state: [String: Any]) -> [Float] {
    var p: [Float] = []
    for l in 1...4 {
      let w: String = l == 4 ? "Wout" : "W\(l)", b: String = l == 4 ? "bout" : "b\(l)"
      p += floats(state[w]); p += floats(state[b])
    }
    return p
  }

  func feedback(_ fb: [String: Any]) -> [Float] {
    var f: [Float] = []
    for l in 1...4 { let key: String = l == 4 ? "Vout" : "V\(l)"; f += floats(fb[key]) }
    return f
  }

  func inputs(_ v: [String: Any], step: Int) -> (x: [Float], y: [Float]) {
    let i = v["inputs"] as! [String: Any]
    let pixels = floats(i["pixels_uint8"]), classes = i["classes"] as! [[Int]]
    let x = pixels[step * 4 * 784..<(step + 1) * 4 * 784].map { $0 / Float(255) }
    var y = [Float](repeating: -0.1, count: 40)
    for (b, c) in classes[step].enumerated() { y[b * 10 + c] = Float(1) - Float(0.1) }
    return (x, y)
  }

  func updateErrors(_ rule: ConvRule, expected name: String, control: Bool = false) throws -> [[String: Double]] {
    let v = try vector(), expected = (v["rules"] as! [String: Any])[name] as! [String: Any]
    var net0 = ConvNetwork<Float>(architecture: architecture)
    net0.parameters = parameters(expected["init"] as! [String: Any])
    if let fb = expected["feedback"] as? [String: Any] { net0.feedback = feedback(fb) }
    if rule == .directFeedbackAlignment {
      var rng = NumpyRandom(seed: 99)
      net0.feedback = ConvNetwork<Float>.initial(architecture, feedback: .direct, normals: &rng).feedback
    }
    var net = net0
    let ws = ConvWorkspace<Float>(architecture, capacity: 4)
    var errors: [[String: Double]] = []
    for step in 0..<2 {
      let (x, y) = inputs(v, step: step)
      let loss = ws.gradient(rule, net, initial: net0, x, y, rows: 4)
      if !control { XCTAssertEqual(loss, (expected["loss_before_step\(step + 1)"] as! NSNumber).doubleValue, accuracy: 2e-6, "\(name) loss") }
      for i in 0..<net.parameters.count { net.parameters[i] -= ws.gradient[i] }   // lr 1
      let after = parameters(expected["after_step\(step + 1)"] as! [String: Any])
      var e: [String: Double] = [:]
      for l in 1...4 {
        for (key, range) in [("W\(l)", architecture.weightRange(l)), ("b\(l)", architecture.biasRange(l))] {
          let mine = range.map { Double(net.parameters[$0]) - Double(net0.parameters[$0]) }
          let theirs = range.map { Double(after[$0]) - Double(net0.parameters[$0]) }
          let diff = zip(mine, theirs).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
          let norm = theirs.map { $0 * $0 }.reduce(0, +).squareRoot()
          // Hidden biases are inert: absolute. Everything else: relative (0 when both are exactly unchanged).
          e[key] = l < 4 && key.hasPrefix("b") ? diff : norm == 0 ? (diff == 0 ? 0 : .infinity) : diff / norm
        }
      }
      errors.append(e)
    }
    return errors
  }

  func check(_ name: String) throws {
    for (step, e) in try updateErrors(Self.rules[name]!, expected: name).enumerated() {
      for (key, err) in e.sorted(by: { $0.key < $1.key }) {
        XCTAssertLessThanOrEqual(err, key.hasPrefix("b") && key != "bout" ? 1e-6 : 5e-5, "\(name) step \(step + 1) \(key)")
      }
    }
  }

  func testBackprop() throws { try check("normal") }
  func testAlignAda() throws { try check("alignada") }
  func testAlignZero() throws { try check("alignzero") }
  func testFeedbackAlignment() throws { try check("fa") }
  func testDirectFeedbackAlignment() throws { try check("dfa") }
  func testLastLayer() throws { try check("lastlayer") }

  /// Negative control: Align-prop (W(0) as feedback) against Align-zero's expected step 2 misses clearly, and BP
  /// against Align-ada's.
  func testNegativeControlsFail() throws {
    let prop = try updateErrors(.alignProp, expected: "alignzero", control: true)
    XCTAssertLessThanOrEqual(prop[0]["W2"]!, 5e-5, "step 1: every Align rule equals BP")
    XCTAssertGreaterThan(prop[1]["W2"]!, 1e-3)
    let bp = try updateErrors(.backprop, expected: "alignada", control: true)
    XCTAssertGreaterThan(bp[1]["W1"]!, 1e-3)
  }

  /// The stored initial weights and FA feedback are numpy's legacy draws at seed 99 (P9), and the DFA matrices'
  /// first values, sum and sum of squares are those of the vector's replay.
  func testInitialisationReplaysNumpy() throws {
    let v = try vector(), rules = v["rules"] as! [String: Any]
    var rng = NumpyRandom(seed: 99)
    let bp = ConvNetwork<Float>.initial(architecture, normals: &rng)
    XCTAssertEqual(bp.parameters, parameters((rules["normal"] as! [String: Any])["init"] as! [String: Any]))
    XCTAssertEqual(bp.parameters[0], Float(-0.14235884270194815))
    XCTAssertEqual(bp.parameters[3], Float(2.0572217375814947), "W^1[1][0] = G[0][1]: W = Gᵀ")
    rng = NumpyRandom(seed: 99)
    let fa = ConvNetwork<Float>.initial(architecture, feedback: .sameShape, normals: &rng)
    let faExpected = rules["fa"] as! [String: Any]
    XCTAssertEqual(fa.parameters, parameters(faExpected["init"] as! [String: Any]))
    XCTAssertEqual(fa.feedback, feedback(faExpected["feedback"] as! [String: Any]))
    rng = NumpyRandom(seed: 99)
    let dfa = ConvNetwork<Float>.initial(architecture, feedback: .direct, normals: &rng)
    let dfaExpected = rules["dfa"] as! [String: Any]
    XCTAssertEqual(dfa.parameters, parameters(dfaExpected["init"] as! [String: Any]))
    let matrices = dfaExpected["dfa_matrices"] as! [String: [String: Any]]
    for l in 1...3 {
      let m = matrices["D\(l)"]!, start = dfa.feedbackOffset(l, direct: true), count = architecture.layer(l).outputFeatures * 10
      let d = dfa.feedback[start..<start + count].map(Double.init)
      for (a, b) in zip(d.prefix(8), (m["first8"] as! [NSNumber]).map(\.doubleValue)) { XCTAssertEqual(a, b, accuracy: 1e-8) }
      XCTAssertEqual(d.reduce(0, +), (m["sum"] as! NSNumber).doubleValue, accuracy: 1e-4)
      XCTAssertEqual(d.map { $0 * $0 }.reduce(0, +), (m["sumsq"] as! NSNumber).doubleValue, accuracy: 1e-4)
    }
  }
}
