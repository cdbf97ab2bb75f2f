import XCTest
import Numerics
@testable import Learning

/// biotorch's LeNet and rules (Bioflax README §2.9 and "Table 4"): the conv, ReLU and max-pool layers against naive
/// oracles and finite differences, and each rule's defining property with a negative control.
final class LeNetTests: XCTestCase {
  /// A small LeNet of the same kinds of layers: 8×8×2 → conv 3@3×3, ReLU, pool (3×3×3) → conv 4@2×2, ReLU (2×2×4) →
  /// conv 5@2×2, ReLU (1×1×5) → Linear 3.
  let small = LeNetArchitecture(name: "small", layers: [
    LeNetLayer(inputSize: 8, inputChannels: 2, outputChannels: 3, kernel: 3, pool: true),
    LeNetLayer(inputSize: 3, inputChannels: 3, outputChannels: 4, kernel: 2),
    LeNetLayer(inputSize: 2, inputChannels: 4, outputChannels: 5, kernel: 2),
    LeNetLayer(inputSize: 1, inputChannels: 5, outputChannels: 3, kernel: 1, relu: false),
  ])
  let batch = 4

  func setup(_ rule: LeNetRule, seed: UInt64 = 1) -> (LeNetNetwork<Double>, [Double], [Int32]) {
    var rng = Random(seed: seed, stream: "lenet-test")
    var net = LeNetNetwork<Double>.initial(small, rule: rule, rng: &rng)
    for i in net.parameters.indices where !small.layers.indices.contains(where: { small.weightRange($0).contains(i) }) {
      net.parameters[i] = rng.uniform(-0.1, 0.1)   // non-zero biases, so that they are tested too
    }
    let x = (0..<batch * small.layers[0].inputFeatures).map { _ in rng.normal() }
    let labels: [Int32] = [0, 2, 1, 2]
    return (net, x, labels)
  }

  func loss(_ net: LeNetNetwork<Double>, _ x: [Double], _ labels: [Int32]) -> Double {
    let ws = LeNetWorkspace<Double>(small, capacity: batch)
    net.parameters.withUnsafeBufferPointer { p in x.withUnsafeBufferPointer { ws.forward(p.baseAddress!, $0.baseAddress!, rows: batch) } }
    return labels.withUnsafeBufferPointer { ws.crossEntropy(labels: $0.baseAddress!) }
  }

  func gradient(_ net: LeNetNetwork<Double>, _ x: [Double], _ labels: [Int32], seed: UInt64 = 9) -> [Double] {
    let ws = LeNetWorkspace<Double>(small, capacity: batch)
    var scratch: [Double] = [], rng = Random(seed: seed)
    x.withUnsafeBufferPointer { px in
      labels.withUnsafeBufferPointer { _ = ws.step(net, px.baseAddress!, labels: $0.baseAddress!, rows: batch, backwardMatrices: &scratch, rng: &rng) }
    }
    return ws.gradient
  }

  /// The forward pass of layer 1 against a direct convolution + ReLU + 2×2 max-pool written from the definitions.
  func testConvolutionAndPoolAgainstNaiveOracle() {
    let (net, x, _) = setup(.backprop)
    let ws = LeNetWorkspace<Double>(small, capacity: batch)
    net.parameters.withUnsafeBufferPointer { p in x.withUnsafeBufferPointer { ws.forward(p.baseAddress!, $0.baseAddress!, rows: batch) } }
    let g = small.layers[0], w = Array(net.parameters[small.weightRange(0)]), b = Array(net.parameters[small.biasRange(0)])
    var worst = 0.0
    for n in 0..<batch {
      for i in 0..<3 { for j in 0..<3 { for o in 0..<3 {
        var best = -Double.infinity
        for di in 0..<2 { for dj in 0..<2 {
          var z = b[o]
          for kh in 0..<3 { for kw in 0..<3 { for c in 0..<2 {
            z += x[((n * 8 + 2 * i + di + kh) * 8 + 2 * j + dj + kw) * 2 + c] * w[((kh * 3 + kw) * 2 + c) * 3 + o]
          } } }
          best = max(best, max(z, 0))
        } }
        worst = max(worst, abs(ws.output(0)[((n * 3 + i) * 3 + j) * 3 + o] - best))
      } } }
    }
    XCTAssertEqual(g.outputFeatures, 27)
    XCTAssertLessThan(worst, 1e-12)
  }

