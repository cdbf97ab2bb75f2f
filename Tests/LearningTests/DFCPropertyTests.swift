import XCTest
import Numerics
@testable import Learning

/// Properties of DFC from DFC README small Double networks.
final class DFCPropertyTests: XCTestCase {
  // One BLAS thread, as the suite runs: a second thread spin-waits on a shared 2-core machine (measured 15× slower).
  override class func setUp() { BLASThreads.set(1) }
  /// A 15-10-10-5 tanh/tanh/linear net with weight-product feedback (or the given one), one or a few inputs.
  func toy(sizes: [Int] = [15, 10, 10, 5], hidden: Activation = .tanh, feedback: FeedbackInitialisation = .weightProduct,
           seed: UInt64 = 3) -> DFCNetwork<Double> {
    var rng = Random(seed: seed, stream: "dfc-test")
    return DFCNetwork<Double>.initial(sizes: sizes, hidden: hidden, feedbackInit: feedback, rng: &rng)
  }
  func batch(_ rows: Int, _ n0: Int, _ d: Int, seed: UInt64 = 4) -> ([Double], [Double]) {
    var rng = Random(seed: seed, stream: "dfc-test-data")
    return ((0..<(rows * n0)).map { _ in rng.uniform(-1, 1) }, (0..<(rows * d)).map { _ in 3 * rng.normal() })
  }
  /// Sets K = J^b's transpose at the feedforward state of sample 0 (Q = Jᵀ), from a one-row workspace.
  func jacobianTransposeFeedback(_ net: inout DFCNetwork<Double>, _ x: [Double]) {
    let ws = DFCWorkspace(net, capacity: 1)
    x.withUnsafeBufferPointer { ws.forward(net, $0.baseAddress!, rows: 1) }
    ws.computeJacobian(net, at: ws.feedforwardV)
    let j = ws.jacobian(of: 0, width: net.stateWidth)
    for i in 1...net.layerCount {
      net.setFeedbackWeight(i, block(j, net, i))
    }
  }
  /// r_{i−1} of sample b at the feedforward state (r_0 = x).
  func rate(_ ws: DFCWorkspace<Double>, _ net: DFCNetwork<Double>, _ x: [Double], below i: Int, sample b: Int = 0) -> [Double] {
    let m = net.sizes[i - 1]
    return i == 1 ? Array(x[(b * m)..<((b + 1) * m)]) : Array(UnsafeBufferPointer(start: ws.layer(ws.feedforwardR, i - 1) + b * m, count: m))
  }
  /// J_i, layer i's columns of a sample's Jacobian (n_L × n_i).
  func block(_ j: Matrix<Double>, _ net: DFCNetwork<Double>, _ i: Int) -> Matrix<Double> {
    Matrix(rows: net.outputWidth, cols: net.sizes[i], storage: (0..<net.outputWidth).flatMap { a in (0..<net.sizes[i]).map { j[a, net.unitOffset(i) + $0] } })
  }
  func packed(_ ws: DFCWorkspace<Double>, _ base: UnsafeMutablePointer<Double>, _ net: DFCNetwork<Double>) -> [Double] {
    Array(UnsafeBufferPointer(start: base, count: ws.rows * net.stateWidth))
  }

  func testZeroTargetGivesZeroDynamicsAndUpdates() throws {   // P1, P2
    let net = toy(feedback: .xavier)
    let (x, y) = batch(4, 15, 5)
    let ws = DFCWorkspace(net, capacity: 4)
    let s = ControllerSettings(alpha: 0.0015, kp: 1.5, dt: 0.005, steps: 200, tau: 0.2)
    try x.withUnsafeBufferPointer { px in
      ws.forward(net, px.baseAddress!, rows: 4)
      y.withUnsafeBufferPointer { _ = ws.setOutputTarget(net, y: $0.baseAddress!, loss: .meanSquaredError, lambda: 0) }
      var g = [Double](repeating: 1, count: net.parameters.count)
      ws.steadyStateUpdate(net, px.baseAddress!, s, includeNonConverged: true, into: &g)
      XCTAssertEqual(packed(ws, ws.v, net), packed(ws, ws.feedforwardV, net), "λ = 0: the state stays the feedforward state, bitwise")
      XCTAssertTrue(g.allSatisfy { $0 == 0 })
      ws.continuousUpdate(net, px.baseAddress!, s, includeNonConverged: true, into: &g)
      XCTAssertTrue(g.allSatisfy { $0 == 0 })
      try ws.analyticUpdate(net, px.baseAddress!, alpha: s.alpha, into: &g)
      XCTAssertTrue(g.allSatisfy { $0 == 0 })
      // T = 1: no step is taken, so DFC and DFC-SS give 0 for any target (P2).
      y.withUnsafeBufferPointer { _ = ws.setOutputTarget(net, y: $0.baseAddress!, loss: .meanSquaredError, lambda: 0.5) }
      var one = s; one.steps = 1
      ws.steadyStateUpdate(net, px.baseAddress!, one, includeNonConverged: true, into: &g)
      XCTAssertTrue(g.allSatisfy { $0 == 0 })
    }
  }

