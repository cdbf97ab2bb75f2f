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

  /// One update of `rule` on the batch (its size is the labels' count).
  func run<T: BLASScalar, R: LearningRule<T>>(_ rule: inout R, _ net: Network<T>, _ x: [T], _ labels: [Int32]) -> ([T], Tape<T>) {
    let n = labels.count
    var tape = Tape<T>(sizes: net.sizes, capacity: n)
    var g = [T](repeating: 0, count: net.layout.count)
    x.withUnsafeBufferPointer { px in
      labels.withUnsafeBufferPointer { pl in
        _ = rule.update(net, Batch(rows: n, inputs: px.baseAddress!, labels: pl.baseAddress), loss: .softmaxCrossEntropy, tape: &tape, into: &g)
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

  /// FA's feedback (B_l in W_l's shape) for LRA-E's first-order twin: Δ_{l−1} = Δ_l B_lᵀ = β e_l F_l, so B_l = β F_lᵀ,
  /// with F_l = E_l (consistent) or E_lᵀ (TF1's square hidden E).
  func twinFeedback(_ lra: LocalRepresentationAlignment<Double>, _ net: Network<Double>, beta: Double) -> [Double] {
    var b = [Double](repeating: 0, count: net.layout.count)
    for l in 2...net.layerCount {
      let e = lra.errorWeight(l), f = lra.transposesFeedback(l) ? e.transposed : e
      let bl = f.transposed, o = net.layout.weightOffset[l - 1]
      for k in 0..<bl.count { b[o + k] = beta * bl.storage[k] }
    }
    return b
  }

  func cosine(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / (norm(a) * norm(b))
  }

  func testSmallBetaIsFeedbackAlignmentThroughBetaTimesTheErrorWeights() {   // P6
    let (net, e, x, labels) = setUp(Double.self)
    let beta = 1e-3, L = net.layerCount
    var lra = LocalRepresentationAlignment<Double>(sizes: sizes, errorWeights: e, beta: beta, gamma: 1, orientation: .consistent,
                                                   sumOverBatch: false, optimizer: .sgd(learningRate: 1e-3, momentum: 0))
    let (g, _) = run(&lra, net, x, labels)
    var fa = FeedbackAlignment<Double>(feedback: twinFeedback(lra, net, beta: beta))
    let (gFA, _) = run(&fa, net, x, labels)
    for l in 1...L {
      let err = relativeError(weights(g, net, l), weights(gFA, net, l))
      XCTAssertLessThan(err, l == L ? 1e-12 : 1e-3, "layer \(l): \(err)")
    }
    // Negative control: FA through the error weights without β is off by β^{L−l} below the top layer.
    var unscaled = FeedbackAlignment<Double>(feedback: twinFeedback(lra, net, beta: 1))
    let (gU, _) = run(&unscaled, net, x, labels)
    XCTAssertGreaterThan(relativeError(weights(g, net, 1), weights(gU, net, 1)), 0.5)
  }

  func testTopHiddenErrorIsLinearInBeta() {   // P7
    let (net, e, x, labels) = setUp(Double.self)
    let L = net.layerCount
    func topHiddenError(_ beta: Double) -> [Double] {
      var lra = LocalRepresentationAlignment<Double>(sizes: sizes, errorWeights: e, beta: beta, gamma: 1, orientation: .tf1,
                                                     sumOverBatch: true, optimizer: .sgd(learningRate: 1e-3, momentum: 0))
      return Array(run(&lra, net, x, labels).1.delta[L - 2].prefix(rows * sizes[L - 1]))
    }
    for beta in [1e-2, 1e-3] {
      let one = topHiddenError(beta), two = topHiddenError(2 * beta)
      let err = relativeError(two, one.map { 2 * $0 })
      XCTAssertLessThanOrEqual(err, 10 * beta, "β = \(beta): \(err)")
      XCTAssertGreaterThan(err, 0.1 * beta, "β = \(beta): the second-order term is there (not an exactly linear rule)")
    }
  }

  func testHiddenTargetsAndErrorsStayInRange() {   // P8
    let (net, e, x, labels) = setUp(Double.self)
    var lra = LocalRepresentationAlignment<Double>(sizes: sizes, errorWeights: e, beta: 1, gamma: 1, orientation: .tf1,
                                                   sumOverBatch: true, optimizer: .sgd(learningRate: 1e-3, momentum: 0))
    let (_, tape) = run(&lra, net, x, labels)
    var largest = 0.0
    for l in 1..<net.layerCount {
      for k in 0..<(rows * sizes[l]) {
        let h = tape.output[l - 1][k], err = tape.delta[l - 1][k], target = h - err
        XCTAssertTrue(abs(target) < 1 && abs(err) < 2, "layer \(l): h \(h), e \(err)")
        largest = max(largest, abs(err))
      }
    }
    XCTAssertGreaterThan(largest, 0.5, "β = 1 moves the targets far (the check is not vacuous)")
  }

  func testUpdateIsTheSumOfOuterProductsWithoutTheDerivative() {   // P9
    let (net, e, x, labels) = setUp(Double.self)
    var lra = LocalRepresentationAlignment<Double>(sizes: sizes, errorWeights: e, beta: 0.1, gamma: 1, orientation: .tf1,
                                                   sumOverBatch: true, optimizer: .sgd(learningRate: 1e-3, momentum: 0))
    let (g, tape) = run(&lra, net, x, labels)
    for l in 1...net.layerCount {
      let m = sizes[l - 1], n = sizes[l], h = l == 1 ? x : tape.output[l - 2], err = tape.delta[l - 1]
      var outer = [Double](repeating: 0, count: m * n), withDerivative = outer
      for b in 0..<rows {
        for i in 0..<m {
          for j in 0..<n {
            outer[i * n + j] += h[b * m + i] * err[b * n + j]
            withDerivative[i * n + j] += h[b * m + i] * err[b * n + j] * tape.derivative[l - 1][b * n + j]
          }
        }
      }
      XCTAssertLessThan(relativeError(weights(g, net, l), outer), 1e-12, "layer \(l)")
      if l < net.layerCount { XCTAssertGreaterThan(relativeError(weights(g, net, l), withDerivative), 1e-3, "layer \(l): negative control") }
    }
  }

  /// The official scale at initialisation (784-256×3-10, W ~ N(0, 0.1²), E ~ N(0, 1), β = 0.1, TF1 orientation, a batch
  /// of 50 sparse random images): LRA-E's hidden updates have about BP's norm (P12) and point along FA's through
  /// B_l = βF_lᵀ (P13).
  func testAtInitialisationTheUpdateHasBPsNormAndFAsDirection() {   // P12, P13
    var rng = Random(seed: 21, stream: "lra-p12")
    let big = [784, 256, 256, 256, 10], n = 50
    let net = Network<Double>(sizes: big, hidden: .tanh, initializer: .normal(std: 0.1), rng: &rng)
    let e: [Matrix<Double>] = (2..<big.count).map { rng.normalMatrix(rows: big[$0], cols: big[$0 - 1], std: 1) }
    let x = (0..<(n * 784)).map { _ in rng.uniform() < 0.2 ? rng.uniform() : 0 }
    let labels = (0..<n).map { _ in Int32(rng.next() % 10) }
    var lra = LocalRepresentationAlignment<Double>(sizes: big, errorWeights: e, beta: 0.1, gamma: 1, orientation: .tf1,
                                                   sumOverBatch: false, optimizer: .sgd(learningRate: 1e-3, momentum: 0))
    let (g, _) = run(&lra, net, x, labels)
    var bp = Backprop<Double>()
    let (gBP, _) = run(&bp, net, x, labels)
    var fa = FeedbackAlignment<Double>(feedback: twinFeedback(lra, net, beta: 0.1))
    let (gFA, _) = run(&fa, net, x, labels)
    for l in 1...net.layerCount {
      let ratio = norm(weights(g, net, l)) / norm(weights(gBP, net, l))
      XCTAssertTrue((0.5...2).contains(ratio), "layer \(l): ‖ΔW‖/‖G_BP‖ = \(ratio)")
      let c = cosine(weights(g, net, l), weights(gFA, net, l))
      XCTAssertGreaterThanOrEqual(c, 0.9, "layer \(l): cos with the FA twin \(c)")
    }
  }

  func testBaselinesReduceToBackpropWithTheForwardWeights() {   // P17
    let (net, _, x, labels) = setUp(Double.self)
    var bp = Backprop<Double>()
    let (gBP, _) = run(&bp, net, x, labels)
    var fa = FeedbackAlignment<Double>(feedback: net.parameters)          // B_l := W_l (W_lᵀ in the spec's shape)
    XCTAssertEqual(run(&fa, net, x, labels).0, gBP)
    // DFA with one hidden layer and D_1 := W_2ᵀ (B_1 := W_2 here) is BP.
    var small = Random(seed: 5, stream: "lra-p17")
    let shallow = Network<Double>(sizes: [20, 16, 5], hidden: .tanh, initializer: .normal(std: 0.1), rng: &small)
    var dfa = DirectFeedbackAlignment<Double>(feedback: [shallow.weight(2)])
    var bp2 = Backprop<Double>()
    XCTAssertLessThan(relativeError(run(&dfa, shallow, x, labels).0, run(&bp2, shallow, x, labels).0), 1e-14)
  }

  func testTrainingIsDeterministicAndLeavesTheBiasesFrozen() {   // P16
    var (start, e, x, labels) = setUp(Double.self)
    var rng = Random(seed: 31)
    for l in 1...start.layerCount { start.setBias(l, (0..<sizes[l]).map { _ in rng.normal() }) }   // tf1-2019's frozen N(0, 1)
    func train() -> (Network<Double>, [Double]) {
      var net = start
      var lra = LocalRepresentationAlignment<Double>(sizes: sizes, errorWeights: e, beta: 0.1, gamma: 1, orientation: .tf1,
                                                     sumOverBatch: true, optimizer: .sgd(learningRate: 1e-2, momentum: 0))
      var opt = OptimizerState<Double>(.sgd(learningRate: 1e-2, momentum: 0), count: net.layout.count)
      for _ in 0..<10 {
        let (g, _) = run(&lra, net, x, labels)
        opt.apply(to: &net.parameters, gradient: g)
        lra.afterStep(net)
      }
      return (net, lra.state)
    }
    let (a, stateA) = train(), (b, stateB) = train()
    XCTAssertEqual(a.parameters, b.parameters); XCTAssertEqual(stateA, stateB)
    for l in 1...start.layerCount {
      XCTAssertEqual(a.bias(l), start.bias(l), "layer \(l)'s bias")
      XCTAssertNotEqual(a.weight(l).storage, start.weight(l).storage, "layer \(l)'s weights train")
    }
  }
}