  /// BP's gradient of the mean cross-entropy against central differences (Double, h = 1e-6), every parameter.
  func testBackpropAgainstFiniteDifferences() {
    let (net, x, labels) = setup(.backprop)
    let analytic = gradient(net, x, labels)
    var worst = 0.0
    for i in net.parameters.indices {
      var plus = net, minus = net
      plus.parameters[i] += 1e-6; minus.parameters[i] -= 1e-6
      let numeric = (loss(plus, x, labels) - loss(minus, x, labels)) / 2e-6
      worst = max(worst, abs(numeric - analytic[i]) / max(1e-6, abs(numeric) + abs(analytic[i])))
    }
    XCTAssertLessThan(worst, 1e-6)
    // Negative control: a perturbed analytic gradient fails the same comparison.
    var wrong = analytic; wrong[3] += 1e-3
    let i = 3
    var plus = net, minus = net
    plus.parameters[i] += 1e-6; minus.parameters[i] -= 1e-6
    let numeric = (loss(plus, x, labels) - loss(minus, x, labels)) / 2e-6
    XCTAssertGreaterThan(abs(numeric - wrong[i]) / (abs(numeric) + abs(wrong[i])), 1e-6)
  }

  /// FA with B := W (every layer) is BP; with its own random B it is not.
  func testFeedbackAlignmentWithBEqualWIsBackprop() {
    let (bp, x, labels) = setup(.backprop)
    var fa = setup(.feedbackAlignment).0
    fa.parameters = bp.parameters
    XCTAssertNotEqual(gradient(fa, x, labels), gradient(bp, x, labels))
    for l in small.layers.indices {
      let o = fa.feedbackOffset(l)
      for (k, i) in small.weightRange(l).enumerated() { fa.feedback[o + k] = bp.parameters[i] }
    }
    XCTAssertEqual(gradient(fa, x, labels), gradient(bp, x, labels))
  }

  /// Every rule's output-layer weight and bias gradients are BP's exactly (the output error is the true one).
  func testOutputLayerGradientIsBackpropsForEveryRule() {
    let (bp, x, labels) = setup(.backprop)
    let reference = gradient(bp, x, labels), last = small.layers.count - 1
    let range = small.weightRange(last).lowerBound..<small.biasRange(last).upperBound
    for rule in LeNetRule.allCases {
      var net = setup(rule).0
      net.parameters = bp.parameters
      let g = gradient(net, x, labels)
      XCTAssertEqual(Array(g[range]), Array(reference[range]), "\(rule)")
      if rule != .backprop { XCTAssertNotEqual(g, reference, "\(rule) differs from BP below the output layer") }
    }
  }

  /// uSF: B = s·sign(W) with s = √(2/(fan_in + fan_out)); brSF: |B| redrawn every step, signs W's; frSF: |B| = the
  /// stored |M| at every step, signs W's.
  func testSignSymmetryFeedback() {
    for rule in [LeNetRule.uniformSignFeedback, .batchwiseRandomSignFeedback, .fixedRandomSignFeedback] {
      var net = setup(rule).0
      let ws = LeNetWorkspace<Double>(small, capacity: batch)
      var rng = Random(seed: 3)
      var first: [Double] = [], second: [Double] = []
      ws.signFeedback(net, into: &first, rng: &rng)
      net.parameters[small.weightRange(1).lowerBound] *= -1   // a sign flip between the two steps
      ws.signFeedback(net, into: &second, rng: &rng)
      for l in small.layers.indices {
        let o = net.feedbackOffset(l), s = (2 / Double(small.layers[l].fanIn + small.layers[l].fanOut)).squareRoot()
        for (k, i) in small.weightRange(l).enumerated() {
          let w = net.parameters[i]
          XCTAssertEqual(second[o + k].sign, w.sign, "\(rule): B takes W's signs")
          switch rule {
          case .uniformSignFeedback: XCTAssertEqual(abs(second[o + k]), s, accuracy: 1e-15)
          case .fixedRandomSignFeedback: XCTAssertEqual(abs(second[o + k]), net.feedback[o + k]); XCTAssertEqual(abs(first[o + k]), abs(second[o + k]))
          default: XCTAssertLessThanOrEqual(abs(second[o + k]), small.xavierBound(l))
          }
        }
      }
      let flipped = net.feedbackOffset(1)
      XCTAssertNotEqual(first[flipped].sign, second[flipped].sign, "\(rule): the sign follows the current W")
      let magnitudesChange = zip(first, second).contains { abs($0) != abs($1) }
      XCTAssertEqual(magnitudesChange, rule == .batchwiseRandomSignFeedback, "\(rule): only brSF redraws |M|")
    }
  }

