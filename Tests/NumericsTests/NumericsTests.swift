import XCTest
@testable import Numerics

final class NumericsTests: XCTestCase {
  func naive(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
    var c = Matrix<Double>(rows: a.rows, cols: b.cols)
    for i in 0..<a.rows { for j in 0..<b.cols { for k in 0..<a.cols { c[i, j] += a[i, k] * b[k, j] } } }
    return c
  }

  func testGemmMatchesNaiveProductForEveryTranspose() {
    var rng = Random(seed: 3)
    let a: Matrix<Double> = rng.normalMatrix(rows: 5, cols: 7), b: Matrix<Double> = rng.normalMatrix(rows: 7, cols: 4)
    let expected = naive(a, b)
    XCTAssertLessThan(relativeError(matmul(a, b).storage, expected.storage), 1e-14)
    XCTAssertLessThan(relativeError(matmul(a.transposed, b, transposeA: .transposed).storage, expected.storage), 1e-14)
    XCTAssertLessThan(relativeError(matmul(a, b.transposed, transposeB: .transposed).storage, expected.storage), 1e-14)
    var c = expected
    gemm(a, b, into: &c, alpha: 2, beta: -1)   // 2AB − AB = AB
    XCTAssertLessThan(relativeError(c.storage, expected.storage), 1e-14)
    let af: Matrix<Float> = a.converted(), bf: Matrix<Float> = b.converted()
    XCTAssertLessThan(relativeError(matmul(af, bf).converted(to: Double.self).storage, expected.storage), 1e-5)
  }

  func testGemvAndGer() {
    let a = Matrix<Double>([[1, 2, 3], [4, 5, 6]])
    var y = [Double](repeating: 0, count: 2)
    gemv(a, [1, 0, -1], into: &y)
    XCTAssertEqual(y, [-2, -2])
    var yt = [Double](repeating: 0, count: 3)
    gemv(a, [1, 1], into: &yt, transposeA: .transposed)
    XCTAssertEqual(yt, [5, 7, 9])
    var m = Matrix<Double>(rows: 2, cols: 3)
    ger([1, 2], [3, 4, 5], into: &m)
    XCTAssertEqual(m, Matrix([[3, 4, 5], [6, 8, 10]]))
  }

  func testLUSolveInverseAndDeterminant() throws {
    let a = Matrix<Double>([[4, 3, 0], [6, 3, 1], [0, 2, 5]])
    let lu = try LUFactorization(a)
    XCTAssertEqual(lu.determinant, 4 * (15 - 2) - 3 * (30 - 0), accuracy: 1e-12)
    let x = lu.solve([1, 2, 3])
    var ax = [Double](repeating: 0, count: 3)
    gemv(a, x, into: &ax)
    XCTAssertLessThan(relativeError(ax, [1, 2, 3]), 1e-14)
    let xt = lu.solve([1, 2, 3], transpose: true)
    gemv(a, xt, into: &ax, transposeA: .transposed)
    XCTAssertLessThan(relativeError(ax, [1, 2, 3]), 1e-14)
    let identity = matmul(a, try a.inverse())
    XCTAssertLessThan(relativeError(identity.storage, Matrix<Double>.identity(3).storage), 1e-14)
    XCTAssertThrowsError(try LUFactorization(Matrix<Double>([[1, 2], [2, 4]])))
  }

  func testEigenvaluesOfRotationAndTriangularMatrices() throws {
    let rotation = Matrix<Double>([[0, -1], [1, 0]])
    let e = try eigenvalues(rotation)
    XCTAssertEqual(e.real.map { abs($0) }.max()!, 0, accuracy: 1e-14)
    XCTAssertEqual(e.imaginary.sorted(), [-1, 1])
    let upper = Matrix<Double>([[2, 5, 1], [0, -3, 7], [0, 0, 0.5]])
    XCTAssertEqual(try eigenvalues(upper).real.sorted(), [-3, 0.5, 2])
  }

  func testSymmetricEigenDecomposition() throws {
    var rng = Random(seed: 5)
    let g: Matrix<Double> = rng.normalMatrix(rows: 6, cols: 6)
    let s = matmul(g, g, transposeB: .transposed)
    let (values, v) = try symmetricEigen(s)
    XCTAssertEqual(values, values.sorted())
    let av = matmul(s, v)
    for j in 0..<6 { for i in 0..<6 { XCTAssertEqual(av[i, j], values[j] * v[i, j], accuracy: 1e-10) } }
  }

