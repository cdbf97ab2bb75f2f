import XCTest
import Numerics
@testable import Learning

/// Properties of the invertible networks and GAIT-prop from GAIT README
final class GAITPropertyTests: XCTestCase {
  // One BLAS thread, as the suite runs: a second thread spin-waits on a shared 2-core machine (measured 15× slower).
  override class func setUp() { BLASThreads.set(1) }
  func orthogonalNet(widths: [Int], linear: Bool = false, seed: UInt64 = 1) throws -> InvertibleNetwork {
    var rng = Random(seed: seed)
    var net = InvertibleNetwork(widths: widths, linear: linear)
    for l in 1...widths.count { net.setWeight(l, rng.orthogonal(widths[l - 1])) }
    try net.refreshInverses()
    return net
  }
  func batch(_ rows: Int, _ width: Int, seed: UInt64 = 2) -> (Matrix<Double>, [Int32]) {
    var rng = Random(seed: seed)
    return (rng.uniformMatrix(rows: rows, cols: width, 0, 1), (0..<rows).map { _ in Int32(rng.next() % 10) })
  }
  func layer(_ g: [Double], _ net: InvertibleNetwork, _ l: Int) -> [Double] {
    let n = net.widths[l - 1]
    return Array(g[net.weightOffset[l - 1]..<(net.weightOffset[l - 1] + n * n)])
  }

  func testLeakyReLUPiecesAndLayerInversion() throws {   // P1, P2
    let net = try orthogonalNet(widths: [16, 16])
    for a in [-3.7, -1e-9, 0, 2.5] { XCTAssertEqual(net.fInverse(net.f(a)), a, accuracy: 4e-16 * abs(a)) }
    XCTAssertEqual(net.derivative(0), 1)
    let (x, _) = batch(5, 16)
    let h = net.forward(x)
    // g_2(h_2) = h_1: invert layer 2 and compare with the forward activity below it.
    var pre = h[1].map(net.fInverse)
    let b = net.bias(2)
    for r in 0..<5 { for j in 0..<16 { pre[r, j] -= b[j] } }
    XCTAssertLessThan(relativeError(matmul(pre, net.inverses[1]).storage, h[0].storage), 1e-12)
  }

  func testTopLayerIsTheSameForEveryRule() throws {   // P3
    let net = try orthogonalNet(widths: [12, 12, 12])
    let (x, y) = batch(6, 12)
    let bp = net.update(.backprop, x: x, labels: y, orthoLambda: 0).gradient
    for rule in [InvertibleRule.gait(gamma: 1e-3, deviationForm: false), .targetPropagation] {
      XCTAssertEqual(layer(net.update(rule, x: x, labels: y, orthoLambda: 0).gradient, net, 3), layer(bp, net, 3))
    }
  }

  func testLinearGAITWithUnitGammaIsTargetPropagation() throws {   // P4
    var rng = Random(seed: 3)
    var net = InvertibleNetwork(widths: [10, 10, 10, 10], linear: true)
    for l in 1...4 { net.setWeight(l, rng.orthogonal(10) + 0.1 * rng.normalMatrix(rows: 10, cols: 10, std: 1)) }
    try net.refreshInverses()
    let (x, y) = batch(6, 10)
    let gait = net.update(.gait(gamma: 1, deviationForm: false), x: x, labels: y, orthoLambda: 0).gradient
    let tp = net.update(.targetPropagation, x: x, labels: y, orthoLambda: 0).gradient
    XCTAssertLessThan(relativeError(gait, tp), 1e-12)
  }