  func testSimulationConvergesToTheAnalyticSteadyStateLinearlyInLambda() throws {   // P3, P4 (Lemma 1)
    var net = toy()
    let (x, y) = batch(1, 15, 5)
    jacobianTransposeFeedback(&net, x)
    // The spec's 4000 steps suffice for its network; this one's JJᵀ has a small eigenvalue and settles slower.
    let s = ControllerSettings(alpha: 0.0015, kp: 1.5, dt: 0.005, steps: 40_000, tau: 0.2)
    var errors: [Double] = []
    for lambda in [0.01, 0.001] {
      let ws = DFCWorkspace(net, capacity: 1)
      try x.withUnsafeBufferPointer { px in
        ws.forward(net, px.baseAddress!, rows: 1)
        y.withUnsafeBufferPointer { _ = ws.setOutputTarget(net, y: $0.baseAddress!, loss: .meanSquaredError, lambda: lambda) }
        ws.simulate(net, px.baseAddress!, s)
        // P3: e = αu at the steady state.
        let d = net.outputWidth
        var eMinus = 0.0, eNorm = 0.0
        for j in 0..<d { let e = ws.target[j] - ws.outputRates[j]; eMinus += pow(e - s.alpha * ws.u[j], 2); eNorm += e * e }
        XCTAssertLessThanOrEqual(eMinus.squareRoot() / eNorm.squareRoot(), 1e-4, "e − αu at λ = \(lambda)")
        // Δv_sim = V − V^ff at the simulated steady state (the apical part), against Δv_SSA = U_ss K.
        let simulated = zip(packed(ws, ws.v, net), packed(ws, ws.vff, net)).map { $0 - $1 }
        var g = [Double](repeating: 0, count: net.parameters.count)
        try ws.analyticUpdate(net, px.baseAddress!, alpha: s.alpha, into: &g)
        let analytic = packed(ws, ws.deltaV, net)
        errors.append(relativeError(simulated, analytic))
      }
    }
    XCTAssertLessThanOrEqual(errors[0], 1e-2); XCTAssertLessThanOrEqual(errors[1], 1e-3)
    XCTAssertTrue((5...20).contains(errors[0] / errors[1]), "the error shrinks linearly in λ: \(errors)")
  }

  func testSteadyStateControlApproachesThePseudoInverseAsAlphaVanishes() throws {   // P5, P6
    var net = toy()
    let (x, y) = batch(1, 15, 5)
    jacobianTransposeFeedback(&net, x)
    let ws = DFCWorkspace(net, capacity: 1)
    try x.withUnsafeBufferPointer { px in
      ws.forward(net, px.baseAddress!, rows: 1)
      y.withUnsafeBufferPointer { _ = ws.setOutputTarget(net, y: $0.baseAddress!, loss: .meanSquaredError, lambda: 0.01) }
      ws.computeJacobian(net, at: ws.feedforwardV)
      let j = ws.jacobian(of: 0, width: net.stateWidth), d = net.outputWidth
      let delta = (0..<d).map { ws.target[$0] - ws.feedforwardOutput[$0] }
      let pinvDelta = matmul(j, Matrix(rows: d, cols: 1, storage: try LUFactorization(matmul(j, j, transposeB: .transposed)).solve(delta)), transposeA: .transposed).storage
      var angles: [Double] = []
      for alpha in [1e-3, 0.0] {
        var g = [Double](repeating: 0, count: net.parameters.count)
        try ws.analyticUpdate(net, px.baseAddress!, alpha: alpha, into: &g)
        let dv = packed(ws, ws.deltaV, net)
        // Δv_i is stored per layer block; with one row the packed state is the concatenated v.
        angles.append(DFCMetrics.angle(dv, pinvDelta))
        if alpha > 0 {
          // P6: with Q = Jᵀ, Δv = Jᵀ(JJᵀ + αI)⁻¹δ.
          var m = matmul(j, j, transposeB: .transposed)
          for k in 0..<d { m[k, k] += alpha }
          let expected = matmul(j, Matrix(rows: d, cols: 1, storage: try LUFactorization(m).solve(delta)), transposeA: .transposed).storage
          XCTAssertLessThan(relativeError(dv, expected), 1e-12)
        }
      }
      XCTAssertLessThanOrEqual(angles[0], 0.1); XCTAssertLessThanOrEqual(angles[1], 1e-6)
    }
  }

  /// Q8, the efficient controller: err[0] of every sample b is ‖r_L*_b − r_L^-_0‖ (the first sample's feedforward
  /// output); sample 0's own is unchanged, the others' differ, and nothing else of the simulation moves.
  func testEfficientControllerMeasuresTheInitialErrorAgainstTheFirstSample() throws {
    var net = toy()
    let (x, y) = batch(4, 15, 5)
    jacobianTransposeFeedback(&net, x)
    var s = ControllerSettings(alpha: 0.0015, kp: 1.5, dt: 0.005, steps: 200, tau: 0.2)
    func simulate(_ s: ControllerSettings) -> (initial: [Double], final: [Double], v: [Double], expected: [Double]) {
      let ws = DFCWorkspace(net, capacity: 4)
      return x.withUnsafeBufferPointer { px in
        ws.forward(net, px.baseAddress!, rows: 4)
        y.withUnsafeBufferPointer { _ = ws.setOutputTarget(net, y: $0.baseAddress!, loss: .meanSquaredError, lambda: 0.05) }
        // ‖r_L*_b − r_L^-_0‖ from the feedforward output, before the simulation.
        let d = 5, rL = Array(UnsafeBufferPointer(start: ws.feedforwardOutput, count: 4 * d))
        let target = Array(UnsafeBufferPointer(start: ws.target, count: 4 * d))
        let expected = (0..<4).map { b in (0..<d).map { j in pow(target[b * d + j] - rL[j], 2) }.reduce(0, +).squareRoot() }
        ws.simulate(net, px.baseAddress!, s)
        return (Array(UnsafeBufferPointer(start: ws.initialError, count: 4)), Array(UnsafeBufferPointer(start: ws.finalError, count: 4)),
                Array(UnsafeBufferPointer(start: ws.v, count: 4 * net.stateWidth)), expected)
      }
    }
    let perSample = simulate(s)
    s.initialErrorAgainstFirstSample = true
    let quirk = simulate(s)
    for b in 0..<4 { XCTAssertEqual(quirk.initial[b], quirk.expected[b], accuracy: 1e-14 * quirk.expected[b]) }
    XCTAssertEqual(quirk.initial[0], perSample.initial[0])
    for b in 1..<4 { XCTAssertNotEqual(quirk.initial[b], perSample.initial[b], "control: sample \(b)'s own error differs") }
    XCTAssertEqual(quirk.final, perSample.final); XCTAssertEqual(quirk.v, perSample.v)
  }

