import Foundation
import XCTest
@testable import Datasets
import Learning
import Numerics
import Plotting
@testable import Experiments

final class ExperimentsTests: XCTestCase {
  let experiment = Experiment(name: "resume-test", data: DataSpec(dataset: .sinreg, dataSeed: 1), hidden: [16, 16],
                              activation: .tanh, initializer: .xavierUniform(gain: 1), rule: .backprop,
                              loss: .meanSquaredError(half: true, reduction: .batchAndOutputs),
                              optimizer: .adam(learningRate: 1e-2), batchSize: 32, epochs: 4, seeds: [1])

  func testInterruptedRunResumesToTheSameNumbers() throws {
    let problem: Problem<Double> = SyntheticRegression.sine(seed: 1)
    var e = experiment; e.precision = .double
    let uninterrupted = try Runner.run(e, seed: 1, problem: problem, options: RunOptions(progress: false))
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    var options = RunOptions(checkpointDirectory: dir, progress: false)
    options.stopAfterSteps = 70          // mid-epoch 2 of 45 batches per epoch
    XCTAssertThrowsError(try Runner.run(e, seed: 1, problem: problem, options: options)) { XCTAssertTrue($0 is Interrupted) }
    options.stopAfterSteps = nil
    let resumed = try Runner.run(e, seed: 1, problem: problem, options: options)
    XCTAssertTrue(resumed.resumed)
    XCTAssertEqual(resumed.epochs.map(\.testLoss), uninterrupted.epochs.map(\.testLoss))
    XCTAssertEqual(resumed.epochs.map(\.trainLoss), uninterrupted.epochs.map(\.trainLoss))
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])   // checkpoint removed on success
    XCTAssertLessThan(uninterrupted.final!.testLoss, uninterrupted.epochs[0].testLoss)
  }

  /// A run resumed under other code names both commits, oldest first; the control, resumed under the same code,
  /// names one (the record's `commit`). A checkpoint that did not keep its commits says the earlier one is unknown.
  func testAResumeUnderOtherCodeNamesEveryCommit() throws {
    let problem: Problem<Double> = SyntheticRegression.sine(seed: 1)
    var e = experiment; e.precision = .double; e.epochs = 2
    func commit(_ c: String) -> Provenance { Provenance(commit: c, dirty: false, machine: "test", date: "") }
    func interruptedThenResumed(first: String, then: String) throws -> RunRecord {
      let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)")
      defer { try? FileManager.default.removeItem(at: dir) }
      var options = RunOptions(checkpointDirectory: dir, progress: false)
      options.stopAfterSteps = 50; options.provenance = commit(first)
      XCTAssertThrowsError(try Runner.run(e, seed: 1, problem: problem, options: options)) { XCTAssertTrue($0 is Interrupted) }
      options.stopAfterSteps = nil; options.provenance = commit(then)
      return try Runner.run(e, seed: 1, problem: problem, options: options)
    }
    let across = try interruptedThenResumed(first: "aaa", then: "bbb")
    XCTAssertEqual(across.commits, ["aaa", "bbb"]); XCTAssertEqual(across.commit, "bbb")
    let same = try interruptedThenResumed(first: "aaa", then: "aaa")
    XCTAssertTrue(same.resumed); XCTAssertNil(same.commits); XCTAssertEqual(same.commit, "aaa")
    // The record's JSON keeps the list, and a record without one still decodes.
    let decoded = try suiteJSONDecoder().decode(RunRecord.self, from: Data(try canonicalJSON(across).utf8))
    XCTAssertEqual(decoded.commits, ["aaa", "bbb"])
    XCTAssertEqual(SegmentCommits.after(nil, resumed: true, current: "bbb"), [SegmentCommits.unknown, "bbb"])
    XCTAssertEqual(SegmentCommits.after(nil, resumed: false, current: "bbb"), ["bbb"])
    XCTAssertEqual(SegmentCommits.after(["aaa", "bbb"], resumed: true, current: "aaa"), ["aaa", "bbb", "aaa"])
  }

  func testVerdictsAreComputed() {
    let ref = Reference(value: 2.0, std: 0.1, source: "Table 1")
    XCTAssertEqual(TableRow(method: "BP", column: "error", reference: ref, values: [2.1, 2.2], tolerance: 0).verdict, "within band")
    XCTAssertEqual(TableRow(method: "BP", column: "error", reference: ref, values: [3.0, 3.1], tolerance: 0).verdict, "outside band")
    XCTAssertEqual(TableRow(method: "BP", column: "error", reference: nil, values: [3.0], tolerance: 0).verdict, "no reference")
    XCTAssertEqual(TableRow(method: "BP", column: "error", reference: ref, values: nil, tolerance: 0).verdict, "not run")
    let s = Summary([1, 2, 3])
    XCTAssertEqual(s.mean, 2); XCTAssertEqual(s.std, 1); XCTAssertEqual(s.n, 3)
  }

  func testGnuplotRendersAPNGThatLibpngReads() throws {
    guard Gnuplot.isAvailable else { throw XCTSkip("gnuplot is not installed") }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fig-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let files = FigureFiles(directory: dir, name: "test")
    try writeCSV(files.csv, header: ["x", "y"], rows: (0..<20).map { [Double($0), Double($0 * $0)] })
    try writeAtomically(Gnuplot.preamble(png: "test.png", width: 640, height: 480) + "plot 'test.csv' using 1:2 with lines\n", to: files.script)
    XCTAssertNil(Gnuplot.render(files))
    let png = try inspectPNG(files.png.path)
    XCTAssertEqual(png.width, 640); XCTAssertEqual(png.height, 480); XCTAssertFalse(png.isBlank)
    XCTAssertThrowsError(try inspectPNG(files.csv.path))
  }

  /// A missing data file and a curve without points are failures, not "ok" (negative controls for the above).
  func testGnuplotWarningsAreFailures() throws {
    guard Gnuplot.isAvailable else { throw XCTSkip("gnuplot is not installed") }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fig-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let files = FigureFiles(directory: dir, name: "bad")
    try writeCSV(files.csv, header: ["x", "y"], rows: (0..<5).map { [Double($0), .nan] })
    for (body, expected) in [("plot 'nosuch.csv' using 1:2 with lines\n", "Cannot find or open file"),
                             ("plot 'bad.csv' using 1:2 with lines\n", "bad.gp")] {
      try writeAtomically(Gnuplot.preamble(png: "bad.png") + body, to: files.script)
      let problem = Gnuplot.render(files)
      XCTAssertNotNil(problem, body)
      XCTAssertTrue(problem?.contains(expected) ?? false, problem ?? "")
    }
  }

  /// One naming rule: the artefact's default scale has the plain name, every other scale its suffix, and a
  /// figure or table whose name breaks the rule is refused before anything is written.
  func testFileNamesCarryTheScale() throws {
    var c = ArtefactContext(scale: .smoke, seedCount: nil, outputRoot: FileManager.default.temporaryDirectory,
                            packageRoot: FileManager.default.temporaryDirectory, data: DataLocations(root: FileManager.default.temporaryDirectory), json: false)
    XCTAssertEqual(c.fileName("table1"), "table1-smoke")
    XCTAssertThrowsError(try c.checkFileName("table1"))
    XCTAssertNoThrow(try c.checkFileName("table1-smoke"))
    XCTAssertEqual(c.runCache("bioflax").lastPathComponent, "smoke")
    c.scale = .full
    XCTAssertEqual(c.fileName("fig3"), "fig3-full"); XCTAssertEqual(c.runCache("dfc").lastPathComponent, "runs")
    c.scale = .quick
    XCTAssertEqual(c.fileName("fig3"), "fig3"); XCTAssertNoThrow(try c.checkFileName("fig3"))
    c.defaultScale = .full; c.scale = .full
    XCTAssertEqual(c.fileName("fig3"), "fig3")
    let result = TableResult(paper: "x", target: "table1", title: "t", scale: .smoke, provenance: Provenance.current(packageRoot: c.packageRoot),
                             seeds: [], wallSeconds: 0, unit: "", tolerance: 0, rows: [], checks: [], notes: [], runs: [])
    c.scale = .smoke
    XCTAssertThrowsError(try result.publish(c)) { XCTAssertTrue($0 is ArtefactNameError) }
  }

  /// Every cell shows its own note, unless all cells of the row share one (shown once): a row with one seed of five
  /// in its first, second and last cells and a cost note between says "1 of 5 seeds" in all three.
  func testEveryCellShowsItsNoteUnlessTheRowSharesOne() {
    func row(_ column: String, _ note: String?) -> TableRow {
      TableRow(method: "m", column: column, reference: nil, values: [1], tolerance: 0, note: note)
    }
    func cells(_ notes: [String?]) -> [String] {
      let rows = notes.enumerated().map { row("c\($0)", $1) }
      let t = TableResult(paper: "x", target: "t", title: "t", scale: .full, provenance: Provenance(commit: "c", dirty: false, machine: "m", date: "d"),
                          seeds: [1], wallSeconds: 0, unit: "", tolerance: 0, rows: rows, checks: [], notes: [], runs: [])
      let line = t.markdown.split(separator: "\n").first { $0.hasPrefix("| m |") }!
      return line.split(separator: "|").dropFirst(1).map { $0.trimmingCharacters(in: .whitespaces) }
    }
    let seeds = "1 of 5 seeds", cost = "not run here"
    let mixed = cells([seeds, seeds, cost, seeds])
    XCTAssertEqual(mixed.map { $0.contains("[\(seeds)]") }, [true, true, false, true])
    XCTAssertEqual(mixed.map { $0.contains("[\(cost)]") }, [false, false, true, false])
    XCTAssertEqual(cells([seeds, seeds, seeds]).map { $0.contains("[") }, [true, false, false], "control: one shared note shows once")
  }

  /// A stop signal (Ctrl-C, SIGTERM, Slurm's SIGUSR1) writes the checkpoint at the next minibatch and throws
  /// `Interrupted` naming it; the same run then resumes to the numbers of an uninterrupted run.
  func testStopSignalCheckpointsAndTheRunResumes() throws {
    let problem: Problem<Double> = SyntheticRegression.sine(seed: 1)
    var e = experiment; e.precision = .double; e.epochs = 2
    let uninterrupted = try Runner.run(e, seed: 1, problem: problem, options: RunOptions(progress: false))
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir); StopSignal.reset() }
    let options = RunOptions(checkpointDirectory: dir, progress: false)
    StopSignal.request(SIGUSR1)
    XCTAssertThrowsError(try Runner.run(e, seed: 1, problem: problem, options: options)) { error in
      guard let i = error as? Interrupted else { return XCTFail("\(error)") }
      XCTAssertEqual(i.checkpoints.count, 1)
      XCTAssertTrue(FileManager.default.fileExists(atPath: i.checkpoints[0].path))
      XCTAssertTrue("\(i)".contains("Run the same command again to resume"))
    }
    StopSignal.reset()
    let resumed = try Runner.run(e, seed: 1, problem: problem, options: options)
    XCTAssertTrue(resumed.resumed)
    XCTAssertEqual(resumed.epochs.map(\.testLoss), uninterrupted.epochs.map(\.testLoss))
  }
}

