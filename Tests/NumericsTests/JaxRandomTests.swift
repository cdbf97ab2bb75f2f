import Foundation
import XCTest
@testable import Numerics

/// JAX's threefry stream and flax's parameter keys, replayed (issue 16). Expected values: Tests/Vectors/jax-random.json,
/// written by JAX 0.4.20 and flax 0.7.5 (bioflax's pinned versions) with Tests/Vectors/generators/jax_random.py.
final class JaxRandomTests: XCTestCase {
  nonisolated(unsafe) static let vector: [String: Any] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Vectors/jax-random.json")
    return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
  }()
  func words(_ key: String) -> [UInt32] { (Self.vector[key] as! [NSNumber]).map { $0.uint32Value } }
  func keys(_ key: String) -> [JaxKey] { (Self.vector[key] as! [[NSNumber]]).map { JaxKey($0[0].uint32Value, $0[1].uint32Value) } }
  func floats(_ key: String) -> [Float] { words(key).map { Float(bitPattern: $0) } }
  /// The distance in units in the last place between two floats of the same sign (0 for equal bits).
  func ulps(_ a: Float, _ b: Float) -> Int { a.sign == b.sign ? abs(Int(a.bitPattern) - Int(b.bitPattern)) : Int.max }

  func testKeysSplitAndFoldInAreExact() {
    let k0 = JaxKey(seed: 0)
    XCTAssertEqual([k0.k0, k0.k1], words("PRNGKey(0)"))
    let split = k0.split(3)
    XCTAssertEqual(split, keys("split(PRNGKey(0), 3)"))
    // bioflax's data seed is the first word of the first key, 2 467 461 003, above 2³¹.
    let seed = (Self.vector["data seed"] as! NSNumber).uint32Value
    XCTAssertEqual(split[0].k0, seed)
    let data = JaxKey(seed: seed)
    XCTAssertEqual([data.k0, data.k1], words("PRNGKey(data seed)"))
    let halves = data.split()
    let testTrain = halves[1].split()
    XCTAssertEqual([halves[0], testTrain[0], testTrain[1]], keys("model, test, train keys"))
    let folded = k0.foldIn(7)
    XCTAssertEqual([folded.k0, folded.k1], words("fold_in(PRNGKey(0), 7)"))
    XCTAssertEqual(JaxRandom.bits(k0, count: 5), words("bits(PRNGKey(0), 5)"))
    XCTAssertNotEqual(JaxKey(seed: 1).split(3), split, "control: another seed, other keys")
  }

  func testUniformIsExact() {
    let kd = JaxKey(seed: 0).split(3)[0]
    XCTAssertEqual(JaxRandom.uniform(kd, count: 1001).map(\.bitPattern), words("uniform(kd, 1001) bits"), "an odd count pads the counters")
    XCTAssertEqual(JaxRandom.uniform(kd, count: 9, minval: -1.3, maxval: 2.7).map(\.bitPattern), words("uniform(kd, 9, -1.3, 2.7) bits"))
  }

  /// Normal and truncated normal go through erf⁻¹, which XLA evaluates with its own float32 log1p (here: libm's,
  /// in Double): equal within 3 ulp, and most values exactly. Without the fused multiply-adds XLA compiles, the
  /// truncated normal was up to 157 ulp off (the control of the first run of this test).
  func testNormalsAgreeToAnUlpOrTwo() {
    let kd = JaxKey(seed: 0).split(3)[0]
    for (ours, theirs, name) in [(JaxRandom.normal(kd, count: 1001), floats("normal(kd, 1001) bits"), "normal"),
                                 (JaxRandom.truncatedNormal(kd, lower: -2, upper: 2, count: 1001), floats("truncated_normal(kd, -2, 2, 1001) bits"), "truncated normal")] {
      let d = zip(ours, theirs).map { ulps($0, $1) }
      XCTAssertLessThanOrEqual(d.max()!, 3, "\(name): worst \(d.max()!) ulp")
      XCTAssertGreaterThan(d.filter { $0 == 0 }.count, 800, "\(name): \(d.filter { $0 == 0 }.count) of 1001 exact")
      print("jax \(name): \(d.filter { $0 == 0 }.count) of 1001 exact, worst \(d.max()!) ulp")
    }
    XCTAssertTrue(JaxRandom.truncatedNormal(kd, lower: -2, upper: 2, count: 1001).allSatisfy { abs($0) < 2 })
  }

  /// SHA-1 against FIPS 180-4's examples ("abc", the empty message, a two-block message).
  func testSHA1() {
    func hex(_ s: String) -> String { SHA1.digest(Array(s.utf8)).map { String(format: "%02x", $0) }.joined() }
    XCTAssertEqual(hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d")
    XCTAssertEqual(hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    XCTAssertEqual(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"), "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
  }

  /// bioflax's teacher (seed 0): flax's kernel keys (path "Dense_i", draw 1) and lecun_normal give its weights.
  func testFlaxTeacherKernels() {
    let seed = (Self.vector["data seed"] as! NSNumber).uint32Value
    let model = JaxKey(seed: seed).split()[0]
    let expected = (Self.vector["teacher kernels bits"] as! [[NSNumber]]).map { $0.map { Float(bitPattern: $0.uint32Value) } }
    let sizes = [1, 64, 32, 10]
    for i in 0..<3 {
      let ours = JaxRandom.lecunNormalKernel(JaxRandom.flaxKey(model, path: ["Dense_\(i)"], counter: 1), fanIn: sizes[i], fanOut: sizes[i + 1])
      let d = zip(ours, expected[i]).map { ulps($0, $1) }
      XCTAssertEqual(ours.count, expected[i].count)
      XCTAssertLessThanOrEqual(d.max()!, 2, "Dense_\(i): worst \(d.max()!) ulp")
    }
    let wrongPath = JaxRandom.lecunNormalKernel(JaxRandom.flaxKey(model, path: ["Dense_1"], counter: 1), fanIn: 1, fanOut: 64)
    XCTAssertGreaterThan(zip(wrongPath, expected[0]).map { abs($0 - $1) }.max()!, 0.1, "control: another layer's key")
  }
}