  func testGAITApproachesBackpropForOrthogonalWeightsAndSmallGamma() throws {   // P7, central claim
    let net = try orthogonalNet(widths: [64, 64, 64])
    let (x, y) = batch(20, 64)
    let bp = net.update(.backprop, x: x, labels: y, orthoLambda: 0).gradient
    for form in [false, true] {
      let gait = net.update(.gait(gamma: 1e-3, deviationForm: form), x: x, labels: y, orthoLambda: 0).gradient
      for l in 1...3 { XCTAssertGreaterThan(cosine(layer(gait, net, l), layer(bp, net, l)), 0.9999, "layer \(l), deviation form \(form)") }
    }
    // Negative control (P6): Gaussian weights leave the lower layers almost unrelated to BP.
    var rng = Random(seed: 9)
    var gaussian = InvertibleNetwork(widths: [64, 64, 64])
    for l in 1...3 { gaussian.setWeight(l, rng.normalMatrix(rows: 64, cols: 64, std: 1 / 8)) }
    try gaussian.refreshInverses()
    let bpG = gaussian.update(.backprop, x: x, labels: y, orthoLambda: 0).gradient
    let gaitG = gaussian.update(.gait(gamma: 1e-3, deviationForm: false), x: x, labels: y, orthoLambda: 0).gradient
    XCTAssertLessThan(abs(cosine(layer(gaitG, gaussian, 1), layer(bpG, gaussian, 1))), 0.5)
  }

  func testRegulariserGradientMatchesFiniteDifferences() {   // P10
    var rng = Random(seed: 4)
    let w: Matrix<Double> = rng.normalMatrix(rows: 6, cols: 6, std: 0.5)
    let analytic = InvertibleNetwork.orthogonalityGradient(w).gradient
    var numeric = Matrix<Double>(rows: 6, cols: 6)
    for i in 0..<36 {
      var p = w, m = w
      p.storage[i] += 1e-6; m.storage[i] -= 1e-6
      numeric.storage[i] = (InvertibleNetwork.orthogonalityGradient(p).value - InvertibleNetwork.orthogonalityGradient(m).value) / 2e-6
    }
    XCTAssertLessThan(relativeError(analytic.storage, numeric.storage), 1e-6)
    // Row norms are free: R(D_r Q) = 0.
    var scaled: Matrix<Double> = rng.orthogonal(6)
    for i in 0..<6 { for j in 0..<6 { scaled[i, j] *= Double(i + 1) } }
    XCTAssertLessThan(InvertibleNetwork.orthogonalityGradient(scaled).value, 1e-20 * pow(scaled.frobeniusNorm, 4))
  }

  /// `--figure ortho`'s two distances from orthogonality: both 0 for orthogonal W; for W = D_r Q, R(W) stays 0 (row
  /// norms are free) while ‖W Wᵀ − I‖_F/√n sees the row norms (the control); R agrees with the regulariser's value.
  func testOrthogonalityDefectsSeparateRowNorms() {
    var rng = Random(seed: 12)
    var net = InvertibleNetwork(widths: [8, 8])
    let q1: Matrix<Double> = rng.orthogonal(8), q2: Matrix<Double> = rng.orthogonal(8)
    net.setWeight(1, q1); net.setWeight(2, q2)
    for d in net.orthogonalityDefects() { XCTAssertLessThan(d.offDiagonal, 1e-28); XCTAssertLessThan(d.full, 1e-14) }
    var scaled = q2
    for i in 0..<8 { for j in 0..<8 { scaled[i, j] *= 1 + 0.1 * Double(i) } }   // D_r = diag(1, 1.1, …, 1.7)
    net.setWeight(2, scaled)
    let d = net.orthogonalityDefects()[1]
    XCTAssertLessThan(d.offDiagonal, 1e-26)
    let expected = ((0..<8).map { pow(pow(1 + 0.1 * Double($0), 2) - 1, 2) }.reduce(0, +)).squareRoot() / 8.0.squareRoot()
    XCTAssertEqual(d.full, expected, accuracy: 1e-12)
    let w: Matrix<Double> = rng.normalMatrix(rows: 8, cols: 8, std: 0.4)
    net.setWeight(1, w)
    XCTAssertEqual(net.orthogonalityDefects()[0].offDiagonal, InvertibleNetwork.orthogonalityGradient(w).value, accuracy: 1e-12)
  }