/// GAIT-prop's runner: exact resume across an epoch boundary, and the angle metric.
final class InvertibleRunnerTests: XCTestCase {
  // One BLAS thread, as the suite runs: a second thread spin-waits on a shared 2-core machine (measured 15× slower).
  override class func setUp() { BLASThreads.set(1) }
  func problem() -> Problem<Double> {
    var rng = Random(seed: 4)
    func part(_ n: Int) -> Examples<Double> {
      Examples(features: rng.uniformMatrix(rows: n, cols: 784, 0, 1), labels: (0..<n).map { _ in Int32(rng.next() % 10) })
    }
    return Problem(name: "synthetic", train: part(600), validation: part(0), test: part(120), outputWidth: 10, checksum: "synthetic")
  }

  func testResumeIsExactAcrossAnEpochBoundary() throws {
    var e = InvertibleExperiment(name: "resume-test", dataset: .mnist, architecture: .tower, rule: .gait(gamma: 1e-3, deviationForm: false),
                                 learningRate: 1e-4, orthoLambda: 0.1, batches: 25, evaluation: InvertibleEvaluation(every: 4, trainRows: 100))
    e.shuffle = true; e.angleEvery = 3
    let p = problem()
    var quiet = RunOptions(progress: false)
    let whole = try InvertibleRunner.run(e, seed: 2, problem: p, options: quiet)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gait-resume-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    quiet.checkpointDirectory = dir
    quiet.stopAfterSteps = 13      // 10 batches per epoch: stops inside the second epoch
    XCTAssertThrowsError(try InvertibleRunner.run(e, seed: 2, problem: p, options: quiet)) { XCTAssertTrue($0 is Interrupted) }
    quiet.stopAfterSteps = nil
    let resumed = try InvertibleRunner.run(e, seed: 2, problem: p, options: quiet)
    XCTAssertTrue(resumed.resumed)
    XCTAssertEqual(resumed.invertible?.curve, whole.invertible?.curve)
    XCTAssertEqual(resumed.invertible?.angles, whole.invertible?.angles)
    XCTAssertEqual(whole.invertible?.curve.map(\.batch), [0, 4, 8, 12, 16, 20, 24, 25])
    XCTAssertEqual(whole.invertible?.angles?.last?.degrees.last, 0, "the output layer's update is BP's (P3)")
  }

