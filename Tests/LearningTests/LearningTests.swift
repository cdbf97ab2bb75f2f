import XCTest
@testable import Numerics
@testable import Learning
import ElementWiseAVX512

final class LearningTests: XCTestCase {
  /// ℓ for the network's parameters on a fixed batch.
  func loss(_ net: Network<Double>, _ x: [Double], rows: Int, labels: [Int32], targets: [Double], _ l: Loss) -> Double {
    var tape = Tape<Double>(sizes: net.sizes, capacity: rows)
    return x.withUnsafeBufferPointer { px in
      labels.withUnsafeBufferPointer { pl in
        targets.withUnsafeBufferPointer { pt in
          net.forwardWithLoss(Batch(rows: rows, inputs: px.baseAddress!, labels: pl.baseAddress, targets: pt.baseAddress),
                              loss: l, tape: &tape)
        }
      }
    }
  }

  func testBackpropMatchesCentralFiniteDifferencesForEveryActivationAndLoss() {
    let activations: [Activation] = [.tanh, .relu, .leakyReLU(slope: 0.1), .sigmoid, .linear]
    let losses: [Loss] = [.softmaxCrossEntropy, .meanSquaredError(half: true, reduction: .batchAndOutputs),
                          .meanSquaredError(half: false, reduction: .batch)]
    let sizes = [5, 6, 4, 3], rows = 7
    for act in activations {
      for l in losses {
        var rng = Random(seed: 11)
        var net = Network<Double>(sizes: sizes, hidden: act, initializer: .xavierNormal(gain: 1), rng: &rng)
        for i in net.parameters.indices where i % 3 == 0 { net.parameters[i] += 0.1 * rng.normal() }  // non-zero biases too
        let x = (0..<(rows * 5)).map { _ in rng.normal() }
        let labels = (0..<rows).map { _ in Int32(rng.next() % 3) }
        let targets = (0..<(rows * 3)).map { _ in rng.normal() }
        var g = [Double](repeating: 0, count: net.layout.count)
        var tape = Tape<Double>(sizes: sizes, capacity: rows)
        var rule = Backprop<Double>()
        x.withUnsafeBufferPointer { px in
          labels.withUnsafeBufferPointer { pl in
            targets.withUnsafeBufferPointer { pt in
              _ = rule.update(net, Batch(rows: rows, inputs: px.baseAddress!, labels: pl.baseAddress, targets: pt.baseAddress),
                              loss: l, tape: &tape, into: &g)
            }
          }
        }
        var numeric = [Double](repeating: 0, count: g.count)
        let h = 1e-6
        for i in g.indices {
          var plus = net, minus = net
          plus.parameters[i] += h; minus.parameters[i] -= h
          numeric[i] = (loss(plus, x, rows: rows, labels: labels, targets: targets, l)
                        - loss(minus, x, rows: rows, labels: labels, targets: targets, l)) / (2 * h)
        }
        // Kinks (ReLU at 0) are not hit with probability 1 for Gaussian inputs.
        let err = norm(zip(g, numeric).map { $0 - $1 }) / norm(numeric)
        XCTAssertLessThan(err, 1e-6, "\(act), \(l): relative error \(err)")
      }
    }
  }

  /// The bench's GEMM bound replays what `GEMMRecorder` saw: a BP gradient on L layers makes exactly L forward
  /// products, L weight gradients and L − 1 propagations, with 2·n·(2Σ dₗ₋₁dₗ + Σ_{l≥2} dₗ₋₁dₗ) FLOPs. Negative
  /// control: the same gradient outside `record` leaves nothing recorded.
  func testGEMMRecorderSeesEveryProductOfABackpropStep() {
    let sizes = [5, 6, 4, 3], rows = 7
    var rng = Random(seed: 3, stream: "test")
    var net = Network<Double>(sizes: sizes, hidden: .tanh, initializer: .xavierUniform(gain: 1), rng: &rng)
    net.parameters = net.parameters.map { $0 + 0.01 }
    let x: [Double] = (0..<(rows * 5)).map { _ in rng.uniform(-1, 1) }, labels = (0..<rows).map { Int32($0 % 3) }
    var tape = Tape<Double>(sizes: sizes, capacity: rows), g = [Double](repeating: 0, count: net.layout.count)
    func step() {
      x.withUnsafeBufferPointer { px in labels.withUnsafeBufferPointer { pl in
        _ = net.gradient(Batch(rows: rows, inputs: px.baseAddress!, labels: pl.baseAddress!), loss: .softmaxCrossEntropy, tape: &tape, into: &g)
      } }
    }
    let calls = GEMMRecorder.record(step)
    XCTAssertEqual(calls.count, 3 * 3 - 1)
    let macs = 5 * 6 + 6 * 4 + 4 * 3, below = macs - 5 * 6
    XCTAssertEqual(GEMMRecorder.flops(calls), Double(2 * rows * (2 * macs + below)))
    XCTAssertEqual(calls.first?.shape, GEMMRecorder.Call(tA: .none, tB: .none, m: rows, n: 6, k: 5, lda: 5, ldb: 6, ldc: 6, beta: 0))
    step()
    XCTAssertTrue(GEMMRecorder.calls.isEmpty, "a call outside record was recorded")
    GEMMRecorder.replay(calls, Double.self)()   // the replay runs on its own buffers
  }