  func testTowerAuxiliaryUnitsGetNoError() throws {   // P11, P16
    let net = try orthogonalNet(widths: [14, 12, 11, 10])
    let (x, y) = batch(6, 14)
    for rule in [InvertibleRule.backprop, .gait(gamma: 1e-3, deviationForm: false), .targetPropagation] {
      let u = net.update(rule, x: x, labels: y, orthoLambda: 0)
      // Layer 1's output columns 12, 13 are auxiliary: their weight columns and biases get exactly 0.
      let w1 = layer(u.gradient, net, 1)
      for i in 0..<14 { XCTAssertEqual(w1[i * 14 + 12], 0); XCTAssertEqual(w1[i * 14 + 13], 0) }
      XCTAssertEqual(u.gradient[net.biasOffset[0] + 12], 0)
      if !u.targets.isEmpty {   // auxiliary targets equal the forward values, bitwise
        for r in 0..<6 { XCTAssertEqual(u.targets[0][r, 13], u.activities[0][r, 13]) }
      }
    }
  }

  /// GAIT's errors e_l = c_l (h_l − τ_l) of an update (absolute form), l = 1 … L.
  func gaitErrors(_ u: InvertibleUpdate) -> [Matrix<Double>] {
    zip(zip(u.activities, u.targets), u.scales).map { pair, c in Matrix(rows: pair.0.rows, cols: pair.0.cols, storage: zip(pair.0.storage, pair.1.storage).map { c * ($0 - $1) }) }
  }

  func testLinearGAITPropagatesThroughTheInverseAndIsBackpropForOrthogonalWeights() throws {   // P5
    var rng = Random(seed: 13)
    var net = InvertibleNetwork(widths: [10, 10, 10], linear: true)
    for l in 1...3 { net.setWeight(l, rng.orthogonal(10) + 0.1 * rng.normalMatrix(rows: 10, cols: 10, std: 1)) }
    try net.refreshInverses()
    let (x, y) = batch(6, 10)
    // e_{l−1} = e_l W_l⁻¹ for any well-conditioned W, at γ = 1 and 0.1.
    for gamma in [1.0, 0.1] {
      let e = gaitErrors(net.update(.gait(gamma: gamma, deviationForm: false), x: x, labels: y, orthoLambda: 0))
      for l in 2...3 { XCTAssertLessThan(relativeError(e[l - 2].storage, matmul(e[l - 1], net.inverses[l - 1]).storage), 1e-8, "γ = \(gamma), layer \(l)") }
    }
    // Negative control: these weights are not orthogonal, so GAIT is not BP.
    let bpSkewed = net.update(.backprop, x: x, labels: y, orthoLambda: 0).gradient
    XCTAssertGreaterThan(relativeError(net.update(.gait(gamma: 0.1, deviationForm: false), x: x, labels: y, orthoLambda: 0).gradient, bpSkewed), 1e-3)
    // With orthogonal W (W⁻¹ = Wᵀ) GAIT is BP for any γ: absolute form at γ ≥ 0.1, deviation form at any γ.
    for l in 1...3 { net.setWeight(l, rng.orthogonal(10)) }
    try net.refreshInverses()
    let bp = net.update(.backprop, x: x, labels: y, orthoLambda: 0).gradient
    for rule in [InvertibleRule.gait(gamma: 1, deviationForm: false), .gait(gamma: 0.1, deviationForm: false), .gait(gamma: 1e-3, deviationForm: true)] {
      XCTAssertLessThan(relativeError(net.update(rule, x: x, labels: y, orthoLambda: 0).gradient, bp), 1e-8, "\(rule)")
    }
  }

  func testRowScaledWeightsDivideGAITsErrorByTheSquaredRowNorm() throws {   // P8
    var rng = Random(seed: 17)
    var net = InvertibleNetwork(widths: [10, 10], linear: true)
    let d = (0..<10).map { _ in 0.5 + rng.uniform() }                    // row norms in [0.5, 1.5)
    var w2 = rng.orthogonal(10) as Matrix<Double>
    for i in 0..<10 { for j in 0..<10 { w2[i, j] *= d[i] } }            // W_2 = D_r Q: row i (input unit i) scaled by d_i
    net.setWeight(1, rng.orthogonal(10)); net.setWeight(2, w2)
    try net.refreshInverses()
    let (x, y) = batch(6, 10)
    let e = gaitErrors(net.update(.gait(gamma: 0.1, deviationForm: false), x: x, labels: y, orthoLambda: 0))
    let bpBelow = matmul(e[1], w2, transposeB: .transposed)                // BP's δ_1 = e_2 W_2ᵀ (linear: no derivative)
    var scaled = bpBelow
    for r in 0..<6 { for i in 0..<10 { scaled[r, i] /= d[i] * d[i] } }
    XCTAssertLessThan(relativeError(e[0].storage, scaled.storage), 1e-9)
    XCTAssertGreaterThan(relativeError(e[0].storage, bpBelow.storage), 0.05, "negative control: unscaled, they differ")
  }
}