  /// The league's tower section chooses its rate on a validation split: every evaluation measures it, on the
  /// validation rows and not on another part (here the test rows, copied: the two must agree exactly).
  func testAValidationSplitIsEvaluatedWithTheOtherParts() throws {
    let e = InvertibleExperiment(name: "validation-test", dataset: .mnist, architecture: .tower, rule: .backprop,
                                 learningRate: 1e-3, orthoLambda: 0, batches: 20, evaluation: InvertibleEvaluation(every: 10))
    var p = problem()
    let quiet = RunOptions(progress: false)
    let without = try InvertibleRunner.run(e, seed: 1, problem: p, options: quiet)
    XCTAssertTrue(without.invertible!.curve.allSatisfy { $0.validationAccuracy == nil && $0.validationLoss == nil })
    p.validation = p.test
    let with = try InvertibleRunner.run(e, seed: 1, problem: p, options: quiet)
    let curve = with.invertible!.curve
    XCTAssertEqual(curve.map(\.batch), [0, 10, 20])
    XCTAssertEqual(curve.map(\.validationAccuracy), curve.map(\.testAccuracy))
    XCTAssertEqual(curve.map(\.validationLoss), curve.map(\.testLoss))
    XCTAssertNotEqual(curve.last!.testLoss, curve.first!.testLoss, "training moved the network")
    // Training time excludes the evaluations: positive and below the run's wall time.
    let t = try XCTUnwrap(with.invertible?.trainingSeconds)
    XCTAssertGreaterThan(t, 0)
    XCTAssertLessThan(t, with.wallSeconds)
  }