  func testQRAndHaarOrthogonal() throws {
    var rng = Random(seed: 9)
    let a: Matrix<Double> = rng.normalMatrix(rows: 6, cols: 4)
    let (q, r) = try qr(a)
    XCTAssertLessThan(relativeError(matmul(q, r).storage, a.storage), 1e-14)
    XCTAssertLessThan(relativeError(matmul(q, q, transposeA: .transposed).storage, Matrix<Double>.identity(4).storage), 1e-14)
    let o: Matrix<Double> = rng.orthogonal(8)
    XCTAssertLessThan(relativeError(matmul(o, o, transposeB: .transposed).storage, Matrix<Double>.identity(8).storage), 1e-14)
    // Sign fix: the mean of the diagonal of Haar matrices is 0; without the fix it is biased positive.
    var sum = 0.0
    for _ in 0..<400 { let m: Matrix<Double> = rng.orthogonal(3); sum += m[0, 0] }
    XCTAssertEqual(sum / 400, 0, accuracy: 0.1)
  }

  func testRandomIsReproducibleAndStreamsAreIndependent() {
    var a = Random(seed: 42, stream: "init"), b = Random(seed: 42, stream: "init"), c = Random(seed: 42, stream: "data")
    let xa = (0..<5).map { _ in a.next() }
    XCTAssertEqual(xa, (0..<5).map { _ in b.next() })
    XCTAssertNotEqual(xa, (0..<5).map { _ in c.next() })
    var n = Random(seed: 1)
    let z = (0..<40_000).map { _ in n.normal() }
    let mean = z.reduce(0, +) / Double(z.count), variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(z.count)
    XCTAssertEqual(mean, 0, accuracy: 0.02)
    XCTAssertEqual(variance, 1, accuracy: 0.03)
    XCTAssertTrue((0..<10_000).allSatisfy { _ in abs(n.truncatedNormal(bound: 2)) <= 2 })
  }

  func testInitialisersHaveTheirStatedVariance() {
    var rng = Random(seed: 7)
    func variance(_ m: Matrix<Double>) -> Double { m.storage.map { $0 * $0 }.reduce(0, +) / Double(m.count) }
    let lecun: Matrix<Double> = Initializer.lecunTruncatedNormal.matrix(fanIn: 400, fanOut: 300, &rng)
    XCTAssertEqual(variance(lecun) * 400, 1, accuracy: 0.02)
    XCTAssertLessThanOrEqual(lecun.maxAbs * 20, 2 / Initializer.truncatedNormalStd + 1e-12)
    let xavier: Matrix<Double> = Initializer.xavierNormal(gain: 3).matrix(fanIn: 300, fanOut: 500, &rng)
    XCTAssertEqual(variance(xavier), 9 * 2 / 800, accuracy: 9 * 2 / 800 * 0.03)
    let xu: Matrix<Double> = Initializer.xavierUniform(gain: 1).matrix(fanIn: 300, fanOut: 500, &rng)
    XCTAssertLessThanOrEqual(xu.maxAbs, (6.0 / 800).squareRoot())
    XCTAssertEqual(variance(xu), 2.0 / 800, accuracy: 2.0 / 800 * 0.03)
    let vs: Matrix<Double> = Initializer.varianceScaling(scale: 2).matrix(fanIn: 300, fanOut: 500, &rng)
    XCTAssertEqual(variance(vs) * 300, 2, accuracy: 0.06)
    let u: Matrix<Double> = Initializer.uniform(scale: 0.5).matrix(fanIn: 300, fanOut: 500, &rng)
    XCTAssertLessThanOrEqual(u.maxAbs, 0.5)
    XCTAssertEqual(variance(u), 0.25 / 3, accuracy: 0.003)
  }

  func testCosineAndAngle() {
    XCTAssertEqual(cosine([1.0, 0], [0, 1]), 0)
    XCTAssertEqual(angleDegrees([1.0, 0], [0, 1]), 90, accuracy: 1e-12)
    XCTAssertEqual(angleDegrees([1.0, 1], [2, 2]), 0, accuracy: 1e-5)   // arccos near 1: a 1e-16 cosine error is ~1e-6°
    XCTAssertEqual(angleDegrees([1.0, 0], [-1, 0]), 180, accuracy: 1e-12)
    XCTAssertEqual(cosine([0.0, 0], [1, 1]), 0)
  }
}