/// Training-time properties of the invertible networks (GAIT README P10–P15) on the workspace the runner uses.
final class GAITTrainingPropertyTests: XCTestCase {
  // One BLAS thread, as the suite runs: a second thread spin-waits on a shared 2-core machine (measured 15× slower).
  override class func setUp() { BLASThreads.set(1) }
  func batch(_ rows: Int, _ width: Int, seed: UInt64 = 3) -> ([Double], [Int32]) {
    var rng = Random(seed: seed)
    return ((0..<(rows * width)).map { _ in rng.uniform() }, (0..<rows).map { _ in Int32(rng.next() % 10) })
  }
  /// k training steps (rule gradient, λ∇R, Adam without bias correction, inverses) on fresh batches.
  func train(_ net: inout InvertibleNetwork, _ rule: InvertibleRule, lambda: Double, steps: Int, lr: Double = 1e-2) throws {
    var ws = InvertibleWorkspace(net, rows: 8)
    var opt = OptimizerState<Double>(.adam(learningRate: lr, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, biasCorrection: false), count: net.parameters.count)
    for k in 0..<steps {
      let (x, y) = batch(8, net.inputWidth, seed: UInt64(10 + k))
      x.withUnsafeBufferPointer { px in y.withUnsafeBufferPointer { ws.ruleGradient(net, rule, x: px.baseAddress!, labels: $0.baseAddress!, rows: 8) } }
      ws.addOrthogonality(net, lambda: lambda)
      opt.apply(to: &net.parameters, gradient: ws.gradient)
      if rule != .backprop { try net.refreshInverses() }
    }
  }

  func testTowerAuxiliaryColumnsAndBiasesNeverMove() throws {   // P11 training invariants
    // A small tower: widths 24 → 16 → 12 → 10, auxiliary units 16…23, 12…15, 10…11 of layers 1–3.
    var custom = InvertibleNetwork(widths: [24, 16, 12, 10])
    var rng = Random(seed: 5)
    for l in 1...4 { custom.setWeight(l, rng.orthogonal(custom.widths[l - 1])) }
    try custom.refreshInverses()
    var bp = custom
    try train(&bp, .backprop, lambda: 0, steps: 5)
    let passed = [16, 12, 10]
    for l in 1...3 {
      let n = custom.widths[l - 1], w0 = custom.weight(l), w = bp.weight(l), b0 = custom.bias(l), b = bp.bias(l)
      for i in 0..<n { for j in passed[l - 1]..<n { XCTAssertEqual(w[i, j], w0[i, j], "BP moved auxiliary column \(j) of W\(l)") } }
      for j in passed[l - 1]..<n { XCTAssertEqual(b[j], b0[j]) }
      XCTAssertNotEqual(w[0, 0], w0[0, 0], "BP must move the passed-up columns")
    }
    for rule in [InvertibleRule.gait(gamma: 1e-3, deviationForm: false), .targetPropagation] {
      var net = custom
      try train(&net, rule, lambda: 0.1, steps: 5)
      for l in 1...3 { for j in passed[l - 1]..<net.widths[l - 1] { XCTAssertEqual(net.bias(l)[j], 0, "\(rule) moved an auxiliary bias") } }
    }
  }

  func testFullWidthAuxiliaryOutputsNeverMoveUnderBackprop() throws {   // P11
    var net = InvertibleNetwork.initial(.fullWidth(hiddenLayers: 2), input: 16, seed: 2, orthoLambda: 0)
    let w0 = net.weight(3), b0 = net.bias(3)
    try train(&net, .backprop, lambda: 0, steps: 4)
    let w = net.weight(3), b = net.bias(3)
    for i in 0..<16 { for j in 10..<16 { XCTAssertEqual(w[i, j], w0[i, j]) } }
    for j in 10..<16 { XCTAssertEqual(b[j], b0[j]) }
  }