  /// The laid-out replay's plan: operands at offsets in one array (two input batches, two output blocks) share a
  /// region at the recorded distance; operands in different arrays get different regions (control: W and V); a call
  /// recorded without addresses has no plan (the replay falls back to the warm buffers).
  func testLaidOutReplayKeepsOperandsApartAndTogetherAsRecorded() {
    let x = [Double](repeating: 1, count: 12), w = [Double](repeating: 1, count: 12), v = [Double](repeating: 2, count: 12)
    var out = [Double](repeating: 0, count: 16)
    let calls = GEMMRecorder.record {
      x.withUnsafeBufferPointer { px in w.withUnsafeBufferPointer { pw in v.withUnsafeBufferPointer { pv in
        out.withUnsafeMutableBufferPointer { po in
          Double.gemm(.none, .none, m: 2, n: 4, k: 3, alpha: 1, a: px.baseAddress!, lda: 3, b: pw.baseAddress!, ldb: 4, beta: 0, c: po.baseAddress!, ldc: 4)
          Double.gemm(.none, .none, m: 2, n: 4, k: 3, alpha: 1, a: px.baseAddress! + 6, lda: 3, b: pv.baseAddress!, ldb: 4, beta: 0, c: po.baseAddress! + 8, ldc: 4)
        }
      } } }
    }
    let plan = GEMMRecorder.layout(calls, elementSize: 8)!
    let (first, second) = (plan.operands[0], plan.operands[1])
    XCTAssertEqual(first[0].region, second[0].region); XCTAssertEqual(second[0].offset - first[0].offset, 6)
    XCTAssertEqual(first[2].region, second[2].region); XCTAssertEqual(second[2].offset - first[2].offset, 8)
    XCTAssertNotEqual(first[1].region, second[1].region)
    XCTAssertEqual(plan.regions.count, 4)
    for (r, s) in zip(plan.regions, plan.regions.dropFirst()) { XCTAssertLessThan(r.end, s.start, "regions do not overlap") }
    XCTAssertNil(GEMMRecorder.layout(calls.map(\.shape), elementSize: 8))
    GEMMRecorder.replayAsLaidOut(calls, Double.self)()
  }

  /// Bias gradients sum the rows in order from the first, as the strided loops they replaced did (the run records stay
  /// bitwise the same): here [1, 1e16, −1e16] gives 0 in order, and 1 in the reversed or pairwise order (the control).
  func testColumnSumsAddTheRowsInOrder() {
    let x: [Double] = [1, 2, 1e16, 3, -1e16, 4]   // 3 rows × 2 columns
    var out = [Double](repeating: .nan, count: 2)
    FastMath.columnSums(x, rows: 3, columns: 2, into: &out)
    XCTAssertEqual(out, [0, 9])
    XCTAssertEqual(Double(-1e16) + 1e16 + 1, 1, "control: the reversed order gives 1")
    FastMath.columnSums(x, rows: 3, columns: 2, times: -0.5, into: &out)
    XCTAssertEqual(out, [-0, -4.5])
    var floats = [Float](repeating: 0, count: 5)
    let y = (0..<35).map { Float($0) * 0.1 }     // 7 rows × 5 columns: the strided sum, bit for bit
    FastMath.columnSums(y, rows: 7, columns: 5, into: &floats)
    for j in 0..<5 {
      var s: Float = 0
      for r in 0..<7 { s += y[r * 5 + j] }
      XCTAssertEqual(floats[j].bitPattern, s.bitPattern)
    }
  }

  func testFastTanhMaximumError() {
    let xs = stride(from: -12.0, through: 12.0, by: 1e-4).map { Float($0) }
    var ys = [Float](repeating: 0, count: xs.count)
    FastMath.tanhFloat(xs, &ys, xs.count)
    var worst: Double = 0
    for (x, y) in zip(xs, ys) { worst = max(worst, abs(Double(y) - Foundation.tanh(Double(x)))) }
    XCTAssertLessThan(worst, 4e-7, "max |fast tanh − tanh| = \(worst)")
  }

