import XCTest
import Datasets
import Learning
import Numerics
@testable import Experiments

/// The conv family's runner: the reference accumulator equals BP's change after one step (P26), and a run stopped
/// after its first epoch resumes to the uninterrupted numbers bit for bit (P33 with a checkpoint in between).
final class ConvRunnerTests: XCTestCase {
  override class func setUp() { BLASThreads.set(1) }

  func experiment(epochs: Int) -> ConvExperiment {
    var e = ConvExperiment(name: "conv-test", architecture: .kmnist3(width: 4), rule: .backprop, data: .synthetic(size: 28, channels: 1, trainCount: 200),
                           learningRate: 2, epochs: epochs)
    e.validationLimit = 100; e.officialTest = false
    return e
  }

  func testReferenceAccumulatorEqualsBackpropAfterOneStep() throws {
    var e = experiment(epochs: 1)
    e.alignment = AlignmentSchedule(steps: [1], everyEpoch: false, iterations: 2, samples: 10, control: true)
    let r = try ConvRunner.run(e, seed: 99, data: DataLocations(root: URL(fileURLWithPath: NSTemporaryDirectory())), options: RunOptions(progress: false))
    let first = try XCTUnwrap(r.convolutional?.alignment?.first)
    XCTAssertEqual(first.step, 1)
    for s in first.scores { XCTAssertEqual(try XCTUnwrap(s), 1, accuracy: 1e-5) }
    for c in first.control { XCTAssertLessThan(try XCTUnwrap(c), 0.99, "the shuffled control is not aligned") }
    // After the second step the finite network has moved: the scores are no longer exactly 1, but well above the control.
    let last = try XCTUnwrap(r.convolutional?.alignment?.last)
    XCTAssertEqual(last.step, 2)
  }

  func testResumesToTheUninterruptedNumbers() throws {
    let e = experiment(epochs: 2), data = DataLocations(root: URL(fileURLWithPath: NSTemporaryDirectory()))
    let straight = try ConvRunner.run(e, seed: 99, data: data, options: RunOptions(progress: false))
    let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("conv-resume-\(ProcessInfo.processInfo.processIdentifier)")
    var options = RunOptions(checkpointDirectory: dir, progress: false)
    options.stopAfterSteps = 1
    XCTAssertThrowsError(try ConvRunner.run(e, seed: 99, data: data, options: options))
    options.stopAfterSteps = nil
    let resumed = try ConvRunner.run(e, seed: 99, data: data, options: options)
    XCTAssertTrue(resumed.resumed)
    XCTAssertEqual(resumed.epochs.map(\.trainLoss), straight.epochs.map(\.trainLoss))
    XCTAssertEqual(resumed.epochs.map(\.validationAccuracy), straight.epochs.map(\.validationAccuracy))
    try? FileManager.default.removeItem(at: dir)
  }
}
