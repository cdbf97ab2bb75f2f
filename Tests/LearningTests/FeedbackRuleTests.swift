import XCTest
import Numerics
@testable import Learning

/// Properties of FA, KP and DFA from Bioflax README
final class FeedbackRuleTests: XCTestCase {
  let sizes = [6, 8, 7, 4], rows = 9

  func setUpNet<T: BLASScalar>(_: T.Type, act: Activation = .tanh, seed: UInt64 = 1) -> (Network<T>, [T], [Int32]) {
    var rng = Random(seed: seed)
    var net = Network<T>(sizes: sizes, hidden: act, initializer: .lecunTruncatedNormal, rng: &rng)
    for l in 1...net.layerCount { net.setBias(l, (0..<sizes[l]).map { _ in T(0.1 * rng.normal()) }) }
    let x = (0..<(rows * sizes[0])).map { _ in T(rng.normal()) }
    let labels = (0..<rows).map { _ in Int32(rng.next() % 4) }
    return (net, x, labels)
  }

  func gradient<T: BLASScalar, R: LearningRule<T>>(_ rule: inout R, _ net: Network<T>, _ x: [T], _ labels: [Int32]) -> [T] {
    var tape = Tape<T>(sizes: net.sizes, capacity: rows)
    var g = [T](repeating: 0, count: net.layout.count)
    x.withUnsafeBufferPointer { px in
      labels.withUnsafeBufferPointer { pl in
        _ = rule.update(net, Batch(rows: rows, inputs: px.baseAddress!, labels: pl.baseAddress), loss: .softmaxCrossEntropy,
                        tape: &tape, into: &g)
      }
    }
    return g
  }

  func testFAWithBEqualToWIsBackprop() {   // P14
    let (net, x, labels) = setUpNet(Float.self)
    var bp = Backprop<Float>(), fa = FeedbackAlignment<Float>(feedback: net.parameters)
    XCTAssertLessThan(relativeError(gradient(&fa, net, x, labels), gradient(&bp, net, x, labels)), 1e-6)
  }

  func testOutputLayerGradientIsExactForEveryRule() {   // P17
    var (net, x, labels) = setUpNet(Double.self)
    var rng = Random(seed: 4)
    let b: [Double] = (0..<net.layout.count).map { _ in rng.normal() }
    var bp = Backprop<Double>()
    let exact = gradient(&bp, net, x, labels)
    var fa = FeedbackAlignment<Double>(feedback: b)
    var kp = KolenPollack<Double>(feedback: b, optimizer: .sgd(learningRate: 0.1, momentum: 0))
    var dfa = DirectFeedbackAlignment<Double>(feedback: (1..<3).map { rng.normalMatrix(rows: sizes[$0], cols: 4) })
    let L = net.layerCount, wo = net.layout.weightOffset[L - 1], end = net.layout.count
    for g in [gradient(&fa, net, x, labels), gradient(&kp, net, x, labels), gradient(&dfa, net, x, labels)] {
      XCTAssertEqual(Array(g[wo..<end]), Array(exact[wo..<end]))          // bitwise
      XCTAssertGreaterThan(relativeError(Array(g[0..<wo]), Array(exact[0..<wo])), 0.1)   // hidden layers differ
    }
    net.parameters[0] += 0   // silence "never mutated"
  }

  func testDFAWithOneHiddenLayerAndOutputWeightsIsBackprop() {   // P16
    var rng = Random(seed: 2)
    let net = Network<Double>(sizes: [5, 6, 3], hidden: .sigmoid, initializer: .lecunTruncatedNormal, rng: &rng)
    let x = (0..<(rows * 5)).map { _ in rng.normal() }, labels = (0..<rows).map { _ in Int32(rng.next() % 3) }
    var bp = Backprop<Double>(), dfa = DirectFeedbackAlignment<Double>(feedback: [net.weight(2)])
    var tapeA = Tape<Double>(sizes: net.sizes, capacity: rows), tapeB = tapeA
    var ga = [Double](repeating: 0, count: net.layout.count), gb = ga
    x.withUnsafeBufferPointer { px in
      labels.withUnsafeBufferPointer { pl in
        let batch = Batch(rows: rows, inputs: px.baseAddress!, labels: pl.baseAddress)
        _ = bp.update(net, batch, loss: .softmaxCrossEntropy, tape: &tapeA, into: &ga)
        _ = dfa.update(net, batch, loss: .softmaxCrossEntropy, tape: &tapeB, into: &gb)
      }
    }
    XCTAssertLessThan(relativeError(gb, ga), 1e-14)
  }