  func testAngleIsWellConditioned() {
    func angle(_ a: [Double], _ b: [Double]) -> Double {
      a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { InvertibleRunner.angle(pa, $0) } }
    }
    XCTAssertEqual(angle([1, 2, 3], [2, 4, 6]), 0)
    XCTAssertEqual(angle([1, 0], [0, 3]), 90, accuracy: 1e-12)
    XCTAssertEqual(angle([1, 1], [-1, -1]), 180, accuracy: 1e-12)
    XCTAssertEqual(angle([1, 1e-9], [1, 0]), 1e-9 * 180 / .pi, accuracy: 1e-18)   // arccos would return 0
  }
}

/// DFC's runner: a run interrupted after an epoch resumes to the same logs and losses.
final class DFCRunnerTests: XCTestCase {
  override class func setUp() { BLASThreads.set(1) }

  func testResumeIsExact() throws {
    let e = experiment()
    let p = try DFCRunner.problem(e, DataLocations(root: FileManager.default.temporaryDirectory)) as Problem<Double>
    var options = RunOptions(progress: false)
    let whole = try DFCRunner.train(e, seed: 1, problem: p, options: options, as: Double.self).record
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dfc-resume-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    options.checkpointDirectory = dir
    options.stopAfterSteps = 1          // DFC: stop after this many completed epochs
    XCTAssertThrowsError(try DFCRunner.train(e, seed: 1, problem: p, options: options, as: Double.self)) { XCTAssertTrue($0 is Interrupted) }
    options.stopAfterSteps = nil
    let resumed = try DFCRunner.train(e, seed: 1, problem: p, options: options, as: Double.self).record
    XCTAssertTrue(resumed.resumed)
    XCTAssertEqual(resumed.controlled?.forward, whole.controlled?.forward)
    XCTAssertEqual(resumed.controlled?.feedback, whole.controlled?.feedback)
    XCTAssertEqual(resumed.epochs.map(\.testLoss), whole.epochs.map(\.testLoss))
    XCTAssertEqual(whole.epochs.count, 3)
  }