  func testUnstableFeedbackDivergesAndIsReportedAsSuch() throws {   // P10, the mask (P16)
    var net = toy()
    let (x, y) = batch(1, 15, 5)
    jacobianTransposeFeedback(&net, x)
    // Flip the sign of K: J Kᵀ = −J Jᵀ has eigenvalues well below −α, which violates Condition 3.
    net.feedback = net.feedback.map { -$0 }
    let s = ControllerSettings(alpha: 0.0015, kp: 0, dt: 0.005, steps: 4000, tau: 0.005)
    let ws = DFCWorkspace(net, capacity: 1)
    x.withUnsafeBufferPointer { px in
      ws.forward(net, px.baseAddress!, rows: 1)
      y.withUnsafeBufferPointer { _ = ws.setOutputTarget(net, y: $0.baseAddress!, loss: .meanSquaredError, lambda: 0.05) }
      var g = [Double](repeating: 0, count: net.parameters.count)
      let classes = ws.steadyStateUpdate(net, px.baseAddress!, s, includeNonConverged: false, into: &g)
      XCTAssertGreaterThan(ws.finalError[0], 100 * ws.initialError[0], "error grows by more than 100×")
      XCTAssertNotEqual(classes[0], .converged)
      XCTAssertTrue(g.allSatisfy { $0 == 0 }, "a sample that did not converge contributes exactly 0")
      let lm = ws.lambdaMax(net, at: ws.feedforwardV, alpha: s.alpha, kp: 0, tau: s.tau)
      XCTAssertGreaterThan(lm[0].instantaneous, 0, "A_I^inst = −(JKᵀ + αI) has a positive eigenvalue")
      XCTAssertEqual(lm[0].integral, lm[0].proportionalIntegral, accuracy: 1e-12, "A_PI at k_p = 0 is A_I")
    }
  }

  /// The DFC and DFC-SS updates of 4 samples under settings s (the mask off), and the last step simulated.
  func simulatedUpdates(_ net: DFCNetwork<Double>, _ s: ControllerSettings) -> (dfc: [Double], ss: [Double], dfcLast: Int, ssLast: Int) {
    let (x, y) = batch(4, 15, 5)
    let ws = DFCWorkspace(net, capacity: 4)
    var dfc = [Double](repeating: 0, count: net.parameters.count), ss = dfc, dfcLast = 0, ssLast = 0
    x.withUnsafeBufferPointer { px in
      ws.forward(net, px.baseAddress!, rows: 4)
      y.withUnsafeBufferPointer { _ = ws.setOutputTarget(net, y: $0.baseAddress!, loss: .meanSquaredError, lambda: 0.05) }
      ws.continuousUpdate(net, px.baseAddress!, s, includeNonConverged: true, into: &dfc); dfcLast = ws.lastStep
      ws.steadyStateUpdate(net, px.baseAddress!, s, includeNonConverged: true, into: &ss); ssLast = ws.lastStep
    }
    return (dfc, ss, dfcLast, ssLast)
  }

  func testEarlyExitAndExtrapolationMoveTheUpdatesOnlyAtTheToleranceLevel() {   // P13 and §7.4's options
    let net = toy()
    let s = ControllerSettings(alpha: 0.0015, kp: 1.5, dt: 0.005, steps: 8000, tau: 0.2)
    let exact = simulatedUpdates(net, s)
    XCTAssertEqual(exact.dfcLast, 7999); XCTAssertEqual(exact.ssLast, 7999)
    // DFC → DFC-SS as T grows: the transient's share of the time average shrinks like t_c/T.
    var short = s; short.steps = 2000
    let shortDFC = simulatedUpdates(net, short).dfc
    let farShort = relativeError(shortDFC, exact.ss), farLong = relativeError(exact.dfc, exact.ss)
    XCTAssertLessThan(farLong, 0.05, "DFC at T = 8000 is close to DFC-SS")
    XCTAssertLessThan(farLong, farShort / 2.5, "and closer than at T = 2000: \(farShort) → \(farLong)")

    // A tight tolerance exits long before T; the extrapolated DFC matches the full simulation to 1e-6 (P13).
    var tight = s; tight.earlyExit = EarlyExit(tolerance: 1e-10, extrapolate: true)
    let early = simulatedUpdates(net, tight)
    XCTAssertLessThan(early.ssLast, 6000, "the state settles well before T")
    XCTAssertEqual(early.dfcLast, early.ssLast)
    XCTAssertLessThanOrEqual(relativeError(early.ss, exact.ss), 1e-5, "the remaining drift of the slowest mode")
    XCTAssertLessThanOrEqual(relativeError(early.dfc, exact.dfc), 1e-6, "the extrapolated time average")

    // Negative controls. Without extrapolation DFC ignores the exit (a truncated sum would be biased): bitwise exact.
    var plain = tight; plain.earlyExit!.extrapolate = false
    let noExtrapolation = simulatedUpdates(net, plain)
    XCTAssertEqual(noExtrapolation.dfc, exact.dfc); XCTAssertEqual(noExtrapolation.dfcLast, 7999)
    XCTAssertEqual(noExtrapolation.ss, early.ss)
    // A loose tolerance exits sooner and moves the numbers more, at its own level.
    var loose = s; loose.earlyExit = EarlyExit(tolerance: 1e-3, extrapolate: true)
    let coarse = simulatedUpdates(net, loose)
    XCTAssertLessThan(coarse.ssLast, early.ssLast)
    XCTAssertGreaterThan(relativeError(coarse.ss, exact.ss), relativeError(early.ss, exact.ss))
    XCTAssertLessThanOrEqual(relativeError(coarse.ss, exact.ss), 0.1)
    print("P13: t_c \(early.ssLast) (tol 1e-10), \(coarse.ssLast) (tol 1e-3); DFC–SS \(farShort) at T 2000, \(farLong) at T 8000; "
          + "SS moved \(relativeError(early.ss, exact.ss)), \(relativeError(coarse.ss, exact.ss)); DFC moved \(relativeError(early.dfc, exact.dfc)), \(relativeError(coarse.dfc, exact.dfc))")
  }

