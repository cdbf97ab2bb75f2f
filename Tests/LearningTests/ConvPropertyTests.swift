import XCTest
import Numerics
@testable import Learning

/// The conv nets' properties (WideAlign README, "Tests"): SAME padding geometry (P1), im2col's adjoint (P2), the
/// forward against a direct convolution kept as the oracle (P3), whole-network gradients against central
/// differences (P4, P6), batch norm's identities (P5), inert hidden biases (P7), the Align rules at the first step
/// (P10), Align-prop as FA (P11), DFA's identity case (P16) and FA's wiring (P17). Double precision.
final class ConvPropertyTests: XCTestCase {
  /// The small net: B = 4, 8×8×2 input, two hidden layers of width 3 with strides (1, 2), C = 3.
  let small = ConvArchitecture(name: "small", inputSize: 8, inputChannels: 2, strides: [1, 2], width: 3, classes: 3)

  func problem(_ a: ConvArchitecture, seed: UInt64 = 1, rows: Int = 4) -> (ConvNetwork<Double>, [Double], [Double]) {
    var rng = Random(seed: seed, stream: "conv-test")
    var net = ConvNetwork<Double>.initial(a, normals: &rng)
    for l in 1...a.hiddenLayers + 1 { for i in a.biasRange(l) { net.parameters[i] = 0.1 * rng.normal() } }
    let x = (0..<rows * a.inputSize * a.inputSize * a.inputChannels).map { _ in rng.uniform() }
    var y = [Double](repeating: -0.1, count: rows * a.classes)
    for b in 0..<rows { y[b * a.classes + b % a.classes] = 0.9 }
    return (net, x, y)
  }

  func testSamePaddingGeometry() {
    XCTAssertEqual(ConvArchitecture.cifar7(width: 8).layer(7).outputSize, 8)
    XCTAssertEqual(ConvArchitecture.cifar7(width: 8).layer(4).outputSize, 16)
    XCTAssertEqual(ConvArchitecture.kmnist3(width: 8).layer(3).outputSize, 7)
    XCTAssertEqual(ConvArchitecture.cifar7at28(width: 8).layer(6).outputSize, 7)
    let stride2 = ConvGeometry(inputSize: 32, inputChannels: 1, stride: 2, outputChannels: 1)
    XCTAssertEqual(stride2.padTop, 0)
    XCTAssertEqual(ConvGeometry(inputSize: 32, inputChannels: 1, stride: 1, outputChannels: 1).padTop, 1)
    // On a 32-wide input, output (0, 0) reads input (0, 0) through tap (0, 0); the last output row reads rows 30
    // and 31 through taps 0 and 1, tap 2 falls on the bottom padding.
    let a = ConvArchitecture(name: "p1", inputSize: 32, inputChannels: 1, strides: [2], width: 1, classes: 1)
    let ws = ConvWorkspace<Double>(a, capacity: 1)
    let x = (0..<1024).map { Double($0 + 1) }
    ws.im2col(stride2, x, images: 0, count: 1)
    XCTAssertEqual(ws.patches[0], 1)
    let lastRow = ws.patches + (15 * 16) * 9
    XCTAssertEqual(lastRow[0], Double(30 * 32 + 1)); XCTAssertEqual(lastRow[3], Double(31 * 32 + 1)); XCTAssertEqual(lastRow[6], 0)
  }

  func testIm2colAdjoint() {
    for s in [1, 2] {
      let g = ConvGeometry(inputSize: 7, inputChannels: 2, stride: s, outputChannels: 3)
      let a = ConvArchitecture(name: "adj", inputSize: 7, inputChannels: 2, strides: [s], width: 3, classes: 2)
      let ws = ConvWorkspace<Double>(a, capacity: 3)
      var rng = Random(seed: 4)
      let x = (0..<3 * g.inputFeatures).map { _ in rng.normal() }
      let y = (0..<3 * g.outputPositions * g.patchWidth).map { _ in rng.normal() }
      ws.im2col(g, x, images: 0, count: 3)
      var lhs = 0.0
      for i in 0..<y.count { lhs += ws.patches[i] * y[i] }
      for i in 0..<y.count { ws.patches[i] = y[i] }
      var back = [Double](repeating: 0, count: x.count)
      back.withUnsafeMutableBufferPointer { ws.col2imAdd(g, into: $0.baseAddress!, images: 0, count: 3) }
      let rhs = zip(x, back).map(*).reduce(0, +)
      XCTAssertLessThan(abs(lhs - rhs) / abs(lhs), 1e-12, "stride \(s)")
    }
  }