  /// The DFC runner keeps the commits of a run's stretches in its checkpoint (control: the same code twice names one).
  func testAResumeUnderOtherCodeNamesEveryCommit() throws {
    let e = experiment()
    let p = try DFCRunner.problem(e, DataLocations(root: FileManager.default.temporaryDirectory)) as Problem<Double>
    func resumed(first: String, then: String) throws -> RunRecord {
      let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dfc-commits-\(UUID().uuidString)")
      defer { try? FileManager.default.removeItem(at: dir) }
      var options = RunOptions(checkpointDirectory: dir, progress: false)
      options.stopAfterSteps = 1; options.provenance = Provenance(commit: first, dirty: false, machine: "test", date: "")
      XCTAssertThrowsError(try DFCRunner.train(e, seed: 1, problem: p, options: options, as: Double.self)) { XCTAssertTrue($0 is Interrupted) }
      options.stopAfterSteps = nil; options.provenance = Provenance(commit: then, dirty: false, machine: "test", date: "")
      return try DFCRunner.train(e, seed: 1, problem: p, options: options, as: Double.self).record
    }
    XCTAssertEqual(try resumed(first: "aaa", then: "bbb").commits, ["aaa", "bbb"])
    XCTAssertNil(try resumed(first: "aaa", then: "aaa").commits)
  }