  /// u and the DFC-SSA update of `rows` samples by LU and by GMRES, and GMRES's iteration count.
  func ssaBySolvers(_ net: DFCNetwork<Double>, rows: Int, alpha: Double) throws -> (lu: [Double], krylov: [Double], gLU: [Double], gKrylov: [Double], iterations: Int) {
    let (x, y) = batch(rows, net.inputWidth, net.outputWidth)
    let ws = DFCWorkspace(net, capacity: rows)
    var gLU = [Double](repeating: 0, count: net.parameters.count), gKrylov = gLU
    var lu: [Double] = [], krylov: [Double] = [], iterations = 0
    try x.withUnsafeBufferPointer { px in
      ws.forward(net, px.baseAddress!, rows: rows)
      y.withUnsafeBufferPointer { _ = ws.setOutputTarget(net, y: $0.baseAddress!, loss: .meanSquaredError, lambda: 0.1) }
      try ws.analyticUpdate(net, px.baseAddress!, alpha: alpha, solver: .lu, into: &gLU)
      lu = Array(UnsafeBufferPointer(start: ws.u, count: rows * net.outputWidth))
      try ws.analyticUpdate(net, px.baseAddress!, alpha: alpha, solver: .krylov, into: &gKrylov)
      krylov = Array(UnsafeBufferPointer(start: ws.u, count: rows * net.outputWidth))
      iterations = try ws.solveSteadyStateControlKrylov(net, alpha: alpha, delta: ws.error)
    }
    return (lu, krylov, gLU, gKrylov, iterations)
  }

  func testKrylovSolverMatchesTheLUSolve() throws {   // §7.4 --ssa-solver krylov
    // The classification net with trained-like (Xavier) feedback, and the autoencoder's shape with the weight product.
    let small = try ssaBySolvers(toy(feedback: .xavier), rows: 6, alpha: 0.0015)
    XCTAssertLessThanOrEqual(relativeError(small.krylov, small.lu), 1e-9)
    XCTAssertLessThanOrEqual(relativeError(small.gKrylov, small.gLU), 1e-9)
    var rng = Random(seed: 5, stream: "dfc-test")
    let ae = DFCNetwork<Double>.initial(sizes: [784, 256, 32, 256, 784], hidden: .tanh, hiddenPerLayer: [.tanh, .linear, .tanh],
                                        feedbackInit: .weightProduct, rng: &rng)
    let auto = try ssaBySolvers(ae, rows: 3, alpha: 0.001)
    XCTAssertLessThanOrEqual(relativeError(auto.krylov, auto.lu), 1e-8)
    XCTAssertLessThanOrEqual(relativeError(auto.gKrylov, auto.gLU), 1e-8)
    XCTAssertLessThan(auto.iterations, 784, "the preconditioned system converges in fewer products than its size")
    print("krylov: \(small.iterations) products (n_L 5), \(auto.iterations) (autoencoder, n_L 784); u errors \(relativeError(small.krylov, small.lu)), \(relativeError(auto.krylov, auto.lu))")
    // Negative control: a budget too small to converge is an error, never a silent approximate answer.
    let net = toy(feedback: .xavier)
    let (x, y) = batch(2, 15, 5)
    let ws = DFCWorkspace(net, capacity: 2)
    try x.withUnsafeBufferPointer { px in
      ws.forward(net, px.baseAddress!, rows: 2)
      y.withUnsafeBufferPointer { _ = ws.setOutputTarget(net, y: $0.baseAddress!, loss: .meanSquaredError, lambda: 0.1) }
      for k in 0..<10 { ws.error[k] = ws.target[k] - ws.feedforwardOutput[k] }
      XCTAssertThrowsError(try ws.solveSteadyStateControlKrylov(net, alpha: 0.0015, delta: ws.error, restart: 1, maxIterations: 2))
    }
  }