  func testInitialisationQuirksAndOrthogonality() {   // P14
    let full = InvertibleNetwork.initial(.fullWidth(hiddenLayers: 3), input: 32, seed: 7, orthoLambda: 0.1)
    XCTAssertEqual(full.weight(4).storage, full.weight(3).storage, "Q2: the output layer reuses the last hidden layer's seed")
    XCTAssertNotEqual(full.weight(2).storage, full.weight(3).storage)
    let distinct = InvertibleNetwork.initial(.fullWidth(hiddenLayers: 3), input: 32, seed: 7, orthoLambda: 0.1, distinctOutput: true)
    XCTAssertNotEqual(distinct.weight(4).storage, distinct.weight(3).storage)
    for l in 1...4 {
      let w = full.weight(l), g = matmul(w, w, transposeB: .transposed)
      XCTAssertLessThanOrEqual((g - Matrix<Double>.identity(32)).storage.map(abs).max()!, 1e-12)
    }
    // BP (λ = 0), GAIT (0.1) and TP (1000) start from the same network; june2020 gives Gaussian to λ ≠ 0 only.
    XCTAssertEqual(InvertibleNetwork.initial(.tower, seed: 1, orthoLambda: 0).parameters,
                   InvertibleNetwork.initial(.tower, seed: 1, orthoLambda: 1000).parameters)
    XCTAssertEqual(InvertibleNetwork.initial(.tower, seed: 1, initialisation: .june2020, orthoLambda: 0).parameters,
                   InvertibleNetwork.initial(.tower, seed: 1, orthoLambda: 0).parameters)
    XCTAssertNotEqual(InvertibleNetwork.initial(.tower, seed: 1, initialisation: .june2020, orthoLambda: 0.1).parameters,
                      InvertibleNetwork.initial(.tower, seed: 1, orthoLambda: 0.1).parameters)
  }

  func testInversesAreFreshAfterEveryUpdate() throws {   // P15
    var net = InvertibleNetwork.initial(.fullWidth(hiddenLayers: 2), input: 24, seed: 3, orthoLambda: 0.1)
    try train(&net, .gait(gamma: 1e-3, deviationForm: false), lambda: 0.1, steps: 3)
    for l in 2...3 {
      let p = matmul(net.weight(l), net.inverses[l - 1])
      XCTAssertLessThanOrEqual((p - Matrix<Double>.identity(24)).storage.map(abs).max()!, 1e-10)
    }
  }

  func testWorkspaceRegulariserEqualsItsDefinition() {   // §2.11: syrk/symm against plain products, both penalties
    var rng = Random(seed: 9)
    var net = InvertibleNetwork(widths: [20, 12])
    net.setWeight(1, rng.normalMatrix(rows: 20, cols: 20, std: 0.3)); net.setWeight(2, rng.normalMatrix(rows: 12, cols: 12, std: 0.3))
    for penalty in OrthogonalityPenalty.allCases {
      var ws = InvertibleWorkspace(net, rows: 1)
      let r = ws.addOrthogonality(net, lambda: 0.7, penalty: penalty)   // gradient starts at 0: it is λ∇R
      var total = 0.0
      for l in 1...2 {
        let (value, grad) = InvertibleNetwork.orthogonalityGradient(net.weight(l), penalty: penalty)
        total += value
        let n = net.widths[l - 1], o = net.weightOffset[l - 1]
        XCTAssertLessThan(relativeError(Array(ws.gradient[o..<(o + n * n)]), (0.7 * grad).storage), 1e-13, "\(penalty) layer \(l)")
      }
      XCTAssertEqual(r, total, accuracy: 1e-12 * total)
    }
  }

