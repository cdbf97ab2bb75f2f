import XCTest
import Numerics
@testable import Experiments

/// `--table official`'s verdicts and checks (README "Side by side with the official codes").
final class OfficialComparisonTests: XCTestCase {
  /// Student's t tail against closed forms and tabulated quantiles: ν = 1 (Cauchy) P(|T| ≥ t) = 1 − (2/π) atan t;
  /// ν = 2: 1 − t/√(2 + t²); the 97.5 % quantiles 12.706 (ν 1), 2.776 (ν 4), 1.960 (ν → ∞) give p = 0.05.
  func testStudentTTail() {
    for t in [0.3, 1.0, 2.5, 10.0] {
      XCTAssertEqual(StudentT.twoSidedP(t, degreesOfFreedom: 1), 1 - 2 / Double.pi * atan(t), accuracy: 1e-12)
      XCTAssertEqual(StudentT.twoSidedP(t, degreesOfFreedom: 2), 1 - t / (2 + t * t).squareRoot(), accuracy: 1e-12)
    }
    XCTAssertEqual(StudentT.twoSidedP(12.706, degreesOfFreedom: 1), 0.05, accuracy: 1e-4)
    XCTAssertEqual(StudentT.twoSidedP(2.776, degreesOfFreedom: 4), 0.05, accuracy: 1e-4)
    XCTAssertEqual(StudentT.twoSidedP(1.95996, degreesOfFreedom: 1e7), 0.05, accuracy: 1e-4)
    XCTAssertEqual(StudentT.twoSidedP(0, degreesOfFreedom: 4), 1, accuracy: 1e-12)
  }

  /// Within the seeds' range (widened by 1e-3 of the value) or not, with the distance in suite sd.
  func testVerdicts() {
    let values = [1.0, 2.0, 3.0]
    XCTAssertEqual(OfficialComparison.verdict(official: 2.5, values: values), "within seed range")
    XCTAssertEqual(OfficialComparison.verdict(official: 3.002, values: values), "within seed range")   // round-off allowance
    XCTAssertEqual(OfficialComparison.verdict(official: 5.0, values: values), "outside seed range (3.0 sd)")
    XCTAssertEqual(OfficialComparison.verdict(official: 1.0, values: []), "not run")
  }

  /// The checks: official values drawn from the suite's own distribution pass; a shifted set fails both.
  func testChecksOnSyntheticTables() {
    var rng = Random(seed: 4)
    func rows(shift: Double) -> [TableRow] {
      (0..<60).map { k in
        let values = (0..<5).map { _ in rng.normal() }
        return OfficialComparison.row(method: "m\(k)", column: "c", official: rng.normal() + shift, values: values, source: "test")
      }
    }
    XCTAssertEqual(OfficialComparison.checks(rows(shift: 0), seeds: 5).map(\.holds), [true, true])
    XCTAssertEqual(OfficialComparison.checks(rows(shift: 8), seeds: 5).map(\.holds), [false, false])
  }

  func testDerivedRounding() {
    XCTAssertEqual(OfficialComparison.derived(100 * 0.9757, digits: 4), 97.57)
    XCTAssertEqual(OfficialComparison.derived(0.030940 / 0.027576), 1.122)
  }
}