  func testJacobianMatchesFiniteDifferences() {   // P17
    for hidden in [Activation.tanh, .linear] {
      let net = toy(hidden: hidden)
      let (x, _) = batch(1, 15, 5)
      let ws = DFCWorkspace(net, capacity: 1)
      x.withUnsafeBufferPointer { ws.forward(net, $0.baseAddress!, rows: 1) }
      ws.computeJacobian(net, at: ws.feedforwardV)
      let j = ws.jacobian(of: 0, width: net.stateWidth)
      /// r_L when every layer's pre-activation v_i is shifted by δ_i (the shift propagating to the layers above).
      func output(_ delta: [Double]) -> [Double] {
        var r = x
        for i in 1...net.layerCount {
          let w = net.weight(i), b = net.bias(i), o = net.unitOffset(i)
          r = (0..<net.sizes[i]).map { c in net.activations[i - 1].value((0..<net.sizes[i - 1]).reduce(b[c]) { $0 + r[$1] * w[$1, c] } + delta[o + c]) }
        }
        return r
      }
      var worst = 0.0
      for k in 0..<net.stateWidth {
        var plus = [Double](repeating: 0, count: net.stateWidth), minus = plus
        plus[k] = 1e-6; minus[k] = -1e-6
        let fd = zip(output(plus), output(minus)).map { ($0 - $1) / 2e-6 }
        for a in 0..<net.outputWidth { worst = max(worst, abs(fd[a] - j[a, k])) }
      }
      XCTAssertLessThan(worst, 1e-7, "\(hidden)")
    }
  }

  func testWeightProductFeedbackIsTheJacobianOfALinearNet() {   // P11
    let net = toy(hidden: .linear)
    let (x, _) = batch(2, 15, 5)
    let ws = DFCWorkspace(net, capacity: 2)
    x.withUnsafeBufferPointer { ws.forward(net, $0.baseAddress!, rows: 2) }
    ws.computeJacobian(net, at: ws.feedforwardV)
    XCTAssertEqual(ws.feedbackMeasures(net, gamma: 0).conditionTwo, 1, accuracy: 1e-12)
    let j = ws.jacobian(of: 1, width: net.stateWidth)
    var k = [Double]()
    for a in 0..<net.outputWidth { for i in 1...net.layerCount { k += (0..<net.sizes[i]).map { net.feedbackWeight(i)[a, $0] } } }
    XCTAssertLessThan(relativeError(k, j.storage), 1e-12)
  }

  func testDFAWithWeightProductFeedbackIsScaledBackpropOnALinearNet() {   // P12
    let net = toy(hidden: .linear)
    let (x, y) = batch(6, 15, 5)
    let ws = DFCWorkspace(net, capacity: 6)
    x.withUnsafeBufferPointer { px in
      ws.forward(net, px.baseAddress!, rows: 6)
      y.withUnsafeBufferPointer { _ = ws.setOutputTarget(net, y: $0.baseAddress!, loss: .meanSquaredError, lambda: 0.05) }
      var dfa = [Double](repeating: 0, count: net.parameters.count), bp = dfa
      ws.directFeedbackAlignmentUpdate(net, px.baseAddress!, lambda: 0.05, into: &dfa)
      ws.backpropGradient(net, px.baseAddress!, into: &bp)
      XCTAssertLessThan(relativeError(dfa, bp.map { 2 * 0.05 / 6 * $0 }), 1e-10)
    }
  }

  func testAntiHebbianFeedbackLearningRaisesConditionTwo() throws {   // P14 (short), and its sign regression
    func conditionTwo(after epochs: Int, sign: Double) throws -> (Double, Double) {
      var net = toy(sizes: [20, 10, 5], hidden: .linear, feedback: .xavier, seed: 5)
      var rng = Random(seed: 6, stream: "dfc-test-inputs")
      let x = (0..<(640 * 20)).map { _ in rng.uniform(-1, 1) }
      var c = ControllerSettings(alpha: 0.5, kp: 0, dt: 0.001, steps: 300, tau: 0.005, tauApical: 0.3)
      c.sigma = 0.01; c.sigmaOutput = 0.01
      let settings = FeedbackLearningSettings(controller: c)
      var opt = OptimizerState<Double>(.sgd(learningRate: 0.1, momentum: 0), count: net.feedback.count)
      var noise = GaussianNoise(seed: 7)
      let ws = DFCWorkspace(net, capacity: 128)
      func measure() -> (Double, Double) {
        x.withUnsafeBufferPointer { ws.forward(net, $0.baseAddress!, rows: 128) }
        ws.computeJacobian(net, at: ws.feedforwardV)
        let m = ws.feedbackMeasures(net, gamma: 5)
        return (m.conditionTwo, m.jacobianTransposeAngle)
      }
      let before = measure()
      var gk = [Double](repeating: 0, count: net.feedback.count)
      for _ in 0..<epochs {
        for b in 0..<5 {
          x.withUnsafeBufferPointer { px in
            gk.withUnsafeMutableBufferPointer { g in
              _ = ws.feedbackGradient(net, px.baseAddress! + b * 128 * 20, rows: 128, settings, into: g.baseAddress!) { _, _, out, n in noise.fill(out, n) }
            }
          }
          opt.apply(to: &net.feedback, gradient: gk.map { sign * $0 }, decay: .coupled(0.01))
        }
      }
      let after = measure()
      return (after.0 - before.0, after.1)
    }
    let (gain, _) = try conditionTwo(after: 20, sign: 1)
    XCTAssertGreaterThan(gain, 0.05, "the anti-Hebbian rule raises Condition 2")
    let (_, flippedAngle) = try conditionTwo(after: 20, sign: -1)
    XCTAssertGreaterThan(flippedAngle, 90, "with the sign flipped, Q turns away from Jᵀ")
  }