  /// A stop inside an epoch keeps the last epoch boundary's checkpoint, and the message says so (it does not claim a
  /// checkpoint of the moment). Control: a stop at an epoch boundary (stopAfterSteps) says "written".
  func testStopInsideAnEpochNamesTheBoundaryItResumesFrom() throws {
    let e = experiment()
    let p = try DFCRunner.problem(e, DataLocations(root: FileManager.default.temporaryDirectory)) as Problem<Double>
    var options = RunOptions(progress: false)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dfc-boundary-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir); StopSignal.reset() }
    options.checkpointDirectory = dir
    options.stopAfterSteps = 1
    XCTAssertThrowsError(try DFCRunner.train(e, seed: 1, problem: p, options: options, as: Double.self)) {
      XCTAssertTrue("\($0)".contains("checkpoint written"), "\($0)")
    }
    options.stopAfterSteps = nil
    StopSignal.request(SIGTERM)
    XCTAssertThrowsError(try DFCRunner.train(e, seed: 1, problem: p, options: options, as: Double.self)) {
      XCTAssertTrue("\($0)".contains("kept (after epoch 1; the interrupted epoch starts over)"), "\($0)")
    }
  }

  /// A stop request is honoured inside feedback pre-training, not only at the next forward minibatch: the run stops
  /// before pre-training's checkpoint exists (checked at forward minibatches only, it would stop after writing it),
  /// and the same run then completes to the uninterrupted numbers.
  func testStopIsHonouredDuringFeedbackPretraining() throws {
    var e = experiment(); e.epochs = 1
    let p = try DFCRunner.problem(e, DataLocations(root: FileManager.default.temporaryDirectory)) as Problem<Double>
    var options = RunOptions(progress: false)
    let whole = try DFCRunner.train(e, seed: 1, problem: p, options: options, as: Double.self).record
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dfc-stop-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir); StopSignal.reset() }
    options.checkpointDirectory = dir
    StopSignal.request(SIGUSR1)
    XCTAssertThrowsError(try DFCRunner.train(e, seed: 1, problem: p, options: options, as: Double.self)) { error in
      guard let i = error as? Interrupted else { return XCTFail("\(error)") }
      XCTAssertTrue(i.checkpoints.isEmpty, "stopped after pre-training's checkpoint: \(i.checkpoints)")
    }
    StopSignal.reset()
    let again = try DFCRunner.train(e, seed: 1, problem: p, options: options, as: Double.self).record
    XCTAssertEqual(again.epochs.map(\.testLoss), whole.epochs.map(\.testLoss))
  }

  /// `--log-every` diagnoses a full-scale run without changing it: the logs read the state, draw nothing, and the
  /// training numbers are bitwise those of the unlogged run. Trained feedback, so Condition 2's log in the feedback
  /// passes is exercised too. Negative control: the logged run does log (else the test would compare two equal runs).
  func testLoggingLeavesTheTrainingNumbersUnchanged() throws {
    var logged = experiment(); logged.variant = .analytic; logged.logEigenvalues = false
    var silent = logged; silent.logInterval = 0
    let p = try DFCRunner.problem(logged, DataLocations(root: FileManager.default.temporaryDirectory)) as Problem<Double>
    let a = try DFCRunner.train(logged, seed: 1, problem: p, options: RunOptions(progress: false), as: Double.self).record
    let b = try DFCRunner.train(silent, seed: 1, problem: p, options: RunOptions(progress: false), as: Double.self).record
    XCTAssertFalse(a.controlled?.forward.isEmpty ?? true)
    XCTAssertFalse(a.controlled?.feedback.isEmpty ?? true)
    XCTAssertTrue(b.controlled?.forward.isEmpty ?? true)
    XCTAssertEqual(a.epochs.map(\.trainLoss), b.epochs.map(\.trainLoss))
    XCTAssertEqual(a.epochs.map(\.testLoss), b.epochs.map(\.testLoss))
  }

  func experiment() -> DFCExperiment {
    var e = DFCExperiment(name: "dfc-resume-test", data: .teacher(inputs: 15, outputs: 5, seed: 42), sizes: [15, 10, 10, 5], hidden: .tanh,
                          variant: .steadyState, loss: .meanSquaredError, lambda: 0.05, optimizer: .sgd(learningRate: 0.05, momentum: 0),
                          controller: ControllerSettings(alpha: 0.0015, kp: 1.5, dt: 0.005, steps: 200, tau: 0.2),
                          feedback: FeedbackLearningSettings(controller: {
                            var c = ControllerSettings(alpha: 0.25, kp: 0.1, dt: 0.002, steps: 20, tau: 0.01, tauApical: 0.3)
                            c.sigma = 0.01; c.sigmaOutput = 0.01; return c }()),
                          feedbackOptimizer: .sgd(learningRate: 0.002, momentum: 0), feedbackInitOptimizer: .sgd(learningRate: 0.1, momentum: 0), epochs: 3)
    e.trainLimit = 256; e.pretrainingEpochs = 1; e.logInterval = 1; e.includeNonConverged = true
    return e
  }
}