  func testAdamWithoutBiasCorrectionOnAConstantGradient() {   // P12
    let g = [0.3, -2.0, 0.0]
    var theta = [1.0, 1.0, 1.0]
    var opt = OptimizerState<Double>(.adam(learningRate: 1e-3, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, biasCorrection: false), count: 3)
    opt.apply(to: &theta, gradient: g)
    for i in 0..<2 { XCTAssertEqual(theta[i], 1 - 1e-3 * 0.1 * g[i] / ((0.01 * g[i] * g[i]).squareRoot() + 1e-8), accuracy: 1e-14) }
    XCTAssertEqual(theta[2], 1, "a parameter whose gradient is 0 never moves")
    for _ in 1..<6 { opt.apply(to: &theta, gradient: g) }
    for i in 0..<2 {
      XCTAssertEqual(opt.first[i], (1 - pow(0.9, 6)) * g[i], accuracy: 1e-14 * abs(g[i]))
      XCTAssertEqual(opt.second[i], (1 - pow(0.99, 6)) * g[i] * g[i], accuracy: 1e-14 * g[i] * g[i])
    }
  }

  func testReadOutUsesOnlyTheFirstTenUnits() {   // P13
    var out = Matrix<Double>(rows: 2, cols: 16)
    out[0, 12] = 5; out[0, 3] = 1; out[0, 7] = 1          // tie 3/7 → 3; unit 12 is ignored
    out[1, 9] = 0.5
    XCTAssertEqual(InvertibleNetwork.predictions(out), [3, 9])
  }

  /// `numpyStream`: each layer's initial weights as the official code draws them, np.random.seed(layer seed) then
  /// scipy's ortho_group.rvs(n). Expected values printed by numpy 2.4.6 and scipy 1.17.1 (`pip install scipy`):
  ///   np.random.seed(1); q = ortho_group.rvs(5); print([float(x) for x in q.flatten()])
  ///   np.random.seed(3); q = ortho_group.rvs(784); print(q[0, :4], q[783, 780:], q.sum())
  func testNumpyStreamReplaysScipyOrthoGroup() {
    let expected5 = [0.4595360705845022, 0.36908148901147825, -0.601189444303899, -0.539344781372361, 0.01684972298866096,
                     -0.6511177196192682, 0.045339014591186944, -0.5104424695361722, 0.06261037231693811, 0.5563438824376992,
                     0.41363822693765284, -0.6447925665909322, 0.07296527696885999, -0.15075514846120294, 0.6205601637667788,
                     -0.31116517605087685, -0.6296339219385405, -0.27043281922906004, -0.4106282776431568, -0.5147697207889718,
                     -0.311371105690077, 0.2225463965970691, 0.547322478975661, -0.7168294433803554, 0.2002867669466609]
    let small = InvertibleNetwork.initial(.fullWidth(hiddenLayers: 1), input: 5, seed: 1, orthoLambda: 0.1, numpyStream: true)
    for (a, b) in zip(small.weight(1).storage, expected5) { XCTAssertEqual(a, b, accuracy: 1e-13) }
    XCTAssertEqual(small.weight(2).storage, small.weight(1).storage, "the output layer reuses the last hidden seed (Q2)")
    let suite = InvertibleNetwork.initial(.fullWidth(hiddenLayers: 1), input: 5, seed: 1, orthoLambda: 0.1)
    XCTAssertGreaterThan(zip(suite.weight(1).storage, expected5).map { abs($0 - $1) }.max()!, 0.01, "negative control: the suite's stream differs")

    let large = InvertibleNetwork.initial(.fullWidth(hiddenLayers: 3), input: 784, seed: 1, orthoLambda: 0.1, numpyStream: true).weight(3)
    for (j, v) in [0.06672237210140941, 0.01603530795297385, 0.008188701617007655, -0.06382732161940444].enumerated() { XCTAssertEqual(large[0, j], v, accuracy: 1e-12) }
    for (j, v) in [0.012714929953040886, -0.037089745642953226, -0.012638500488652159, -0.07015171547197342].enumerated() { XCTAssertEqual(large[783, 780 + j], v, accuracy: 1e-12) }
    XCTAssertEqual(large.storage.reduce(0, +), 40.34326455658489, accuracy: 1e-9)
  }
}