  /// J_θ^b (d × P) of sample b, written out entry by entry: v_i = r_{i−1}W_i + b_i (W_i stored n_{i−1} × n_i), so
  /// ∂r_L/∂W_i[k, j] = J_i^b[:, j] r_{i−1}[k] and ∂r_L/∂b_i[j] = J_i^b[:, j]. Needs `computeJacobian`.
  func parameterJacobian(_ ws: DFCWorkspace<Double>, _ net: DFCNetwork<Double>, _ x: [Double], sample b: Int) -> Matrix<Double> {
    let d = net.outputWidth, j = ws.jacobian(of: b, width: net.stateWidth)
    var jt = Matrix<Double>(rows: d, cols: net.parameters.count)
    for i in 1...net.layerCount {
      let m = net.sizes[i - 1], n = net.sizes[i]
      let r = rate(ws, net, x, below: i, sample: b)
      for a in 0..<d {
        for c in 0..<n {
          let jac = j[a, net.unitOffset(i) + c]
          for k in 0..<m { jt[a, net.weightOffset[i - 1] + k * n + c] = jac * r[k] }
          jt[a, net.biasOffset[i - 1] + c] = jac
        }
      }
    }
    return jt
  }

  func testGaussNewtonFromLayerJacobiansEqualsTheExplicitParameterJacobian() throws {   // P7 (Theorem 2's identity), P19
    let net = toy(), rows = 3
    let (x, y) = batch(rows, 15, 5)
    let ws = DFCWorkspace(net, capacity: rows), probe = DFCWorkspace(net, capacity: rows)
    let d = net.outputWidth, P = net.parameters.count
    try x.withUnsafeBufferPointer { px in
      ws.forward(net, px.baseAddress!, rows: rows)
      y.withUnsafeBufferPointer { _ = ws.setOutputTarget(net, y: $0.baseAddress!, loss: .meanSquaredError, lambda: 0.01) }
      ws.computeJacobian(net, at: ws.feedforwardV)
      let jt = (0..<rows).map { parameterJacobian(ws, net, x, sample: $0) }
      // The explicit J_θ is the network's own: central differences of r_L in every parameter (h = 1e-6).
      var worst = 0.0
      for q in 0..<P {
        var plus = net, minus = net
        plus.parameters[q] += 1e-6; minus.parameters[q] -= 1e-6
        probe.forward(plus, px.baseAddress!, rows: rows); let up = Array(UnsafeBufferPointer(start: probe.feedforwardOutput, count: rows * d))
        probe.forward(minus, px.baseAddress!, rows: rows); let down = Array(UnsafeBufferPointer(start: probe.feedforwardOutput, count: rows * d))
        for b in 0..<rows { for a in 0..<d { worst = max(worst, abs((up[b * d + a] - down[b * d + a]) / 2e-6 - jt[b][a, q])) } }
      }
      XCTAssertLessThan(worst, 1e-7, "J_θ against finite differences")
      // Theorem 2: J_θJ_θᵀ = Σ_i (‖r_{i−1}‖² + 1) J_iJ_iᵀ, per sample; without the bias's "+ 1" it does not hold.
      for b in 0..<rows {
        let j = ws.jacobian(of: b, width: net.stateWidth)
        var structured = Matrix<Double>(rows: d, cols: d), weightsOnly = structured
        for i in 1...net.layerCount {
          let ji = block(j, net, i), r = rate(ws, net, x, below: i, sample: b)
          let norm2 = r.reduce(0) { $0 + $1 * $1 }, jj = matmul(ji, ji, transposeB: .transposed)
          structured = structured + (norm2 + 1) * jj; weightsOnly = weightsOnly + norm2 * jj
        }
        let explicit = matmul(jt[b], jt[b], transposeB: .transposed)
        XCTAssertLessThan(relativeError(structured.storage, explicit.storage), 1e-12)
        XCTAssertGreaterThan(relativeError(weightsOnly.storage, explicit.storage), 1e-3, "negative control: the bias term matters")
      }
      // P19: the structured GN update (`gaussNewtonReference`) equals (1/B) Σ_b J_θᵀ(J_θJ_θᵀ + γI)⁻¹ g_b from the explicit J_θ.
      for gamma in [0.0, 0.1] {
        var structured = [Double](repeating: 0, count: P)
        ws.gaussNewtonReference(net, px.baseAddress!, gamma: gamma, into: &structured)
        var explicit = [Double](repeating: 0, count: P)
        for b in 0..<rows {
          var gram = matmul(jt[b], jt[b], transposeB: .transposed)
          for k in 0..<d { gram[k, k] += gamma }
          let c = try LUFactorization(gram).solve(Array(UnsafeBufferPointer(start: ws.lossGradient + b * d, count: d)))
          let step = matmul(jt[b], Matrix(rows: d, cols: 1, storage: c), transposeA: .transposed).storage
          for q in 0..<P { explicit[q] += step[q] / Double(rows) }
        }
        XCTAssertLessThan(relativeError(structured, explicit), 1e-10, "γ = \(gamma)")
      }
    }
  }