  /// A direct convolution with TF 'SAME' padding: the oracle for im2col + GEMM.
  func naiveConvolution(_ x: [Double], _ w: ArraySlice<Double>, _ g: ConvGeometry, kappa: Double, batch: Int) -> [Double] {
    var z = [Double](repeating: 0, count: batch * g.outputFeatures)
    let w = Array(w), o = g.outputSize, c = g.inputChannels, n = g.outputChannels
    for b in 0..<batch { for i in 0..<o { for j in 0..<o { for k in 0..<n {
      var sum = 0.0
      for kh in 0..<3 { for kw in 0..<3 { for ci in 0..<c {
        let ii = i * g.stride + kh - g.padTop, jj = j * g.stride + kw - g.padTop
        if ii >= 0 && ii < g.inputSize && jj >= 0 && jj < g.inputSize {
          sum += x[((b * g.inputSize + ii) * g.inputSize + jj) * c + ci] * w[((kh * 3 + kw) * c + ci) * n + k]
        }
      } } }
      z[((b * o + i) * o + j) * n + k] = kappa * sum
    } } } }
    return z
  }

  func testForwardMatchesDirectConvolutionAndNormalises() {
    let (net, x, _) = problem(small)
    let ws = ConvWorkspace<Double>(small, capacity: 4)
    ws.forward(net, x, rows: 4, into: ws.current)
    var input = x
    for l in 1...2 {
      let g = small.layer(l)
      var z = naiveConvolution(input, net.parameters[small.weightRange(l)], g, kappa: small.kappa(l), batch: 4)
      for r in 0..<4 * g.outputPositions { for k in 0..<3 { z[r * 3 + k] += net.parameters[small.biasRange(l).lowerBound + k] } }
      // BN over the batch: per feature mean 0, variance σ²/(σ² + ε).
      let F = g.outputFeatures
      var expected = z
      for f in 0..<F {
        let col = (0..<4).map { z[$0 * F + f] }, mean = col.reduce(0, +) / 4
        let variance = col.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4
        for b in 0..<4 { expected[b * F + f] = (z[b * F + f] - mean) / (variance + 1e-6).squareRoot() }
      }
      let mine = Array(UnsafeBufferPointer(start: ws.current.normalised[l - 1], count: 4 * F))
      XCTAssertLessThan(relativeError(mine, expected), 1e-12, "layer \(l)")
      input = mine.map { max($0, 0) }
    }
  }

  func loss(_ net: ConvNetwork<Double>, _ x: [Double], _ y: [Double], _ ws: ConvWorkspace<Double>) -> Double {
    ws.forward(net, x, rows: 4, into: ws.current)
    return ws.loss(targets: y)
  }

  func testWholeNetworkGradientMatchesFiniteDifferences() {
    let (net, x, y) = problem(small, seed: 2)
    let ws = ConvWorkspace<Double>(small, capacity: 4)
    ws.gradient(.backprop, net, initial: net, x, y, rows: 4)
    let analytic = ws.gradient
    for l in 1...3 {
      for range in [small.weightRange(l), small.biasRange(l)] {
        let numeric = range.map { i -> Double in
          var plus = net, minus = net
          plus.parameters[i] += 1e-6; minus.parameters[i] -= 1e-6
          return (loss(plus, x, y, ws) - loss(minus, x, y, ws)) / 2e-6
        }
        let mine = range.map { analytic[$0] }
        if l <= 2 && range == small.biasRange(l) {
          // P7: hidden biases are inert, their gradient is 0 up to round-off.
          let wNorm = small.weightRange(l).map { analytic[$0] * analytic[$0] }.reduce(0, +).squareRoot()
          XCTAssertLessThan(mine.map(abs).max()!, 1e-12 * max(1, wNorm), "∇b^\(l)")
        } else {
          XCTAssertLessThan(relativeError(mine, numeric), 1e-6, "layer \(l) \(range)")
        }
      }
    }
  }

  func testBatchNormBackwardIdentities() {
    let (net, x, y) = problem(small, seed: 3)
    let ws = ConvWorkspace<Double>(small, capacity: 4)
    ws.gradient(.backprop, net, initial: net, x, y, rows: 4)
    // After the backward, `signal` holds G_H and `signalZ` G_Z of layer 1. Σ_rows G_Z = 0 exactly; Σ_rows G_Z ⊙ Ĥ is
    // 0 only up to ε: it equals mean(G_H ⊙ Ĥ)·(B − Σ Ĥ²)/s, since Σ Ĥ² = B σ²/(σ² + ε) < B.
    let F = small.layer(1).outputFeatures, h = ws.current.normalised[0], s = ws.current.scale[0]
    var worst = 0.0, scale = 0.0
    for f in 0..<F {
      var s1 = 0.0, s2 = 0.0, m2 = 0.0, squares = 0.0
      for b in 0..<4 {
        let i = b * F + f
        s1 += ws.signalZ[i]; s2 += ws.signalZ[i] * h[i]; m2 += ws.signal[i] * h[i] / 4; squares += h[i] * h[i]
        scale = max(scale, abs(ws.signalZ[i]))
      }
      worst = max(worst, abs(s1), abs(s2 - m2 * (4 - squares) / s[f]))
    }
    XCTAssertLessThan(worst, 1e-12 * max(scale, 1))
  }

