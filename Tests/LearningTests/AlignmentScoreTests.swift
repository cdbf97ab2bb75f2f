import XCTest
import Numerics
@testable import Learning

/// The alignment score's properties (WideAlign README, "Tests", P20-P22, P24, P25): identity, scale and output-side
/// invariance, the rank-one and chance-level values of the dense case (a 3×3 conv on a 1×1 input is a dense layer
/// through its centre tap), and "undefined" for a zero change.
final class AlignmentScoreTests: XCTestCase {
  let conv = ConvGeometry(inputSize: 8, inputChannels: 3, stride: 2, outputChannels: 5)

  func change(_ g: ConvGeometry, seed: UInt64) -> [Double] {
    var rng = Random(seed: seed, stream: "score-test")
    return (0..<g.patchWidth * g.outputChannels).map { _ in rng.normal() }
  }
  func score(_ a: [Double], _ b: [Double], _ g: ConvGeometry, iterations: Int = 4, samples: Int = 20) -> Double? {
    var rng = Random(seed: 1, stream: "probe")
    return AlignmentScore.score(a, b, geometry: g, iterations: iterations, samples: samples, rng: &rng)
  }

  func testIdentityScaleSymmetryAndOutputInvariance() {
    let a = change(conv, seed: 1), b = change(conv, seed: 2)
    XCTAssertEqual(score(a, a, conv)!, 1, accuracy: 1e-12)
    XCTAssertEqual(score(a, a.map { -3 * $0 }, conv)!, 1, accuracy: 1e-12)
    XCTAssertEqual(score(a, b, conv)!, score(b, a, conv)!, accuracy: 1e-12)
    // A permutation of the output channels (columns of the (9 c_in) × n_out kernel) leaves the Gram operator alone.
    let n = conv.outputChannels, order = [3, 0, 4, 1, 2]
    var permuted = a
    for r in 0..<conv.patchWidth { for c in 0..<n { permuted[r * n + c] = a[r * n + order[c]] } }
    XCTAssertEqual(score(a, permuted, conv)!, 1, accuracy: 1e-12)
    let s = score(a, b, conv)!
    XCTAssertTrue(s > 0 && s < 1, "two independent changes: \(s)")
    XCTAssertNil(score(a.map { _ in 0 }, b, conv), "a zero change is undefined")
  }

  /// Dense form: only the centre tap of a 1×1-input layer acts, ΔW ∈ ℝ^{in × out}.
  func dense(_ m: [[Double]], inputs: Int, outputs: Int) -> [Double] {
    var k = [Double](repeating: 0, count: 9 * inputs * outputs)
    for i in 0..<inputs { for o in 0..<outputs { k[(4 * inputs + i) * outputs + o] = m[i][o] } }
    return k
  }

  func testRankOneIsTheSquaredCosineOfTheInputSides() {
    let g = ConvGeometry(inputSize: 1, inputChannels: 4, stride: 1, outputChannels: 3)
    let v1: [Double] = [1, 2, 0, -1], v2: [Double] = [0.5, 1, 1, 0], u1: [Double] = [1, -1, 2], u2: [Double] = [3, 0, 1]
    func outer(_ v: [Double], _ u: [Double]) -> [[Double]] { v.map { x in u.map { x * $0 } } }
    let a = dense(outer(v1, u1), inputs: 4, outputs: 3), b = dense(outer(v2, u2), inputs: 4, outputs: 3)
    let dot: Double = zip(v1, v2).map { $0 * $1 }.reduce(0, +)
    let n1: Double = v1.map { $0 * $0 }.reduce(0, +), n2: Double = v2.map { $0 * $0 }.reduce(0, +)
    let cos = dot / (n1 * n2).squareRoot()
    XCTAssertEqual(score(a, b, g, iterations: 100, samples: 100)!, cos * cos, accuracy: 0.03)
    let orthogonal = dense(outer([0, 0, 1, 0], u2), inputs: 4, outputs: 3)
    XCTAssertEqual(score(a, orthogonal, g, iterations: 20, samples: 100)!, 0, accuracy: 1e-12)
  }

  /// P25: two independent Gaussian m × n changes (m outputs, n inputs) score about m/(m + n + 1).
  func testDenseChanceLevel() {
    let g = ConvGeometry(inputSize: 1, inputChannels: 50, stride: 1, outputChannels: 64)
    var rng = Random(seed: 9)
    func gaussian() -> [Double] { dense((0..<50).map { _ in (0..<64).map { _ in rng.normal() } }, inputs: 50, outputs: 64) }
    let s = score(gaussian(), gaussian(), g, iterations: 20, samples: 100)!
    XCTAssertEqual(s, 64.0 / 115, accuracy: 0.05)
  }

  /// P23: the estimator with 10⁴ probes (100 iterations × 100 samples) is within 1e-2 of the exact Frobenius cosine
  /// tr(AB)/(‖A‖_F‖B‖_F) of A = ΔW₁ΔW₁ᵀ and B = ΔW₂ΔW₂ᵀ (dense, ΔW ∈ ℝ^{in×out}).
  func testEstimatorMatchesTheExactGramCosine() {
    let inputs = 6, outputs = 4
    let g = ConvGeometry(inputSize: 1, inputChannels: inputs, stride: 1, outputChannels: outputs)
    var rng = Random(seed: 23)
    for _ in 0..<3 {
      let w1 = (0..<inputs).map { _ in (0..<outputs).map { _ in rng.normal() } }
      let w2 = (0..<inputs).map { i in (0..<outputs).map { o in 0.7 * w1[i][o] + rng.normal() } }   // correlated with w1
      func gramian(_ w: [[Double]]) -> [Double] { (0..<inputs).flatMap { i in (0..<inputs).map { j in zip(w[i], w[j]).reduce(0) { $0 + $1.0 * $1.1 } } } }
      let a = gramian(w1), b = gramian(w2)
      let exact = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / (a.reduce(0) { $0 + $1 * $1 } * b.reduce(0) { $0 + $1 * $1 }).squareRoot()
      let estimate = score(dense(w1, inputs: inputs, outputs: outputs), dense(w2, inputs: inputs, outputs: outputs), g, iterations: 100, samples: 100)!
      XCTAssertEqual(estimate, exact, accuracy: 1e-2)
    }
  }
}

