import Foundation
import XCTest
@testable import Datasets
import Numerics

/// bioflax's teacher task rebuilt from its JAX keys (issue 16), against what JAX 0.4.20 / flax 0.7.5 computed
/// (Tests/Vectors/jax-random.json, from Tests/Vectors/generators/jax_random.py).
final class BioflaxJaxTeacherTests: XCTestCase {
  func testFirstTrainingBatchesAreBioflaxs() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Vectors/jax-random.json")
    let v = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    let xs = (v["train x, first 2 batches of 32, bits"] as! [NSNumber]).map { Double(Float(bitPattern: $0.uint32Value)) }
    let ys = (v["train y, first 2 batches (float32 as float)"] as! [NSNumber]).map(\.doubleValue)
    // The pool before the split: 50 batches of 32; the split keeps rows in a permutation, so find them by value.
    let p: Problem<Double> = SyntheticRegression.bioflaxFromJaxKeys(task: .teacher, jaxSeed: 0)
    XCTAssertEqual(p.train.count + p.validation.count, 1600)
    XCTAssertEqual(p.train.count, 1440)
    XCTAssertEqual(p.test.count, 320)
    let pool = p.train.features.storage + p.validation.features.storage
    let targets = p.train.targets!.storage.chunked(10) + p.validation.targets!.storage.chunked(10)
    var worst = 0.0
    for (k, x) in xs.enumerated() {
      guard let row = pool.firstIndex(of: x) else { return XCTFail("input \(k) (\(x)) is not in the pool: the inputs are not bioflax's") }
      for j in 0..<10 { worst = max(worst, abs(targets[row][j] - ys[k * 10 + j]) / max(1e-3, abs(ys[k * 10 + j]))) }
    }
    // Targets: the teacher in Double from float32 weights within 3 ulp, against bioflax's float32 forward pass.
    XCTAssertLessThan(worst, 1e-5, "worst relative target difference \(worst)")
    let suite: Problem<Double> = SyntheticRegression.teacher(seed: 0)
    XCTAssertNil((suite.train.features.storage + suite.validation.features.storage).firstIndex(of: xs[0]), "control: the suite's own stream draws other inputs")
  }
}

extension Array {
  func chunked(_ n: Int) -> [[Element]] { stride(from: 0, to: count, by: n).map { Array(self[$0..<Swift.min($0 + n, count)]) } }
}

/// The DFC teacher as the official code draws it (numpy's and torch's streams, seed 42), against what torch 2.1.0 and
/// the official `generate_data_from_teacher` produced (Tests/Vectors/dfc-teacher-torch.json, from
/// Tests/Vectors/generators/dfc_teacher_torch.py).
final class DFCOfficialTeacherTests: XCTestCase {
  nonisolated(unsafe) static let vector: [String: Any] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Vectors/dfc-teacher-torch.json")
    return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
  }()
  func bits(_ key: String) -> [Double] { (Self.vector[key] as! [NSNumber]).map { Double(bitPattern: $0.uint64Value) } }
  func doubles(_ key: String) -> [Double] { (Self.vector[key] as! [NSNumber]).map(\.doubleValue) }

  func testTorchNormalsAreExact() {
    var t = TorchRandom(seed: 42)
    XCTAssertEqual(t.normal(count: 40), bits("manual_seed(42): normal_(0, 1) on 40 float64 (bits)"), "40: two blocks and a redrawn tail")
    XCTAssertEqual(t.normal(count: 37, mean: 0.5, std: 2), bits("then normal_(0.5, 2) on 37 float64 (bits)"))
    var other = TorchRandom(seed: 43)
    XCTAssertNotEqual(other.normal(count: 40), bits("manual_seed(42): normal_(0, 1) on 40 float64 (bits)"), "control: another seed")
  }

  func testFigure3TeacherIsTheOfficialOne() {
    let p: Problem<Double> = SyntheticRegression.dfcTeacherOfficial(inputs: 15, outputs: 5)
    XCTAssertEqual(Array(p.train.features.storage[0..<45]), bits("fig3 teacher (15 → 4×1000 ReLU → 5, seed 42): train x[0:3] (bits)"))
    func close(_ ours: [Double], _ theirs: [Double], _ name: String) {
      let worst = zip(ours, theirs).map { abs($0 - $1) / max(1, abs($1)) }.max()!
      XCTAssertLessThan(worst, 1e-12, "\(name): worst relative difference \(worst)")
    }
    close(Array(p.train.targets!.storage[0..<20]), doubles("train y[0:4]"), "train y")
    close(Array(p.test.targets!.storage[0..<10]), doubles("test y[0:2]"), "test y")
    close(Array(p.validation.targets!.storage[0..<10]), doubles("val y[0:2]"), "validation y")
    let suite: Problem<Double> = SyntheticRegression.dfcTeacher(inputs: 15, outputs: 5)
    XCTAssertGreaterThan(abs(suite.train.targets!.storage[0] - doubles("train y[0:4]")[0]), 1e-3, "control: the suite's own teacher differs")
  }
}
