import XCTest
import Numerics
@testable import Learning

/// The Align rules on the layered networks (WideAlign README): equal to BP at the first step (P10), Align-zero = J₀ᵀe
/// against central differences (P12), equal to BP at every step for a single linear layer (P13), and Align-ada =
/// Align-prop on a linear network (P14), with BP differing after step 1.
final class AlignDenseTests: XCTestCase {
  let loss = Loss.meanSquaredError(half: true, reduction: .batchAndOutputs)

  func problem(_ sizes: [Int], _ activation: Activation, seed: UInt64 = 1) -> (Network<Double>, [Double], [Double]) {
    var rng = Random(seed: seed, stream: "align-dense")
    let net = Network<Double>(sizes: sizes, hidden: activation, initializer: .xavierUniform(gain: 1), rng: &rng)
    let x = (0..<5 * sizes[0]).map { _ in rng.normal() }, y = (0..<5 * sizes.last!).map { _ in rng.normal() }
    return (net, x, y)
  }

  func gradient<R: LearningRule<Double>>(_ rule: inout R, _ net: Network<Double>, _ x: [Double], _ y: [Double]) -> [Double] {
    var tape = Tape<Double>(sizes: net.sizes, capacity: 5)
    var g = [Double](repeating: 0, count: net.layout.count)
    x.withUnsafeBufferPointer { px in y.withUnsafeBufferPointer { py in
      _ = rule.update(net, Batch(rows: 5, inputs: px.baseAddress!, targets: py.baseAddress!), loss: loss, tape: &tape, into: &g)
    } }
    return g
  }

  /// SGD steps of `rule` from `net`; the pseudo-gradient of each step.
  func trajectory<R: LearningRule<Double>>(_ rule: R, _ net: Network<Double>, _ x: [Double], _ y: [Double], steps: Int) -> [[Double]] {
    var rule = rule, net = net, out: [[Double]] = []
    for _ in 0..<steps {
      let g = gradient(&rule, net, x, y)
      out.append(g)
      for i in 0..<g.count { net.parameters[i] -= 0.5 * g[i] }
    }
    return out
  }

  func testEqualToBackpropAtTheFirstStep() {
    let (net, x, y) = problem([4, 6, 5, 3], .tanh)
    var bp = Backprop<Double>()
    let reference = gradient(&bp, net, x, y)
    var zero = AlignZeroDense(initial: net), ada = AlignAdaDense(initial: net), prop = FeedbackAlignment.alignProp(initial: net)
    XCTAssertLessThan(relativeError(gradient(&zero, net, x, y), reference), 1e-12)
    let g = gradient(&ada, net, x, y)
    for l in 1...3 {
      let r = net.layout.weightOffset[l - 1]..<(net.layout.weightOffset[l - 1] + net.sizes[l - 1] * net.sizes[l])
      XCTAssertLessThan(relativeError(Array(g[r]), Array(reference[r])), 1e-12, "Align-ada W\(l)")
    }
    XCTAssertLessThan(relativeError(gradient(&prop, net, x, y), reference), 1e-12)
  }

  func testAlignZeroIsTheInitialJacobianTransposeTimesTheError() {
    let (net0, x, y) = problem([4, 6, 5, 3], .tanh, seed: 2)
    var net = net0
    for i in 0..<net.parameters.count { net.parameters[i] += 0.2 * Double((i * 7919) % 11 - 5) / 5 }
    var zero = AlignZeroDense(initial: net0)
    let pseudo = gradient(&zero, net, x, y)
    // The current error: Δ_L of half-MSE averaged over batch and outputs.
    var tape = Tape<Double>(sizes: net.sizes, capacity: 5)
    x.withUnsafeBufferPointer { tape.load($0.baseAddress!, rows: 5) }
    net.forward(&tape)
    let e = (0..<15).map { (tape.output[2][$0] - y[$0]) / 15 }
    func projected(_ n: Network<Double>) -> Double {
      x.withUnsafeBufferPointer { tape.load($0.baseAddress!, rows: 5) }
      n.forward(&tape)
      return (0..<15).map { tape.output[2][$0] * e[$0] }.reduce(0, +)
    }
    var numeric = pseudo
    for i in 0..<net0.parameters.count {
      var plus = net0, minus = net0
      plus.parameters[i] += 1e-6; minus.parameters[i] -= 1e-6
      numeric[i] = (projected(plus) - projected(minus)) / 2e-6
    }
    XCTAssertLessThan(relativeError(pseudo, numeric), 1e-7)
    var bp = Backprop<Double>()
    XCTAssertGreaterThan(relativeError(gradient(&bp, net, x, y), numeric), 1e-3, "negative control: BP at θ_t is not J₀ᵀe")
  }

  func testSingleLinearLayerEqualsBackpropAtEveryStep() {
    let (net, x, y) = problem([4, 3], .linear)
    let bp = trajectory(Backprop<Double>(), net, x, y, steps: 20)
    for other in [trajectory(AlignZeroDense(initial: net), net, x, y, steps: 20), trajectory(AlignAdaDense(initial: net), net, x, y, steps: 20),
                  trajectory(FeedbackAlignment.alignProp(initial: net), net, x, y, steps: 20)] {
      for (a, b) in zip(other, bp) { XCTAssertLessThan(relativeError(a, b), 1e-12) }
    }
  }

  func testAlignAdaEqualsAlignPropOnALinearNetwork() {
    let (net, x, y) = problem([4, 6, 5, 3], .linear, seed: 3)
    let ada = trajectory(AlignAdaDense(initial: net), net, x, y, steps: 10)
    let prop = trajectory(FeedbackAlignment.alignProp(initial: net), net, x, y, steps: 10)
    for (a, b) in zip(ada, prop) { XCTAssertLessThan(relativeError(a, b), 1e-12) }
    let bp = trajectory(Backprop<Double>(), net, x, y, steps: 10)
    XCTAssertGreaterThan(relativeError(ada[5], bp[5]), 1e-4, "BP differs once the weights have moved")
  }
}