final class ZigguratTests: XCTestCase {
  /// The batched fill keeps the generator's state in registers: it must draw the very stream of the scalar form
  /// (`next()` per draw on the array state, the slow path from it), bit for bit, and leave the same state behind.
  func testBatchedFillDrawsTheScalarStream() {
    var a = Random(seed: 3, stream: "ziggurat-stream"), b = a
    var x = [Double](repeating: 0, count: 200_000)
    x.withUnsafeMutableBufferPointer { a.fillNormal($0.baseAddress!, $0.count) }
    let (k, w, f) = Ziggurat.tables
    var slow = 0
    let y = (0..<x.count).map { _ -> Double in
      let hz = Int32(truncatingIfNeeded: Int64(bitPattern: b.next()) >> 32), iz = Int(hz & 127)
      if hz.magnitude < k[iz] { return Double(hz) * w[iz] }
      slow += 1
      let (z, after) = k.withUnsafeBufferPointer { kp in w.withUnsafeBufferPointer { wp in Ziggurat.tail(hz, iz, b.words, kp, wp, f) } }
      b.words = after
      return z
    }
    // The fast test passes Σ k_i / (128 · 2³¹) of draws (0.972; k_1 = 0 sends layer 1 to the slow path): the slow
    // path's share of the 200 000 first draws is 2.76 % up to binomial noise (σ ≈ 0.04 %).
    let fast = k.reduce(0.0) { $0 + Double($1) } / (128 * 2147483648.0)
    XCTAssertEqual(fast, 0.9724, accuracy: 1e-4)
    XCTAssertEqual(Double(slow) / Double(x.count), 1 - fast, accuracy: 0.002, "the slow path was exercised at its rate")
    XCTAssertEqual(x, y); XCTAssertEqual(a, b)
  }

  /// The stream is pinned: committed runs (DFC's trained feedback) resume on it, so a faster fill must draw the
  /// same bits. A digest of 200 000 draws (2.8 % on the slow path) and the state left behind, recorded at a23deeb.
  func testFillDrawsThePinnedStream() {
    var rng = Random(seed: 5, stream: "ziggurat-pin")
    var x = [Double](repeating: 0, count: 200_000)
    x.withUnsafeMutableBufferPointer { rng.fillNormal($0.baseAddress!, $0.count) }
    let digest = x.enumerated().reduce(UInt64(0)) { $0 &* 0x100_0000_01b3 ^ ($1.element.bitPattern &+ UInt64($1.offset)) }
    XCTAssertEqual(digest, 0xe0cd_8490_0239_2820)
    XCTAssertEqual(rng.state, [0xce4a_83de_f25a_d57f, 0x2204_d877_1003_621d, 0xa507_564a_847f_e8b9, 0x6402_7c5e_129e_f84f])
  }

  /// The ziggurat's normals: moments, tail mass and the Kolmogorov–Smirnov distance to Φ on 10⁶ draws.
  func testZigguratDrawsStandardNormals() {
    var rng = Random(seed: 11, stream: "ziggurat-test")
    let n = 1_000_000
    var z = [Double](repeating: 0, count: n)
    z.withUnsafeMutableBufferPointer { rng.fillNormal($0.baseAddress!, n) }
    let mean = z.reduce(0, +) / Double(n)
    let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
    let kurtosis = z.map { pow($0 - mean, 4) }.reduce(0, +) / Double(n) / (variance * variance)
    XCTAssertEqual(mean, 0, accuracy: 0.005); XCTAssertEqual(variance, 1, accuracy: 0.005); XCTAssertEqual(kurtosis, 3, accuracy: 0.03)
    let tail = Double(z.filter { abs($0) > 3.5 }.count) / Double(n)     // beyond the base strip's r = 3.44
    XCTAssertEqual(tail, 4.6525e-4, accuracy: 1e-4)
    z.sort()
    var ks = 0.0
    for (i, v) in z.enumerated() where i % 97 == 0 {
      let phi = 0.5 * erfc(-v / 2.0.squareRoot())
      ks = max(ks, abs(phi - Double(i) / Double(n)))
    }
    XCTAssertLessThan(ks, 0.002)
  }
}