/// GAIT-prop's official evaluation schedule (`run.py`): after batches 11, 21, …, 991 of every 1 000-batch epoch,
/// never after batch 1, an epoch's last batch or the run's last; the suite's own schedules evaluate after every
/// N-th batch and after the last.
final class InvertibleEvaluationTests: XCTestCase {
  func testTheOfficialScheduleIsAfterBatches11To991OfEveryEpoch() {
    let official = InvertibleEvaluation.official
    let points = (1...2000).filter { official.evaluatesAfter(done: $0, total: 2000, perEpoch: 1000) }
    XCTAssertEqual(points.count, 198)
    XCTAssertEqual(Array(points.prefix(3)), [11, 21, 31])
    XCTAssertEqual(points[98], 991)
    XCTAssertEqual(points[99], 1011)
    XCTAssertFalse(points.contains(1) || points.contains(10) || points.contains(1000) || points.contains(1001) || points.contains(2000))
    // Negative control: the suite's every-100 schedule is on the round numbers and after the last batch.
    let suite = InvertibleEvaluation(every: 100, trainRows: 10_000)
    let ours = (1...1050).filter { suite.evaluatesAfter(done: $0, total: 1050, perEpoch: 1000) }
    XCTAssertEqual(Array(ours.prefix(2)), [100, 200])
    XCTAssertEqual(ours.last, 1050)
  }
}

final class GAITBenchmarkTests: XCTestCase {
  /// The FLOP model behind the GAIT tower's "work × BP" (`bench --rules`, `bench --gait`): its products term is
  /// exactly the FLOPs of the GEMM calls each rule's gradient makes (forward, weight gradients, L − 1 propagations),
  /// so a rule that did more products than the model counts fails here. The regulariser and the inverses add
  /// 3 Σ n³ and 2 Σ_{l≥2} n³.
  func testFLOPModelCountsEveryProductOfEachRule() throws {
    BLASThreads.set(1)
    let widths = [16, 12, 10], rows = 7
    var net = InvertibleNetwork(widths: widths)
    var rng = Random(seed: 5, stream: "gait-flops")
    for l in 1...widths.count { net.setWeight(l, rng.orthogonal(widths[l - 1])) }
    try net.refreshInverses()
    let x: Matrix<Double> = rng.uniformMatrix(rows: rows, cols: widths[0], 0, 1)
    let labels = (0..<rows).map { Int32($0 % 10) }
    let products = GAITBenchmark.flopsPerBatch(widths: widths, rows: rows, regularised: false, inverses: false)
    for rule in [InvertibleRule.backprop, .gait(gamma: 1e-3, deviationForm: false), .targetPropagation] {
      var ws = InvertibleWorkspace(net, rows: rows)
      let calls = GEMMRecorder.record {
        x.storage.withUnsafeBufferPointer { px in labels.withUnsafeBufferPointer { ws.ruleGradient(net, rule, x: px.baseAddress!, labels: $0.baseAddress!, rows: rows) } }
      }
      XCTAssertEqual(GEMMRecorder.flops(calls), products, "\(rule.label)")
      XCTAssertEqual(calls.count, 3 * widths.count - 1, "\(rule.label)")
    }
    let cubes = widths.map { Double($0 * $0 * $0) }
    XCTAssertEqual(GAITBenchmark.flopsPerBatch(widths: widths, rows: rows, regularised: true, inverses: true),
                   products + 3 * cubes.reduce(0, +) + 2 * cubes.dropFirst().reduce(0, +))
    // The tower at the bench's batch: GAIT-prop's model work is about 9× BP's, most of it the regulariser.
    let tower = InvertibleArchitecture.tower.widths(input: 784)
    let bp = GAITBenchmark.flopsPerBatch(widths: tower, rows: 60, regularised: false, inverses: false)
    let gait = GAITBenchmark.flopsPerBatch(widths: tower, rows: 60, regularised: true, inverses: true)
    XCTAssertEqual(gait / bp, 9.4, accuracy: 0.1)
  }
}