  /// DFA's input gradient of a conv layer: E tiled over the output map through the transposed convolution with D,
  /// G_in[b, y, x, c] = Σ_{i+kh=y, j+kw=x} Σ_k E[b, k] D[(kh, kw, c), k], against that sum written out; and with
  /// D^l := W^l on the Linear output layer, the layer below gets BP's gradient.
  func testDirectFeedbackAlignment() {
    var (net, x, labels) = setup(.directFeedbackAlignment)
    let ws = LeNetWorkspace<Double>(small, capacity: batch)
    var scratch: [Double] = [], rng = Random(seed: 1)
    x.withUnsafeBufferPointer { px in labels.withUnsafeBufferPointer { _ = ws.step(net, px.baseAddress!, labels: $0.baseAddress!, rows: batch, backwardMatrices: &scratch, rng: &rng) } }
    // After the backward pass `signal` holds the gradient at layer 1's input (the pooled output of layer 0).
    let g = small.layers[1], d = Array(net.feedback[small.directRange(1)]), C = 3
    var worst = 0.0
    for n in 0..<batch { for y in 0..<3 { for xx in 0..<3 { for c in 0..<3 {
      var s = 0.0
      for kh in 0..<2 { for kw in 0..<2 where (0..<2).contains(y - kh) && (0..<2).contains(xx - kw) {
        for k in 0..<C { s += ws.errors[n * C + k] * d[((kh * 2 + kw) * 3 + c) * C + k] }
      } }
      worst = max(worst, abs(ws.signal[((n * 3 + y) * 3 + xx) * 3 + c] - s))
    } } } }
    XCTAssertEqual(g.positions, 4)
    XCTAssertLessThan(worst, 1e-14)

    let (bp, _, _) = setup(.backprop)
    net.parameters = bp.parameters
    let last = small.layers.count - 1, below = small.weightRange(last - 1).lowerBound..<small.biasRange(last - 1).upperBound
    XCTAssertNotEqual(Array(gradient(net, x, labels)[below]), Array(gradient(bp, x, labels)[below]))
    net.feedback.replaceSubrange(small.directRange(last), with: bp.parameters[small.weightRange(last)])
    XCTAssertEqual(Array(gradient(net, x, labels)[below]), Array(gradient(bp, x, labels)[below]))
  }

  /// The architecture of biotorch's le_net_mnist: shapes and forward multiply-adds (Bioflax README §7.4: 416 520).
  func testLeNetMNISTShapes() {
    let a = LeNetArchitecture.mnist
    XCTAssertEqual(a.layers.map(\.outputFeatures), [6 * 14 * 14, 16 * 5 * 5, 120, 84, 10])
    XCTAssertEqual(a.multiplyAddsPerImage, 416_520)
    XCTAssertEqual(a.parameterCount, 6 * 25 + 6 + 16 * 150 + 16 + 120 * 400 + 120 + 84 * 120 + 84 + 10 * 84 + 10)
  }

  /// The pool's adjoint sends each window's gradient to its first maximum in row-major order (PyTorch's argmax):
  /// with a tie between positions (0, 1) and (1, 0), only (0, 1) receives it; a window whose maximum is ≤ 0 passes
  /// nothing under ReLU.
  func testMaxPoolBackwardTiesAndReLU() {
    let g = LeNetLayer(inputSize: 2, inputChannels: 1, outputChannels: 2, kernel: 1, pool: true)   // a 2×2 map, 2 channels
    let ws = LeNetWorkspace<Double>(LeNetArchitecture(name: "pool", layers: [g, LeNetLayer(inputSize: 1, inputChannels: 2, outputChannels: 2, kernel: 1, relu: false)]), capacity: 1)
    // Channel 0: values 1, 3, 3, 2 at (0,0), (0,1), (1,0), (1,1): a tie between (0,1) and (1,0). Channel 1: all 0.
    let a: [Double] = [1, 0, 3, 0, 3, 0, 2, 0]
    var o = [Double](repeating: 0, count: 2), gz = [Double](repeating: -1, count: 8)
    a.withUnsafeBufferPointer { ap in o.withUnsafeMutableBufferPointer { ws.maxPool(g, ap.baseAddress!, into: $0.baseAddress!, rows: 1) } }
    XCTAssertEqual(o, [3, 0])
    let incoming: [Double] = [5, 7]
    a.withUnsafeBufferPointer { ap in o.withUnsafeBufferPointer { op in incoming.withUnsafeBufferPointer { ip in gz.withUnsafeMutableBufferPointer {
      ws.maxPoolBackward(g, ap.baseAddress!, op.baseAddress!, ip.baseAddress!, into: $0.baseAddress!, rows: 1)
    } } } }
    XCTAssertEqual(gz, [0, 0, 5, 0, 0, 0, 0, 0], "channel 0's gradient at (0, 1) only; channel 1 (max 0 under ReLU) none")
  }
}
