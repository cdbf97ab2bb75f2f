import XCTest
import Datasets
import Learning
import Numerics
@testable import Experiments

/// The Add task's properties (WideAlign README, "Tests"): the data generator's exact values (P27), BPTT against
/// finite differences (P28), the Align rules at step 0 (P29), readout-only (P30), and the official code's
/// per-epoch losses replayed under numpy's legacy stream (P31).
final class AddTaskTests: XCTestCase {
  override class func setUp() { BLASThreads.set(1) }

  func testGeneratorExactValues() {
    let task = AddTask.official()
    XCTAssertEqual(AddTask.chance(task.trainTargets, steps: 100), 9.358541666666667, accuracy: 1e-12)
    XCTAssertEqual(AddTask.chance(task.testTargets, steps: 100), 9.311875, accuracy: 1e-12)
    XCTAssertEqual(task.trainInputs.reduce(0, +), 15150)
    XCTAssertEqual(task.testInputs.reduce(0, +), 4963)
    XCTAssertEqual(Array(task.trainInputs.prefix(12)), [1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1])
    XCTAssertTrue(task.trainTargets.prefix(100).allSatisfy { $0 == 0.5 }, "row 0 has no shifted terms (Q10)")
    XCTAssertEqual(Set(task.trainTargets + task.testTargets), [0.25, 0.5, 0.75, 1.0])
    // Negative control: the shift fix changes row 0's targets.
    XCTAssertFalse(AddTask.official(shiftFix: true).trainTargets.prefix(100).allSatisfy { $0 == 0.5 })
    let suite = AddTask.suite(seed: 1)
    XCTAssertEqual(AddTask.chance(suite.trainTargets, steps: 100), 9.375, accuracy: 0.3)
  }

  /// A small Double problem: n = 6, T = 7, B = 3, random weights, a non-zero S and biases.
  func smallProblem() -> (RecurrentNetwork<Double>, [Double], [Double]) {
    var rng = Random(seed: 5, stream: "add-test")
    var net = RecurrentNetwork<Double>(width: 6, slots: 3)
    for i in 0..<net.parameters.count { net.parameters[i] = rng.normal() }
    let u = (0..<21).map { _ in Double(rng.uniform() > 0.5 ? 1 : 0) }, y = (0..<21).map { _ in rng.uniform() }
    return (net, u, y)
  }

  func testBackpropThroughTimeMatchesFiniteDifferences() {
    let (net, u, y) = smallProblem()
    let ws = RecurrentWorkspace<Double>(steps: 7, batch: 3, width: 6)
    ws.gradient(.backprop, net, initial: net, inputs: u, targets: y)
    let analytic = ws.gradient
    var numeric = analytic
    for i in 0..<net.parameters.count {
      var plus = net, minus = net
      plus.parameters[i] += 1e-6; minus.parameters[i] -= 1e-6
      numeric[i] = (ws.evaluate(plus, inputs: u, targets: y) - ws.evaluate(minus, inputs: u, targets: y)) / 2e-6
    }
    for t in RecurrentNetwork<Double>.Tensor.allCases {
      let r = net.range(t)
      XCTAssertLessThan(relativeError(Array(analytic[r]), Array(numeric[r])), 1e-6, "\(t)")
    }
  }

  /// At step 0 Align-zero is BPTT; Align-ada is BPTT without the same-step readout terms in w_in, W, b; with
  /// T = 1 Align-ada's hidden updates are exactly 0.
  func testAlignRulesAtStepZero() {
    let (net, u, y) = smallProblem()
    let ws = RecurrentWorkspace<Double>(steps: 7, batch: 3, width: 6)
    ws.gradient(.backprop, net, initial: net, inputs: u, targets: y)
    let bp = ws.gradient
    ws.gradient(.alignZero, net, initial: net, inputs: u, targets: y)
    XCTAssertLessThan(relativeError(ws.gradient, bp), 1e-12)
    ws.gradient(.alignAda, net, initial: net, inputs: u, targets: y)
    let ada = ws.gradient
    for t in [RecurrentNetwork<Double>.Tensor.readout, .readoutBias, .initialState] {
      XCTAssertLessThan(relativeError(Array(ada[net.range(t)]), Array(bp[net.range(t)])), 1e-12, "\(t)")
    }
    XCTAssertGreaterThan(relativeError(Array(ada[net.range(.recurrent)]), Array(bp[net.range(.recurrent)])), 1e-3)
    // With the readout term delivered (Q11's fix), Align-ada is BPTT at step 0.
    ws.gradient(.alignAda, net, initial: net, inputs: u, targets: y, adaReadoutTerm: true)
    XCTAssertLessThan(relativeError(ws.gradient, bp), 1e-12)
    // T = 1: nothing arrives from a next step.
    let one = RecurrentWorkspace<Double>(steps: 1, batch: 3, width: 6)
    one.gradient(.alignAda, net, initial: net, inputs: Array(u.prefix(3)), targets: Array(y.prefix(3)))
    for t in [RecurrentNetwork<Double>.Tensor.inputWeights, .recurrent, .bias] {
      XCTAssertTrue(one.gradient[net.range(t)].allSatisfy { $0 == 0 }, "\(t)")
    }
  }

