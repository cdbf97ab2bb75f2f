import XCTest
import Numerics
@testable import Learning

/// Properties of the invertible networks and GAIT-prop from gait.md §6.
final class GAITPropertyTests: XCTestCase {
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
}
