import XCTest
import Numerics
@testable import Learning

/// Properties of LRA-E from LRAE README
final class LRAPropertyTests: XCTestCase {
  let sizes = [20, 16, 16, 16, 5], rows = 7

  func setUp<T: BLASScalar>(_: T.Type, seed: UInt64 = 1) -> (Network<T>, [Matrix<T>], [T], [Int32]) {
    var rng = Random(seed: seed)
    let net = Network<T>(sizes: sizes, hidden: .tanh, initializer: .normal(std: 0.1), rng: &rng)
    let e: [Matrix<T>] = (2..<sizes.count).map { rng.normalMatrix(rows: sizes[$0], cols: sizes[$0 - 1], std: 1) }
    let x = (0..<(rows * sizes[0])).map { _ in T(max(0, rng.normal())) }
    let labels = (0..<rows).map { _ in Int32(rng.next() % 5) }
    return (net, e, x, labels)
  }

  func run<T: BLASScalar, R: LearningRule<T>>(_ rule: inout R, _ net: Network<T>, _ x: [T], _ labels: [Int32]) -> ([T], Tape<T>) {
    var tape = Tape<T>(sizes: net.sizes, capacity: rows)
    var g = [T](repeating: 0, count: net.layout.count)
    x.withUnsafeBufferPointer { px in
      labels.withUnsafeBufferPointer { pl in
        _ = rule.update(net, Batch(rows: rows, inputs: px.baseAddress!, labels: pl.baseAddress), loss: .softmaxCrossEntropy, tape: &tape, into: &g)
      }
    }
    return (g, tape)
  }

  func weights<T>(_ g: [T], _ net: Network<T>, _ l: Int) -> [T] {
    let o = net.layout.weightOffset[l - 1]
    return Array(g[o..<(o + net.sizes[l - 1] * net.sizes[l])])
  }

  func testOutputErrorRowsSumToZeroAndTopLayerIsBackprop() {   // P2, P3
    let (net, e, x, labels) = setUp(Double.self)
    var lra = LocalRepresentationAlignment<Double>(sizes: sizes, errorWeights: e, beta: 0.1, gamma: 1, orientation: .tf1,
                                                   sumOverBatch: true, optimizer: .sgd(learningRate: 1e-3, momentum: 0))
    let (g, tape) = run(&lra, net, x, labels)
    let L = net.layerCount, eL = tape.delta[L - 1]
    for r in 0..<rows { XCTAssertLessThan(abs((0..<5).map { eL[r * 5 + $0] }.reduce(0, +)), 1e-14) }
    var bp = Backprop<Double>()
    let (gBP, _) = run(&bp, net, x, labels)
    // LRA-E sums over the batch; BP's gradient is of the mean loss.
    XCTAssertLessThan(relativeError(weights(g, net, L), weights(gBP, net, L).map { $0 * Double(rows) }), 1e-12)
  }

  func testBetaZeroTrainsOnlyTheTopLayer() {   // P4
    let (net, e, x, labels) = setUp(Float.self)
    var lra = LocalRepresentationAlignment<Float>(sizes: sizes, errorWeights: e, beta: 0, gamma: 1, orientation: .tf1,
                                                  sumOverBatch: true, optimizer: .sgd(learningRate: 1e-3, momentum: 0))
    let (g, _) = run(&lra, net, x, labels)
    for l in 1..<net.layerCount { XCTAssertTrue(weights(g, net, l).allSatisfy { $0 == 0 }, "layer \(l)") }
    XCTAssertTrue(weights(g, net, net.layerCount).contains { $0 != 0 })
  }

  func testSmallBetaWithTransposedWeightsConvergesToBackprop() {   // P5
    var (net, _, x, labels) = setUp(Double.self)
    let e: [Matrix<Double>] = (2..<sizes.count).map { net.weight($0).transposed }
    net.parameters[0] += 0
    let beta = 1e-3
    var lra = LocalRepresentationAlignment<Double>(sizes: sizes, errorWeights: e, beta: beta, gamma: 1, orientation: .consistent,
                                                   sumOverBatch: false, optimizer: .sgd(learningRate: 1e-3, momentum: 0))
    let (g, _) = run(&lra, net, x, labels)
    var bp = Backprop<Double>()
    let (gBP, _) = run(&bp, net, x, labels)
    let L = net.layerCount
    for l in 1..<L {
      let scaled = weights(g, net, l).map { $0 / pow(beta, Double(L - l)) }
      let err = norm(zip(scaled, weights(gBP, net, l)).map { $0 - $1 }) / norm(weights(gBP, net, l))
      XCTAssertLessThan(err, 1e-3, "layer \(l): \(err)")
    }
  }

  func testErrorWeightsMinusGammaWTransposeStayConstantUnderSGD() {   // P10
    var (net, e, x, labels) = setUp(Double.self)
    let gamma = 0.7, lr = 1e-2
    var lra = LocalRepresentationAlignment<Double>(sizes: sizes, errorWeights: e, beta: 0.1, gamma: gamma, orientation: .tf1,
                                                   sumOverBatch: true, optimizer: .sgd(learningRate: lr, momentum: 0))
    var opt = OptimizerState<Double>(.sgd(learningRate: lr, momentum: 0), count: net.layout.count)
    func invariant() -> [Double] { (2..<sizes.count).flatMap { (lra.errorWeight($0) - gamma * net.weight($0).transposed).storage } }
    let start = invariant()
    for _ in 0..<100 {
      let (g, _) = run(&lra, net, x, labels)
      opt.apply(to: &net.parameters, gradient: g)
      lra.afterStep(net)
    }
    XCTAssertLessThan(zip(invariant(), start).map { abs($0 - $1) }.max()!, 1e-12)
    XCTAssertGreaterThan(zip(net.weight(2).storage, setUp(Double.self).0.weight(2).storage).map { abs($0 - $1) }.max()!, 1e-4)
  }

  func testTF1OrientationTransposesOnlySquareHiddenErrorWeights() {   // P11
    let lra = LocalRepresentationAlignment<Float>(sizes: [20, 16, 12, 12, 5],
      errorWeights: [Matrix(rows: 12, cols: 16), Matrix(rows: 12, cols: 12), Matrix(rows: 5, cols: 12)],
      beta: 0.1, gamma: 1, orientation: .tf1, sumOverBatch: true, optimizer: .sgd(learningRate: 1, momentum: 0))
    XCTAssertFalse(lra.transposesFeedback(2))   // 12 × 16: not square
    XCTAssertTrue(lra.transposesFeedback(3))    // 12 × 12
    XCTAssertFalse(lra.transposesFeedback(4))   // the top E is applied as it is
  }
}