  func testMinimumNormTargetIsTheSmallestExactCorrection() throws {   // P8 (Theorem 3)
    let net = toy()
    let (x, y) = batch(1, 15, 5)
    let ws = DFCWorkspace(net, capacity: 1)
    let d = net.outputWidth, N = net.stateWidth, L = net.layerCount
    try x.withUnsafeBufferPointer { px in
      ws.forward(net, px.baseAddress!, rows: 1)
      y.withUnsafeBufferPointer { _ = ws.setOutputTarget(net, y: $0.baseAddress!, loss: .meanSquaredError, lambda: 0.01) }
      ws.computeJacobian(net, at: ws.feedforwardV)
      var g = [Double](repeating: 0, count: net.parameters.count)
      ws.minimumNormReference(net, px.baseAddress!, gamma: 0, into: &g)
      let dv = packed(ws, ws.deltaV, net), j = ws.jacobian(of: 0, width: N)
      let grad = Array(UnsafeBufferPointer(start: ws.lossGradient, count: d))
      let rates = (1...L).map { rate(ws, net, x, below: $0) }, blocks = (1...L).map { block(j, net, $0) }
      /// Σ_i J_i ΔW_i r_{i−1} (ΔW_i as r_{i−1}-rows × n_i, so ΔW_i r_{i−1} reads r_{i−1}ᵀΔW_i) and Σ_i ‖r_{i−1}‖²‖ΔW_i‖².
      func apply(_ dw: [Matrix<Double>]) -> (output: [Double], cost: Double) {
        var out = [Double](repeating: 0, count: d), cost = 0.0
        for i in 0..<L {
          let v = matmul(Matrix(rows: 1, cols: rates[i].count, storage: rates[i]), dw[i]).storage
          let jv = matmul(blocks[i], Matrix(rows: v.count, cols: 1, storage: v)).storage
          for a in 0..<d { out[a] += jv[a] }
          cost += rates[i].reduce(0) { $0 + $1 * $1 } * dw[i].storage.reduce(0) { $0 + $1 * $1 }
        }
        return (out, cost)
      }
      /// The rank-one weights that carry Δv: ΔW_i = r_{i−1} Δv_iᵀ/‖r_{i−1}‖².
      func rankOne(_ v: [Double]) -> [Matrix<Double>] {
        (1...L).map { i in
          let r = rates[i - 1], n2 = r.reduce(0) { $0 + $1 * $1 }, o = net.unitOffset(i)
          return Matrix(rows: r.count, cols: net.sizes[i], storage: r.flatMap { rk in (0..<net.sizes[i]).map { rk * v[o + $0] / n2 } })
        }
      }
      let mn = apply(rankOne(dv))
      XCTAssertLessThan(relativeError(mn.output, grad), 1e-12, "Σ_i J_i ΔW_i r_{i−1} = δ")
      // Random feasible alternatives (any ΔW, corrected onto the constraint through the same J^†) cost more.
      let jjt = try LUFactorization(matmul(j, j, transposeB: .transposed))
      var rng = Random(seed: 9, stream: "dfc-p8")
      for _ in 0..<20 {
        var dw = (1...L).map { i in rng.normalMatrix(rows: net.sizes[i - 1], cols: net.sizes[i], std: 0.01) as Matrix<Double> }
        let residual = zip(grad, apply(dw).output).map { $0 - $1 }
        let fix = rankOne(matmul(j, Matrix(rows: d, cols: 1, storage: jjt.solve(residual)), transposeA: .transposed).storage)
        for i in 0..<L { dw[i] = dw[i] + fix[i] }
        let alternative = apply(dw)
        XCTAssertLessThan(relativeError(alternative.output, grad), 1e-9, "the alternative is feasible")
        XCTAssertGreaterThan(alternative.cost, mn.cost * (1 + 1e-9))
      }
    }
  }

  func testSteadyStateUpdateDescendsTheLossAtRateEtaOverLambda() throws {   // P9 (Proposition 4)
    let net = toy()
    let (x, y) = batch(1, 15, 5)
    let ws = DFCWorkspace(net, capacity: 1)
    let lambda = 0.01, eta = 0.3, L = net.layerCount, d = net.outputWidth
    try x.withUnsafeBufferPointer { px in
      ws.forward(net, px.baseAddress!, rows: 1)
      y.withUnsafeBufferPointer { _ = ws.setOutputTarget(net, y: $0.baseAddress!, loss: .meanSquaredError, lambda: lambda) }
      var grad = [Double](repeating: 0, count: net.parameters.count)
      ws.backpropGradient(net, px.baseAddress!, into: &grad)
      let delta = (0..<d).map { ws.target[$0] - ws.feedforwardOutput[$0] }
      let expected = eta / lambda * delta.reduce(0) { $0 + $1 * $1 }
      /// Σ_i ⟨η_i Δv_i r_{i−1}ᵀ, −∇_{W_i}L⟩ with η_i = η/‖r_{i−1}‖² and Δv the SSA's at damping α.
      func descent(alpha: Double) throws -> Double {
        var g = [Double](repeating: 0, count: net.parameters.count)
        try ws.analyticUpdate(net, px.baseAddress!, alpha: alpha, into: &g)
        let dv = packed(ws, ws.deltaV, net)
        var total = 0.0
        for i in 1...L {
          let m = net.sizes[i - 1], n = net.sizes[i], o = net.unitOffset(i)
          let r = rate(ws, net, x, below: i)
          let etaI = eta / r.reduce(0) { $0 + $1 * $1 }
          for k in 0..<m { for c in 0..<n { total += etaI * r[k] * dv[o + c] * -grad[net.weightOffset[i - 1] + k * n + c] } }
        }
        return total
      }
      XCTAssertEqual(try descent(alpha: 0), expected, accuracy: 1e-10 * expected)
      XCTAssertGreaterThan(abs(try descent(alpha: 0.5) - expected), 1e-3 * expected, "negative control: with α > 0, JΔv ≠ δ")
    }
  }

