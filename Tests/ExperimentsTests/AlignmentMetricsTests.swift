import XCTest
import Learning
@testable import Experiments

/// Bioflax README P24, P27: the metric formulas on small hand-computed vectors.
final class AlignmentMetricsTests: XCTestCase {
  // Layout 1-2-1: W1 (1×2) at 0..<2, b1 at 2..<4, W2 (2×1) at 4..<6, b2 at 6.
  let layout = ParameterLayout(sizes: [1, 2, 1])

  func testIdenticalOppositeAndScaledGradients() {
    let g: [Double] = [1, 2, 3, 4, 5, 6, 7]
    let same = AlignmentMetrics.gradient(layout: layout, bp: g, rule: g.map { 3 * $0 })
    XCTAssertEqual(same["Gradient alignment"]!, 1, accuracy: 1e-15)
    XCTAssertEqual(same["Relative norms gradients"]!, 1.0 / 3, accuracy: 1e-15)
    let opposite = AlignmentMetrics.gradient(layout: layout, bp: g, rule: g.map { -$0 })
    XCTAssertEqual(opposite["Alignment gradient layer 0"]!, -1, accuracy: 1e-15)
  }

  func testPerLayerCombinedBiasOnlyAndTotalCosines() {
    let bp: [Double] = [1, 0, 0, 1, 1, 1, 2]
    let rule: [Double] = [0, 1, 0, 1, 1, -1, 2]
    let m = AlignmentMetrics.gradient(layout: layout, bp: bp, rule: rule)
    // Layer 0: [b; W] = [0, 1, 1, 0] vs [0, 1, 0, 1]: ⟨⟩ = 1, norms √2 √2 → 0.5. Bias only: [0,1]·[0,1] = 1.
    XCTAssertEqual(m["Alignment gradient layer 0"]!, 0.5, accuracy: 1e-15)
    XCTAssertEqual(m["Alignment bias gradient layer 0"]!, 1, accuracy: 1e-15)
    // Layer 1: [2; 1, 1] vs [2; 1, −1]: ⟨⟩ = 4, norms √6 √6 → 2/3.
    XCTAssertEqual(m["Alignment gradient layer 1"]!, 4.0 / 6, accuracy: 1e-15)
    // Total: ⟨⟩ = 1 + 4 = 5, norms √8 √8 → 5/8; norm ratio 1.
    XCTAssertEqual(m["Gradient alignment"]!, 5.0 / 8, accuracy: 1e-15)
    XCTAssertEqual(m["Relative norms gradients"]!, 1, accuracy: 1e-15)
  }

  func testZeroNormGivesNaNAsBioflaxDoes() {
    let m = AlignmentMetrics.gradient(layout: layout, bp: [1, 1, 0, 0, 1, 1, 1], rule: [1, 1, 0, 0, 1, 1, 1])
    XCTAssertTrue(m["Alignment bias gradient layer 0"]!.isNaN)
  }
}