  func testReadoutOnlyKeepsHiddenWeights() throws {
    var e = AddTaskExperiment(name: "add-test", width: 8, rule: .readout, epochs: 2)
    e.learningRate = 0.001
    let net0 = AddTaskRunner.initialNetwork(e, seed: 99)
    let task = AddTaskRunner.data(e, seed: 99)
    let ws = RecurrentWorkspace<Float>(steps: 100, batch: 50, width: 8)
    var net = net0
    var u = [Float](repeating: 0, count: 5000), y = u
    for r in 0..<50 { for t in 0..<100 { u[t * 50 + r] = task.trainInputs[r * 100 + t]; y[t * 50 + r] = task.trainTargets[r * 100 + t] } }
    for _ in 0..<3 {
      ws.gradient(.readout, net, initial: net0, inputs: u, targets: y)
      for i in 0..<net.parameters.count { net.parameters[i] -= 0.001 * ws.gradient[i] }
    }
    for t in [RecurrentNetwork<Float>.Tensor.inputWeights, .recurrent, .bias] { XCTAssertEqual(net[t], net0[t], "\(t)") }
    XCTAssertNotEqual(net[.initialState], net0[.initialState])
    XCTAssertNotEqual(net[.readout], net0[.readout])
  }

  /// P31: the official code's losses (WideAlign README, "Reference numbers"), replayed number for number.
  func testReplaysOfficialLosses() throws {
    func run(_ rule: RecurrentRule, _ n: Int, epochs: Int) throws -> RunRecord {
      try AddTaskRunner.run(AddTaskExperiment(name: "add-p31", width: n, rule: rule, epochs: epochs), seed: 99,
                            options: RunOptions(progress: false))
    }
    func close(_ a: Double, _ b: Double, _ tol: Double, _ what: String) { XCTAssertLessThanOrEqual(abs(a - b) / b, tol, "\(what): \(a) vs \(b)") }
    let bp32 = try run(.backprop, 32, epochs: 200)
    close(bp32.epochs[0].trainLoss, 10.6152, 1e-3, "BP n=32 epoch 1 train"); close(bp32.epochs[0].testLoss, 10.6214, 1e-3, "test")
    close(bp32.epochs[9].trainLoss, 3.2059, 1e-3, "BP n=32 epoch 10 train"); close(bp32.epochs[9].testLoss, 3.1328, 1e-3, "test")
    close(bp32.bestTrainLoss!.loss, 0.76737, 0.03, "BP n=32 best train"); close(bp32.bestTestLoss!.loss, 0.67642, 0.03, "best test")
    let bp8 = try run(.backprop, 8, epochs: 1)
    close(bp8.epochs[0].trainLoss, 28.2315, 1e-3, "BP n=8 epoch 1 train"); close(bp8.epochs[0].testLoss, 28.1597, 1e-3, "test")
    let zero = try run(.alignZero, 32, epochs: 1)
    close(zero.epochs[0].trainLoss, 10.8830, 1e-3, "Align-zero n=32 train"); close(zero.epochs[0].testLoss, 10.8911, 1e-3, "test")
    let ada = try run(.alignAda, 32, epochs: 1)
    close(ada.epochs[0].trainLoss, 12.2226, 1e-3, "Align-ada n=32 train"); close(ada.epochs[0].testLoss, 12.2527, 1e-3, "test")
    let ada8 = try run(.alignAda, 8, epochs: 30)
    XCTAssertNotNil(ada8.diverged, "Align-ada at n = 8 turns non-finite within 30 epochs")
    XCTAssertTrue(ada8.bestTestLoss!.loss.isFinite)
  }
}