  /// In place (x == y) takes its own loop (issue 17: LLVM's overlap check sent it to the scalar loop); it must give
  /// the same bits as out of place, in both precisions, including a length that leaves a vector remainder.
  func testFastTanhInPlaceEqualsOutOfPlace() {
    let xs = stride(from: -9.0, through: 9.0, by: 0.0137).map { $0 }   // 1 315 values: not a multiple of 4 or 8
    var ys = [Double](repeating: 0, count: xs.count), inPlace = xs
    FastMath.tanhDouble(xs, &ys, xs.count)
    inPlace.withUnsafeMutableBufferPointer { p in FastMath.tanh(UnsafePointer(p.baseAddress!), p.baseAddress!, p.count) }
    XCTAssertEqual(inPlace.map(\.bitPattern), ys.map(\.bitPattern))
    let xf = xs.map { Float($0) }
    var yf = [Float](repeating: 0, count: xf.count), inPlaceF = xf
    FastMath.tanhFloat(xf, &yf, xf.count)
    inPlaceF.withUnsafeMutableBufferPointer { p in FastMath.tanh(UnsafePointer(p.baseAddress!), p.baseAddress!, p.count) }
    XCTAssertEqual(inPlaceF.map(\.bitPattern), yf.map(\.bitPattern))
    XCTAssertNotEqual(inPlaceF.map(\.bitPattern), xf.map(\.bitPattern), "control: the values changed")
  }

  /// The AVX-512 build of the tanh loops (`ElementWiseAVX512`) gives bitwise the AVX2 build's values: the same
  /// operations in the same order, so switching builds by machine does not move a result. The grid takes in the
  /// clamps, tiny and huge arguments, ±0, ±∞ and a length that leaves a vector remainder in both widths.
  func testAVX512TanhIsBitwiseTheAVX2Tanh() throws {
    try XCTSkipUnless(ElementWise.hasAVX512, "this machine has no AVX-512 (or REPRODUCE_NO_AVX512 is set)")
    /// The arguments where two outputs differ in any bit.
    func differing<T>(_ x: [T], _ a: [T], _ b: [T], bits: (T) -> UInt64) -> [T] {
      var out: [T] = []
      for i in x.indices where bits(a[i]) != bits(b[i]) { out.append(x[i]) }
      return out
    }
    var xs = stride(from: -25.0, through: 25.0, by: 1.3e-4).map { $0 }
    xs += [0, -0.0, 1e-300, -1e-300, .leastNonzeroMagnitude, 1e-17, 3e-9, 0.3465735902799726, 19.999, 20, -20, 700,
           .infinity, -.infinity, 7.99881172180175781, -7.99881172180175781, 0.0004, -0.0004, 0.00039999, 3]
    var avx2 = [Double](repeating: 0, count: xs.count), wide = avx2
    ElementWise.tanh(xs, &avx2, xs.count)
    ElementWiseAVX512.tanh(xs, &wide, xs.count)
    let d = differing(xs, wide, avx2) { $0.bitPattern }
    XCTAssert(d.isEmpty, "Double: \(d.count) of \(xs.count) differ, the first at x = \(d.first ?? 0)")
    XCTAssertFalse(differing(xs, xs.map { Foundation.tanh($0) }, avx2) { $0.bitPattern }.isEmpty,
                   "control: libm's tanh, within a few ulp of ours, differs somewhere on the grid")
    let xf = xs.map { Float($0) }
    var avx2F = [Float](repeating: 0, count: xf.count), wideF = avx2F
    ElementWise.tanh(xf, &avx2F, xf.count)
    ElementWiseAVX512.tanh(xf, &wideF, xf.count)
    let f = differing(xf, wideF, avx2F) { UInt64($0.bitPattern) }
    XCTAssert(f.isEmpty, "Float: \(f.count) of \(xf.count) differ, the first at x = \(f.first ?? 0)")
    XCTAssertFalse(differing(xf, xf.map { tanhf($0) }, avx2F) { UInt64($0.bitPattern) }.isEmpty, "control: libm's tanhf differs somewhere")
  }

  func testFastDoubleTanhIsWithinAFewUlpOfLibm() {
    var xs = stride(from: -25.0, through: 25.0, by: 1.3e-4).map { $0 }
    xs += [0, -0.0, 1e-300, -1e-300, 1e-17, 3e-9, -3e-9, 0.3465735902799726, 19.999, 20, 700, -700, .infinity, -.infinity]
    var ys = [Double](repeating: 0, count: xs.count)
    FastMath.tanhDouble(xs, &ys, xs.count)
    var worst = 0.0
    for (x, y) in zip(xs, ys) {
      let exact = Foundation.tanh(x)
      worst = max(worst, exact == 0 ? abs(y) : abs(y - exact) / abs(exact))
    }
    XCTAssertLessThan(worst, 6e-16, "max relative |fast tanh − tanh| = \(worst)")
    XCTAssertEqual(ys[xs.firstIndex(of: 1e-300)!], 1e-300, "tiny arguments keep their value")
  }

