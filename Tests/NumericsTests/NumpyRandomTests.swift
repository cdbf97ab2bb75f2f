import XCTest
@testable import Numerics

/// numpy's legacy generator, replayed (P32). Expected values printed by numpy 2.4.6's legacy `RandomState`:
///     python3 -c "import numpy as np; np.random.seed(99); print(np.random.normal(size=4).tolist())"
/// and likewise for the other lines (each after `np.random.seed(...)`).
final class NumpyRandomTests: XCTestCase {
  func testNormalsAfterSeed99() {
    var r = NumpyRandom(seed: 99)
    XCTAssertEqual(r.normal(count: 4), [-0.14235884270194815, 2.0572217375814947, 0.2832619411060342, 1.329811978256545])
    var zero = NumpyRandom(seed: 0)
    XCTAssertEqual(zero.normal(count: 5), [1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458, 1.8675579901499675])
  }

  func testUniformDoubles() {
    var r = NumpyRandom(seed: 7)   // np.random.seed(7); np.random.random_sample(3)
    XCTAssertEqual((0..<3).map { _ in r.nextDouble() }, [0.07630828937395717, 0.7799187922401146, 0.4384092314408935])
  }

  func testCoinFlipsAndPermutations() {
    var r = NumpyRandom(seed: 99)   // np.random.binomial(1, 0.5, size=16)
    XCTAssertEqual((0..<16).map { _ in r.coinFlip() }, [1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0])
    r = NumpyRandom(seed: 99)
    XCTAssertEqual(Array(r.permutation(300).prefix(10)), [43, 15, 271, 137, 214, 284, 10, 49, 7, 2])
    r = NumpyRandom(seed: 99)
    XCTAssertEqual(Array(r.permutation(45000).prefix(5)), [14993, 23053, 2743, 26075, 11085])
  }

  /// The cached Gaussian survives a call boundary and a change of scale, and `seed` clears it.
  func testCachedGaussian() {
    var r = NumpyRandom(seed: 99)
    _ = r.normal(count: 3)
    XCTAssertEqual(r.normal(count: 1, scale: 0.5)[0], 0.6649059891282725)
    var s = NumpyRandom(seed: 99)
    XCTAssertEqual(0.5 * s.normal(count: 4)[3], 0.6649059891282725)
    XCTAssertNil(s.cachedGauss, "an even number of normals leaves nothing cached")
    _ = s.normal(count: 1)
    XCTAssertNotNil(s.cachedGauss)
    s = NumpyRandom(seed: 99)
    XCTAssertNil(s.cachedGauss, "seed clears the cache")
  }
}