  func testConditionTwoAnglesAndConditionOneOnKnownCases() throws {   // P20
    // Angles: θ(A, A) = 0, θ(A, −A) = 180°, symmetric.
    var rng = Random(seed: 11, stream: "dfc-p20")
    let a = (0..<40).map { _ in rng.normal() }, b = (0..<40).map { _ in rng.normal() }
    XCTAssertEqual(DFCMetrics.angle(a, a), 0)
    XCTAssertEqual(DFCMetrics.angle(a, a.map { -$0 }), 180, accuracy: 1e-12)
    XCTAssertEqual(DFCMetrics.angle(a, b), DFCMetrics.angle(b, a))
    // Condition 2: ‖P Kᵀ‖/‖K‖ = 1 for K = (JᵀM)ᵀ (Kᵀ in the row space of J), < 1 for a random K.
    var net = toy(feedback: .xavier)
    let (x, _) = batch(1, 15, 5)
    let ws = DFCWorkspace(net, capacity: 1)
    x.withUnsafeBufferPointer { ws.forward(net, $0.baseAddress!, rows: 1) }
    ws.computeJacobian(net, at: ws.feedforwardV)
    XCTAssertLessThan(ws.feedbackMeasures(net, gamma: 1).conditionTwo, 0.9, "random K")
    let j = ws.jacobian(of: 0, width: net.stateWidth), d = net.outputWidth
    let m: Matrix<Double> = rng.normalMatrix(rows: d, cols: d)
    let k = matmul(m, j, transposeA: .transposed)                       // K = MᵀJ, so Kᵀ = JᵀM
    for i in 1...net.layerCount {
      net.setFeedbackWeight(i, Matrix(rows: d, cols: net.sizes[i], storage: (0..<d).flatMap { r in (0..<net.sizes[i]).map { k[r, net.unitOffset(i) + $0] } }))
    }
    XCTAssertEqual(ws.feedbackMeasures(net, gamma: 1).conditionTwo, 1, accuracy: 1e-12)
    // Condition 1 (dev_r) by hand: a linear 3-3-3-2 net whose r_0, r_1, r_2 have norms 1, 2, 3 gives
    // m = 2 and dev_r = sqrt(((1 − 2)² + 0 + (3 − 2)²)/3/2) = sqrt(1/3).
    var linear = toy(sizes: [3, 3, 3, 2], hidden: .linear, feedback: .xavier)
    linear.setWeight(1, 2 * Matrix<Double>.identity(3)); linear.setBias(1, [0, 0, 0])
    linear.setWeight(2, 1.5 * Matrix<Double>.identity(3)); linear.setBias(2, [0, 0, 0])
    let unit = [0.6, 0.0, 0.8]
    let lws = DFCWorkspace(linear, capacity: 1)
    let dev = unit.withUnsafeBufferPointer { p in lws.forward(linear, p.baseAddress!, rows: 1); return lws.conditionOne(linear, p.baseAddress!) }
    XCTAssertEqual(dev[0], (1.0 / 3).squareRoot(), accuracy: 1e-14)
  }

  func testLateRateOfTheSimulationIsTheLargestEigenvalueOfAPI() throws {   // P18
    let net = toy(hidden: .linear)                     // linear: the dynamics are exactly the linearised ones
    let (x, y) = batch(1, 15, 5)
    let ws = DFCWorkspace(net, capacity: 1)
    let n = net.stateWidth, d = net.outputWidth
    // Fig. 3's α and τ at dt 1e-3: with k_p = 1.5 A_PI is stable, with k_p = 0 (integral control alone) it is not.
    for kp in [0.0, 1.5] {
      let s = ControllerSettings(alpha: 0.0015, kp: kp, dt: 1e-3, steps: 24_001, tau: 0.2)
      x.withUnsafeBufferPointer { px in
        ws.forward(net, px.baseAddress!, rows: 1)
        y.withUnsafeBufferPointer { _ = ws.setOutputTarget(net, y: $0.baseAddress!, loss: .meanSquaredError, lambda: 0.01) }
        let lambda = ws.lambdaMax(net, at: ws.feedforwardV, alpha: s.alpha, kp: kp, tau: s.resolvedTau)[0].proportionalIntegral
        // z = [V; U_int]. Late on, z(t) − z_ss is the slowest (or fastest-growing) mode, e^{λt}, and so is the change
        // z(t + Δ) − z(t): the slope of its log over t ∈ [12, 24] is the measured rate, whether z settles or not.
        func state() -> [Double] { Array(UnsafeBufferPointer(start: ws.v, count: n)) + Array(UnsafeBufferPointer(start: ws.uIntegral, count: d)) }
        var previous: [Double] = [], points: [(Double, Double)] = []
        _ = ws.simulate(net, px.baseAddress!, s, observe: { t in
          guard t >= 12_000 && t % 200 == 0 else { return }
          let z = state()
          if !previous.isEmpty { points.append((Double(t) * s.dt, Double.log(zip(z, previous).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()))) }
          previous = z
        })
        let mt = points.map(\.0).reduce(0, +) / Double(points.count), ml = points.map(\.1).reduce(0, +) / Double(points.count)
        let rate = points.reduce(0) { $0 + ($1.0 - mt) * ($1.1 - ml) } / points.reduce(0) { $0 + ($1.0 - mt) * ($1.0 - mt) }
        XCTAssertTrue(kp == 0 ? lambda > 0.05 : lambda < -0.05, "k_p = \(kp): λ_max(A_PI) = \(lambda)")
        XCTAssertEqual(rate, lambda, accuracy: 0.05 * abs(lambda), "k_p = \(kp): measured rate \(rate), λ_max(A_PI) \(lambda)")
      }
    }
  }
}