  func testInertHiddenBiases() {
    let (net, x, _) = problem(small, seed: 4)
    let ws = ConvWorkspace<Double>(small, capacity: 4)
    ws.forward(net, x, rows: 4, into: ws.current)
    let before = Array(UnsafeBufferPointer(start: ws.current.output, count: 12))
    var shifted = net
    for l in 1...2 { for i in small.biasRange(l) { shifted.parameters[i] += 3 } }
    ws.forward(shifted, x, rows: 4, into: ws.current)
    XCTAssertLessThan(relativeError(Array(UnsafeBufferPointer(start: ws.current.output, count: 12)), before), 1e-10)
  }

  func testAlignRulesEqualBackpropAtTheFirstStep() {
    let (net, x, y) = problem(small, seed: 5)
    let ws = ConvWorkspace<Double>(small, capacity: 4)
    ws.gradient(.backprop, net, initial: net, x, y, rows: 4)
    let bp = ws.gradient
    for rule in [ConvRule.alignZero, .alignAda, .alignProp] {
      ws.gradient(rule, net, initial: net, x, y, rows: 4)
      XCTAssertLessThan(relativeError(ws.gradient, bp), 1e-12, rule.label)
    }
    // Negative control: one step later Align-zero differs from BP at the new parameters.
    var moved = net
    for i in 0..<moved.parameters.count { moved.parameters[i] -= 2 * bp[i] }
    ws.gradient(.backprop, moved, initial: net, x, y, rows: 4)
    let bp2 = ws.gradient
    ws.gradient(.alignZero, moved, initial: net, x, y, rows: 4)
    XCTAssertGreaterThan(relativeError(ws.gradient, bp2), 1e-4)
  }

  /// P11: Align-prop is FA with W(0) as feedback; P17: FA with W(t) as feedback is BP.
  func testAlignPropIsFeedbackAlignmentThroughTheInitialWeights() {
    let (net0, x, y) = problem(small, seed: 6)
    let ws = ConvWorkspace<Double>(small, capacity: 4)
    var net = net0
    for i in 0..<net.parameters.count { net.parameters[i] += 0.05 * Double((i * 7919) % 13 - 6) }
    ws.gradient(.alignProp, net, initial: net0, x, y, rows: 4)
    let prop = ws.gradient
    var fa = net
    fa.feedback = (1...3).flatMap { Array(net0.parameters[small.weightRange($0)]) }
    ws.gradient(.feedbackAlignment, fa, initial: net0, x, y, rows: 4)
    XCTAssertEqual(ws.gradient, prop)
    fa.feedback = (1...3).flatMap { Array(net.parameters[small.weightRange($0)]) }
    ws.gradient(.feedbackAlignment, fa, initial: net0, x, y, rows: 4)
    let faCurrent = ws.gradient
    ws.gradient(.backprop, net, initial: net0, x, y, rows: 4)
    XCTAssertEqual(faCurrent, ws.gradient)
  }

  /// P16: with one hidden layer and D = spread(κ W^{L+1})/(H W), DFA is BP; with a random D it is not.
  func testDirectFeedbackIdentity() {
    let one = ConvArchitecture(name: "one", inputSize: 6, inputChannels: 2, strides: [2], width: 4, classes: 3)
    var (net, x, y) = problem(one, seed: 7)
    let ws = ConvWorkspace<Double>(one, capacity: 4)
    ws.gradient(.backprop, net, initial: net, x, y, rows: 4)
    let bp = ws.gradient
    let g = one.layer(1), readout = Array(net.parameters[one.weightRange(2)])
    net.feedback = []
    for _ in 0..<g.outputPositions { for c in 0..<4 { for k in 0..<3 { net.feedback.append(readout[c * 3 + k] * one.kappa(2) / Double(g.outputPositions)) } } }
    ws.gradient(.directFeedbackAlignment, net, initial: net, x, y, rows: 4)
    XCTAssertLessThan(relativeError(ws.gradient, bp), 1e-12)
    var rng = Random(seed: 8)
    net.feedback = net.feedback.map { _ in rng.normal() }
    ws.gradient(.directFeedbackAlignment, net, initial: net, x, y, rows: 4)
    XCTAssertGreaterThan(relativeError(ws.gradient, bp), 0.1)
  }