  /// Trains KP for `steps` SGD/momentum/Adam steps and returns ‖W − B‖ per step, with K and B from `net`.
  func kpDistances(_ optimizer: Optimizer, _ decay: WeightDecay, steps: Int) -> [Double] {
    var (net, x, labels) = setUpNet(Double.self, seed: 3)
    var rng = Random(seed: 8)
    var kp = KolenPollack<Double>(feedback: (0..<net.layout.count).map { _ in rng.normal() }, optimizer: optimizer, decay: decay)
    var opt = OptimizerState<Double>(optimizer, count: net.layout.count)
    func distance() -> Double {
      var s = 0.0
      for l in 1...net.layerCount {
        let w = net.weight(l).storage, b = kp.feedbackMatrix(layer: l, of: net)!
        for i in w.indices { s += (w[i] - b[i]) * (w[i] - b[i]) }
      }
      return s.squareRoot()
    }
    var d = [distance()]
    for _ in 0..<steps {
      let g = gradient(&kp, net, x, labels)
      opt.apply(to: &net.parameters, gradient: g, decay: decay)
      kp.afterStep(net)
      d.append(distance())
    }
    return d
  }

  func testKPKeepsWMinusBWithoutDecay() {   // P19
    for opt in [Optimizer.sgd(learningRate: 0.05, momentum: 0), .sgd(learningRate: 0.05, momentum: 0.9), .adam(learningRate: 0.01)] {
      let d = kpDistances(opt, .none, steps: 50)
      XCTAssertEqual(d.last! / d.first!, 1, accuracy: 1e-10, "\(opt)")
    }
  }

  func testKPDecoupledDecayShrinksWMinusBGeometrically() {   // P20 (and the orientation of B's update)
    let lambda = 0.01
    for opt in [Optimizer.sgd(learningRate: 0.05, momentum: 0), .sgd(learningRate: 0.05, momentum: 0.9), .adam(learningRate: 0.01)] {
      let d = kpDistances(opt, .decoupled(lambda), steps: 50)
      XCTAssertEqual(d.last! / d.first!, pow(1 - lambda, 50), accuracy: 1e-10, "\(opt)")
    }
    let grow = kpDistances(.sgd(learningRate: 0.05, momentum: 0), .bioflax(lambda), steps: 50)   // P21
    XCTAssertEqual(grow.last! / grow.first!, pow(1 + lambda, 50), accuracy: 1e-10)
  }

  func testZeroGradientStepUnderEachDecayMode() {   // P23
    for (decay, expected) in [(WeightDecay.bioflax(0.01), 1.01), (.coupled(0.01), 0.999), (.decoupled(0.01), 0.99)] {
      var state = OptimizerState<Double>(.sgd(learningRate: 0.1, momentum: 0), count: 1)
      var w = [1.0]
      state.apply(to: &w, gradient: [0], decay: decay)
      XCTAssertEqual(w[0], expected, accuracy: 1e-15, "\(decay)")
    }
  }

  func testFixedFeedbackIsUntouchedUnlessTheDefectModeIsOn() {   // P18
    let (net, _, _) = setUpNet(Float.self)
    let b = net.parameters.map { $0 * 2 }
    var fa = FeedbackAlignment<Float>(feedback: b, decay: .decoupled(0.1))
    for _ in 0..<5 { fa.afterStep(net) }
    XCTAssertEqual(fa.feedback, b)
    var grown = FeedbackAlignment<Float>(feedback: b, decay: .bioflax(0.1))
    grown.afterStep(net)
    XCTAssertEqual(grown.feedback[3], b[3] * 1.1)
  }

  func testTrainedFeedbackStateSurvivesACheckpointRoundTrip() {
    var kp = KolenPollack<Double>(feedback: [1, 2, 3], optimizer: .adam(learningRate: 0.1))
    kp.optimizer.apply(to: &kp.feedback, gradient: [1, -1, 0.5])
    kp.optimizer.apply(to: &kp.feedback, gradient: [0.2, 0.3, -0.5])
    var restored = KolenPollack<Double>(feedback: [0, 0, 0], optimizer: .adam(learningRate: 0.1))
    restored.restore(kp.state)
    XCTAssertEqual(restored.feedback, kp.feedback)
    XCTAssertEqual(restored.optimizer, kp.optimizer)
    var untouched = restored
    untouched.restore([1, 2])   // wrong size: ignored
    XCTAssertEqual(untouched.feedback, kp.feedback)
  }