  func testActivationDerivativesAtKinks() {
    var a: [Double] = [0, -1, 2], h = [0.0, 0, 0], d = [0.0, 0, 0]
    Activation.relu.forward(rows: 1, n: 3, bias: [0, 0, 0], a: &a, h: &h, d: &d)
    XCTAssertEqual(d, [0, 0, 1])   // φ′(0) = 0
    a = [0, -1, 2]
    Activation.leakyReLU(slope: 0.01).forward(rows: 1, n: 3, bias: [0, 0, 0], a: &a, h: &h, d: &d)
    XCTAssertEqual(d, [1, 0.01, 1])   // φ′(0) = 1, as JAX
    XCTAssertEqual(h, [0, -0.01, 2])
  }

  func testCrossEntropyValue() {
    // logits (0, ln 3): softmax (1/4, 3/4); label 1 → ℓ = −ln(3/4).
    let y = Matrix<Double>([[0, Double.log(3)]])
    XCTAssertEqual(Loss.softmaxCrossEntropy.value(y, labels: [1]), -Double.log(0.75), accuracy: 1e-15)
    let t = Matrix<Double>([[1, 0]])
    XCTAssertEqual(Loss.meanSquaredError(half: true, reduction: .batchAndOutputs).value(y, targets: t),
                   0.5 * (1 + Double.log(3) * Double.log(3)) / 2, accuracy: 1e-15)
  }

  func testSGDAndMomentumFirstSteps() {
    var theta: [Double] = [1, -2]
    var sgd = OptimizerState<Double>(.sgd(learningRate: 0.1, momentum: 0), count: 2)
    sgd.apply(to: &theta, gradient: [0.5, -1])
    XCTAssertEqual(theta, [0.95, -1.9])
    theta = [1, -2]
    var mom = OptimizerState<Double>(.sgd(learningRate: 0.1, momentum: 0.9), count: 2)
    mom.apply(to: &theta, gradient: [0.5, -1])     // m = g
    mom.apply(to: &theta, gradient: [0.5, -1])     // m = 0.9g + g = 1.9g
    XCTAssertEqual(theta[0], 1 - 0.1 * 0.5 - 0.1 * 0.95, accuracy: 1e-15)
    XCTAssertEqual(theta[1], -2 + 0.1 + 0.19, accuracy: 1e-15)
  }

  func testAdamFirstStepsWithAndWithoutBiasCorrection() {
    // With bias correction, step 1 moves every parameter by η·g/(|g| + ε) ≈ η·sign(g).
    var theta: [Double] = [1, 1]
    var adam = OptimizerState<Double>(.adam(learningRate: 0.01), count: 2)
    adam.apply(to: &theta, gradient: [3, -0.5])
    XCTAssertEqual(theta[0], 1 - 0.01 * 3 / (3 + 1e-8), accuracy: 1e-15)
    XCTAssertEqual(theta[1], 1 + 0.01 * 0.5 / (0.5 + 1e-8), accuracy: 1e-15)
    // Step 2 with g₂ = 1 on the first coordinate, by hand.
    adam.apply(to: &theta, gradient: [1, -0.5])
    let m = 0.9 * 0.1 * 3 + 0.1 * 1, v = 0.999 * 0.001 * 9 + 0.001 * 1
    let mHat = m / (1 - 0.81), vHat = v / (1 - 0.999 * 0.999)
    XCTAssertEqual(theta[0], 1 - 0.01 * 3 / (3 + 1e-8) - 0.01 * mHat / (vHat.squareRoot() + 1e-8), accuracy: 1e-14)
    // GAIT-prop's variant: no bias correction, β = (0.9, 0.99): step 1 is η·0.1g/(√(0.01g²) + ε) = η·g/|g|·(0.1/0.1).
    var plain = OptimizerState<Double>(.adam(learningRate: 0.01, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, biasCorrection: false), count: 1)
    var t: [Double] = [0]
    plain.apply(to: &t, gradient: [2])
    XCTAssertEqual(t[0], -0.01 * 0.2 / ((0.01 * 4).squareRoot() + 1e-8), accuracy: 1e-15)
  }

  func testClippingUsesTorchsConstant() {
    let tensors = [(name: "a", offset: 0, count: 2), (name: "b", offset: 2, count: 1)]
    var g: [Double] = [3, 4, 12]        // joint norm 13; tensor norms 5 and 12
    Clipping.global(maxNorm: 1).apply(&g, tensors: tensors)
    XCTAssertEqual(g[2], 12 / (13 + 1e-6), accuracy: 1e-15)
    g = [3, 4, 12]
    Clipping.perTensor(maxNorm: 6).apply(&g, tensors: tensors)
    XCTAssertEqual(g[0], 3)                                   // norm 5 < 6: untouched
    XCTAssertEqual(g[2], 12 * 6 / (12 + 1e-6), accuracy: 1e-15)
  }
}