  /// P12: Align-zero's pseudo-gradient is J₀ᵀE, the initial network's vector-Jacobian product with the current error,
  /// checked against central differences of ⟨F(θ₀), E⟩.
  func testAlignZeroIsTheInitialJacobianTransposeTimesTheCurrentError() {
    let (net0, x, y) = problem(small, seed: 9)
    var net = net0
    for i in 0..<net.parameters.count { net.parameters[i] += 0.3 * Double((i * 7919) % 11 - 5) / 5 }
    let ws = ConvWorkspace<Double>(small, capacity: 4)
    ws.gradient(.alignZero, net, initial: net0, x, y, rows: 4)
    let pseudo = ws.gradient
    let e = Array(UnsafeBufferPointer(start: ws.errors, count: 12))
    func projected(_ n: ConvNetwork<Double>) -> Double {
      ws.forward(n, x, rows: 4, into: ws.current)
      return (0..<12).map { ws.current.output[$0] * e[$0] }.reduce(0, +)
    }
    var numeric = pseudo
    for i in 0..<net0.parameters.count {
      var plus = net0, minus = net0
      plus.parameters[i] += 1e-6; minus.parameters[i] -= 1e-6
      numeric[i] = (projected(plus) - projected(minus)) / 2e-6
    }
    for l in 1...3 { XCTAssertLessThan(relativeError(Array(pseudo[small.weightRange(l)]), Array(numeric[small.weightRange(l)])), 1e-6, "W^\(l)") }
    // Negative control: BP's gradient at the moved parameters is not J₀ᵀE.
    ws.gradient(.backprop, net, initial: net0, x, y, rows: 4)
    XCTAssertGreaterThan(relativeError(Array(ws.gradient[small.weightRange(1)]), Array(numeric[small.weightRange(1)])), 1e-3)
  }
}

/// P18 (width limit): after 10 full-batch steps at lr 2 on 64 fixed 8×8×1 images (strides 1, 2, 2), the cosine between
/// each Align rule's pseudo-gradient and the true gradient at the rule's own parameters rises with width, and the
/// relative change of the hidden kernels shrinks (at n = 256 below half its n = 16 value). Float, about 20 s.
final class ConvWidthLimitTests: XCTestCase {
  func testAlignRulesApproachBackpropWithWidth() {
    var rng = Random(seed: 11, stream: "width-limit")
    let x = (0..<64 * 64).map { _ in Float(rng.uniform()) }
    var y = [Float](repeating: -0.1, count: 640)
    for b in 0..<64 { y[b * 10 + b % 10] = 0.9 }
    func cosine(_ a: [Float], _ b: [Float]) -> Double {
      let dot = zip(a, b).map { Double($0) * Double($1) }.reduce(0, +)
      return dot / (a.map { Double($0 * $0) }.reduce(0, +) * b.map { Double($0 * $0) }.reduce(0, +)).squareRoot()
    }
    var cosines: [ConvRule: [Double]] = [:], drift: [Double] = []
    for n in [16, 64, 256] {
      let a = ConvArchitecture(name: "p18", inputSize: 8, inputChannels: 1, strides: [1, 2, 2], width: n)
      var stream = NumpyRandom(seed: 99)
      let net0 = ConvNetwork<Float>.initial(a, normals: &stream)
      let ws = ConvWorkspace<Float>(a, capacity: 64)
      for rule in [ConvRule.alignZero, .alignAda, .alignProp] {
        var net = net0
        for _ in 0..<10 {
          ws.gradient(rule, net, initial: net0, x, y, rows: 64)
          net.parameters.withUnsafeMutableBufferPointer { Float.axpy($0.count, -2, ws.gradientBuffer, $0.baseAddress!) }
        }
        ws.gradient(rule, net, initial: net0, x, y, rows: 64)
        let pseudo = ws.gradient
        ws.gradient(.backprop, net, initial: net0, x, y, rows: 64)
        let truth = ws.gradient
        let mean = (1...3).map { l in cosine(Array(pseudo[a.weightRange(l)]), Array(truth[a.weightRange(l)])) }.reduce(0, +) / 3
        cosines[rule, default: []].append(mean)
        if rule == .alignZero {
          let change = (1...3).map { l -> Double in
            let r = a.weightRange(l)
            let d = r.map { Double(net.parameters[$0] - net0.parameters[$0]) }, w = r.map { Double(net0.parameters[$0]) }
            return (d.map { $0 * $0 }.reduce(0, +) / w.map { $0 * $0 }.reduce(0, +)).squareRoot()
          }
          drift.append(change.reduce(0, +) / 3)
        }
      }
    }
    for (rule, c) in cosines {
      XCTAssertTrue(c[0] < c[1] && c[1] < c[2], "\(rule.label): mean hidden-layer cosine to BP not monotone in width: \(c)")
    }
    XCTAssertLessThan(drift[2], drift[0] / 2, "relative weight change at n = 256 vs 16: \(drift)")
  }
}
