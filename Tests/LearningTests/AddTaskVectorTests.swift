import Foundation
import XCTest
import Numerics
@testable import Learning

/// The Add-task golden vector (Tests/Vectors/align-add-rules.json): two SGD steps of the official `train_add.py`
/// graphs (n = 4, T = 6, B = 3, lr 0.05) for BP, Align-ada, Align-zero and readout-only, float32. Per tensor the
/// relative update error ‖Δmine − Δexpected‖/‖Δexpected‖ (Δ = θ_s − θ_0) must be ≤ 1e-5; tensors the rule never
/// changes must stay bitwise.
final class AddTaskVectorTests: XCTestCase {
  static let tensors: [(String, RecurrentNetwork<Float>.Tensor)] =
    [("w_in", .inputWeights), ("W", .recurrent), ("b", .bias), ("w_out", .readout), ("b_o", .readoutBias), ("S", .initialState)]

  func vector() throws -> [String: Any] {
    let url = BioflaxVectorTests.directory.appendingPathComponent("align-add-rules.json")
    return try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) as! [String: Any]
  }
  func floats(_ any: Any?) -> [Float] { ((any as! [String: Any])["data"] as! [NSNumber]).map { $0.floatValue } }

  func network(_ state: [String: Any]) -> RecurrentNetwork<Float> {
    var net = RecurrentNetwork<Float>(width: 4, slots: 3)
    for (key, t) in Self.tensors { net[t] = ArraySlice(floats(state[key])) }
    return net
  }

  /// The two steps of `rule` from the vector's initial state; the per-tensor update errors after each step.
  func updateErrors(_ rule: RecurrentRule, expected name: String, adaReadoutTerm: Bool = false, control: Bool = false) throws -> [[String: Double]] {
    let v = try vector(), inputs = v["inputs"] as! [String: Any]
    let x = floats(inputs["x"]), y = floats(inputs["y"]), lr = Float((inputs["lr"] as! NSNumber).doubleValue)
    let expected = (v["rules"] as! [String: Any])[name] as! [String: Any]
    let net0 = network(expected["init"] as! [String: Any])
    var net = net0
    let ws = RecurrentWorkspace<Float>(steps: 6, batch: 3, width: 4)
    var errors: [[String: Double]] = []
    for step in 0..<2 {
      // x is (step, batch, time); the workspace reads time-major.
      var u = [Float](repeating: 0, count: 18), target = u
      for r in 0..<3 { for t in 0..<6 { u[t * 3 + r] = x[step * 18 + r * 6 + t]; target[t * 3 + r] = y[step * 18 + r * 6 + t] } }
      let loss = ws.gradient(rule, net, initial: net0, inputs: u, targets: target, adaReadoutTerm: adaReadoutTerm)
      if !control { XCTAssertEqual(loss, (expected["loss_before_step\(step + 1)"] as! NSNumber).doubleValue, accuracy: 1e-5) }
      for i in 0..<net.parameters.count { net.parameters[i] -= lr * ws.gradient[i] }
      let after = network(expected["after_step\(step + 1)"] as! [String: Any])
      var e: [String: Double] = [:]
      for (key, t) in Self.tensors {
        let mine = zip(net[t], net0[t]).map { Double($0) - Double($1) }, theirs = zip(after[t], net0[t]).map { Double($0) - Double($1) }
        let norm = theirs.map { $0 * $0 }.reduce(0, +).squareRoot()
        let diff = zip(mine, theirs).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        e[key] = norm == 0 ? (diff == 0 ? 0 : .infinity) : diff / norm
      }
      errors.append(e)
    }
    return errors
  }

  func check(_ rule: RecurrentRule, _ name: String) throws {
    for (step, e) in try updateErrors(rule, expected: name).enumerated() {
      for (key, err) in e { XCTAssertLessThanOrEqual(err, 1e-5, "\(name) step \(step + 1) \(key)") }
    }
  }

  func testBackpropThroughTime() throws { try check(.backprop, "normal") }
  func testAlignAda() throws { try check(.alignAda, "alignada") }
  func testAlignZero() throws { try check(.alignZero, "alignzero") }
  func testReadoutOnly() throws { try check(.readout, "readout") }

  /// Negative controls: Align-ada with the same-step readout term delivered (Q11's fix), and BP against
  /// Align-zero's expected updates, both miss the vector clearly.
  func testNegativeControlsFail() throws {
    let fixed = try updateErrors(.alignAda, expected: "alignada", adaReadoutTerm: true, control: true)
    XCTAssertGreaterThan(fixed[0]["W"]!, 1e-2)
    let bp = try updateErrors(.backprop, expected: "alignzero", control: true)
    XCTAssertGreaterThan(bp[1]["W"]!, 1e-3)
    XCTAssertLessThanOrEqual(bp[0]["W"]!, 1e-5, "step 1: Align-zero equals BP (P29)")
  }

  /// The vector's initial weights are numpy's legacy stream at seed 99: w_in, W, w_out (P9).
  func testInitialWeightsReplayNumpy() throws {
    let v = try vector()
    let expected = network(((v["rules"] as! [String: Any])["normal"] as! [String: Any])["init"] as! [String: Any])
    var rng = NumpyRandom(seed: 99)
    let net = RecurrentNetwork<Float>.initial(width: 4, slots: 3, normals: &rng)
    XCTAssertEqual(net.parameters, expected.parameters)
  }
}
