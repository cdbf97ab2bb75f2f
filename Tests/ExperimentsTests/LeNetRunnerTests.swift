import XCTest
import Numerics
import Learning
@testable import Experiments

/// The LeNet family's runner (Bioflax README, "Table 4"): a brSF run stopped after its first epoch resumes to the
/// uninterrupted numbers bit for bit (parameters, momentum and brSF's draw stream all carried), and the step
/// schedule divides the rate by 10 after each milestone.
final class LeNetRunnerTests: XCTestCase {
  override class func setUp() { BLASThreads.set(1) }

  func images(_ n: Int, seed: UInt64) -> LeNetRunner.Images {
    var rng = Random(seed: seed, stream: "lenet-test-images")
    return LeNetRunner.Images(x: (0..<n * 1024).map { _ in Float(rng.normal()) }, labels: (0..<n).map { _ in Int32(rng.next() % 10) })
  }

  func testResumesToTheUninterruptedNumbers() throws {
    var e = LeNetExperiment(name: "lenet-resume-test", rule: .batchwiseRandomSignFeedback, dataset: .mnist, learningRate: 0.05, epochs: 3, milestones: [2])
    e.batchSize = 16
    let data = (train: images(96, seed: 1), selection: images(40, seed: 2), test: images(40, seed: 2), checksum: "synthetic")
    let straight = try LeNetRunner.run(e, seed: 3, images: data, options: RunOptions(progress: false))
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lenet-resume-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    var options = RunOptions(checkpointDirectory: dir, progress: false)
    options.stopAfterSteps = 1
    XCTAssertThrowsError(try LeNetRunner.run(e, seed: 3, images: data, options: options)) { XCTAssertTrue($0 is Interrupted) }
    options.stopAfterSteps = nil
    let resumed = try LeNetRunner.run(e, seed: 3, images: data, options: options)
    XCTAssertTrue(resumed.resumed)
    XCTAssertEqual(resumed.epochs.map(\.trainLoss), straight.epochs.map(\.trainLoss))
    XCTAssertEqual(resumed.epochs.map(\.testAccuracy), straight.epochs.map(\.testAccuracy))
    XCTAssertEqual(resumed.lenet?.layerAlignment, straight.lenet?.layerAlignment)
    // Negative control: another seed gives other numbers.
    let other = try LeNetRunner.run(e, seed: 4, images: data, options: RunOptions(progress: false))
    XCTAssertNotEqual(other.epochs.map(\.trainLoss), straight.epochs.map(\.trainLoss))
  }

  func testStepSchedule() {
    let e = LeNetExperiment(name: "s", rule: .backprop, dataset: .mnist, learningRate: 0.1, epochs: 100, milestones: [50, 75])
    XCTAssertEqual(e.learningRate(epoch: 50), 0.1)
    XCTAssertEqual(e.learningRate(epoch: 51), 0.1 * 0.1, accuracy: 1e-15)
    XCTAssertEqual(e.learningRate(epoch: 76), 0.1 * 0.1 * 0.1, accuracy: 1e-15)
  }
}