  func testBatchedGradientIsTheMeanOfPerExampleGradients() {   // P13
    let (net, x, labels) = setUpNet(Float.self)
    var rng = Random(seed: 6)
    let fb = (0..<net.layout.count).map { _ in Float(rng.normal()) }
    let dfaFeedback: [Matrix<Float>] = (1..<net.layerCount).map { Initializer.lecunTruncatedNormal.matrix(fanIn: sizes[$0], fanOut: sizes.last!, &rng) }
    func check<R: LearningRule<Float>>(_ make: () -> R, _ name: String) {
      var batched = make()
      let whole = gradient(&batched, net, x, labels)
      var sum = [Float](repeating: 0, count: whole.count)
      for r in 0..<rows {
        var rule = make()
        var tape = Tape<Float>(sizes: net.sizes, capacity: 1)
        var g = [Float](repeating: 0, count: whole.count)
        let xr = Array(x[(r * sizes[0])..<((r + 1) * sizes[0])]), lr = [labels[r]]
        xr.withUnsafeBufferPointer { px in lr.withUnsafeBufferPointer { pl in
          _ = rule.update(net, Batch(rows: 1, inputs: px.baseAddress!, labels: pl.baseAddress), loss: .softmaxCrossEntropy, tape: &tape, into: &g)
        } }
        for i in sum.indices { sum[i] += g[i] / Float(rows) }
      }
      XCTAssertLessThan(relativeError(whole, sum), 1e-5, name)
    }
    check({ Backprop<Float>() }, "BP")
    check({ FeedbackAlignment<Float>(feedback: fb) }, "FA")
    check({ KolenPollack<Float>(feedback: fb, optimizer: .sgd(learningRate: 0.1, momentum: 0)) }, "KP")
    check({ DirectFeedbackAlignment<Float>(feedback: dfaFeedback) }, "DFA")
  }

  func testKPStartedAtBEqualToWKeepsThemEqual() {   // P15
    for (optimizer, decay) in [(Optimizer.sgd(learningRate: 0.05, momentum: 0.9), WeightDecay.none), (.adam(learningRate: 0.01), .decoupled(0.01))] {
      var (net, x, labels) = setUpNet(Double.self, seed: 3)
      var kp = KolenPollack<Double>(feedback: net.parameters, optimizer: optimizer, decay: decay)
      var opt = OptimizerState<Double>(optimizer, count: net.layout.count)
      for step in 0..<20 {
        let g = gradient(&kp, net, x, labels)
        opt.apply(to: &net.parameters, gradient: g, decay: decay)
        kp.afterStep(net)
        for l in 1...net.layerCount { XCTAssertEqual(kp.feedbackMatrix(layer: l, of: net)!, net.weight(l).storage, "\(optimizer), step \(step), layer \(l)") }
      }
    }
  }

  func testKPCoupledDecayShrinksWMinusBByOneMinusEtaLambda() {   // P22
    let d = kpDistances(.sgd(learningRate: 0.05, momentum: 0), .coupled(0.01), steps: 50)
    XCTAssertEqual(d.last! / d.first!, pow(1 - 0.05 * 0.01, 50), accuracy: 1e-10)
  }

  func testInitialiserDistributions() {   // P29, P30 (and P31: DFA's B is the same LeCun draw with fan-in n_l)
    var rng = Random(seed: 12)
    func moments(_ m: Matrix<Double>) -> (max: Double, variance: Double) {
      let mean = m.storage.reduce(0, +) / Double(m.count)
      return (m.storage.map { abs($0) }.max()!, m.storage.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(m.count))
    }
    for fanIn in [100, 500] {
      let lecun = moments(Initializer.lecunTruncatedNormal.matrix(fanIn: fanIn, fanOut: 100_000 / fanIn, &rng))
      XCTAssertLessThanOrEqual(lecun.max, 2 / Initializer.truncatedNormalStd / Double(fanIn).squareRoot())
      XCTAssertEqual(lecun.variance * Double(fanIn), 1, accuracy: 0.02, "LeCun, fan-in \(fanIn)")
    }
    let scaled = moments(Initializer.varianceScaling(scale: 2).matrix(fanIn: 200, fanOut: 500, &rng))
    XCTAssertEqual(scaled.variance * 200, 2, accuracy: 0.04)
    let u = Initializer.uniform(scale: 0.3).matrix(fanIn: 200, fanOut: 500, &rng) as Matrix<Double>
    XCTAssertTrue(u.storage.allSatisfy { $0 >= -0.3 && $0 < 0.3 })
    XCTAssertEqual(moments(u).variance, 0.09 / 3, accuracy: 0.02 * 0.03)
  }
}

