import XCTest
@testable import Experiments
@testable import League
import Datasets

/// The league's two computed statements: which learning rate a rule gets, and which rules share a rank.
final class LeagueTests: XCTestCase {
  func run(validation: Double, test: Double, diverged: Bool = false) -> RunRecord {
    RunRecord(experiment: "t", key: "k", seed: 1, precision: .float, rule: "bp",
              epochs: [EpochRecord(epoch: 1, trainLoss: 0.1, validationLoss: 0.1, validationAccuracy: validation, testLoss: 0.1, testAccuracy: test, seconds: 1)],
              dataChecksum: "", wallSeconds: 0, cpuSeconds: 0, resumed: false, diverged: diverged ? Divergence(epoch: 1, step: 1, loss: .nan) : nil)
  }

  func testTheRateWithTheBestMeanValidationAccuracyIsChosenADivergedSeedCountingAsZero() {
    let a = [run(validation: 0.90, test: 0.5), run(validation: 0.92, test: 0.5)]      // mean 0.91
    let b = [run(validation: 0.95, test: 0.5), run(validation: 0.95, test: 0.5)]      // mean 0.95
    XCTAssertEqual(LeagueTable.choose([(1e-4, a), (1e-3, b)]).lr, 1e-3)
    // Negative control: one diverged seed at the otherwise better rate makes its mean 0.475.
    let bDiverged = [run(validation: 0.95, test: 0.5), run(validation: 0.99, test: 0.5, diverged: true)]
    XCTAssertEqual(LeagueTable.choose([(1e-4, a), (1e-3, bDiverged)]).lr, 1e-4)
    // A tie goes to the smaller rate, whatever the order given.
    XCTAssertEqual(LeagueTable.choose([(1e-3, a), (1e-4, a)]).lr, 1e-4)
  }

  func testRulesWithinTwoStandardErrorsShareARank() {
    func entry(_ r: RuleSpec, _ accuracies: [Double]) -> LeagueTable.Entry {
      LeagueTable.Entry(rule: .layered(r), lr: 1e-3, runs: accuracies.map { run(validation: 0.9, test: $0 / 100) })
    }
    let bp = entry(.backprop, [98.0, 98.2, 97.8, 98.1, 97.9])          // mean 98.0, SE 0.071
    let kp = entry(.kolenPollack, [97.9, 98.1, 97.7, 98.0, 97.8])      // mean 97.9: within 2 SE of BP
    let fa = entry(.feedbackAlignment, [96.0, 96.2, 95.8, 96.1, 95.9]) // far below
    let ranks = LeagueTable.ranks([fa, kp, bp]).map { ($0.entry.rule, $0.rank) }
    XCTAssertEqual(ranks.map(\.0), [.layered(.backprop), .layered(.kolenPollack), .layered(.feedbackAlignment)])
    XCTAssertEqual(ranks.map(\.1), [1, 1, 3])
    // Negative control: with one seed each there is no spread, so 98.0 and 97.9 do not share a rank.
    let single = LeagueTable.ranks([entry(.backprop, [98.0]), entry(.kolenPollack, [97.9])]).map(\.rank)
    XCTAssertEqual(single, [1, 2])
    // A chain: each rule 0.15 below the one above it (2 SE of the difference: 0.2), the third 0.3 below the first.
    // It shares the rank of neither: its group's best is the first rule, which it is clearly below; chaining from
    // the rule just above would have put all three at rank 1.
    let spread = [0.1, 0.3, -0.1, 0.2, 0.0].map { $0 - 0.1 }                 // mean 0, SE 0.071
    let chain = [98.0, 97.85, 97.7].enumerated().map { i, m in
      entry([.backprop, .kolenPollack, .directFeedbackAlignment][i], spread.map { m + $0 })
    }
    XCTAssertEqual(LeagueTable.ranks(chain).map(\.rank), [1, 1, 3])
  }

  /// The tower section reads its runs from the invertible log: the final evaluation's accuracies and batch loss, the
  /// angle as the mean over the last epoch's sampled batches only, and the training time per epoch.
  func testTowerRunsAreReadFromTheLastEpoch() {
    var r = RunRecord(experiment: "t", key: "k", seed: 1, precision: .double, rule: "gait", epochs: [],
                      dataChecksum: "", wallSeconds: 0, cpuSeconds: 0, resumed: false, diverged: nil)
    let curve = [CurvePoint(batch: 0, trainAccuracy: 0.1, trainLoss: 1, testAccuracy: 0.1, testLoss: 1, validationAccuracy: 0.1),
                 CurvePoint(batch: 10, trainAccuracy: 0.5, trainLoss: 0.5, testAccuracy: 0.5, testLoss: 0.5, validationAccuracy: 0.5, batchLoss: 0.7),
                 CurvePoint(batch: 20, trainAccuracy: 0.9, trainLoss: 0.2, testAccuracy: 0.8, testLoss: 0.3, validationAccuracy: 0.85, batchLoss: 0.4)]
    // Angles sampled every 5 batches; the first epoch's (batches 0, 5) are far larger and must not count.
    let angles = [0, 5, 10, 15].map { AnglePoint(batch: $0, degrees: $0 < 10 ? [80, 40] : [10 + Double($0 - 10), 2]) }
    r.log = InvertibleLog(curve: curve, angles: angles, batchesPerEpoch: 10, trainingSeconds: 4)
    XCTAssertEqual(LeagueTable.testAccuracy(r), 0.8)
    XCTAssertEqual(LeagueTable.validationAccuracy(r), 0.85)
    XCTAssertEqual(LeagueTable.trainLoss(r), 0.4)
    XCTAssertEqual(LeagueTable.angle(r, 1), 12.5)          // mean of 10 and 15
    XCTAssertEqual(LeagueTable.angle(r, 2), 2)
    XCTAssertEqual(LeagueTable.secondsPerEpoch(r), 2)      // 4 s over 20 batches, 10 per epoch
    // Negative control: a layered record is read from its epochs, and has no tower log.
    let layered = run(validation: 0.6, test: 0.7)
    XCTAssertEqual(LeagueTable.validationAccuracy(layered), 0.6)
    XCTAssertEqual(LeagueTable.secondsPerEpoch(layered), 1)
  }

  /// --rules and --dataset choose what trains; every other rule shows its runs from the cache when all of its rates
  /// and seeds are there (the rate is chosen on all of them), and "not run" with the count cached otherwise, unranked.
  /// The control: once the missing run is cached the same rule is in the table and ranked.
  func testUnselectedRulesComeFromTheCacheOnlyWhenComplete() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("league-selection-\(UUID())")
    defer { try? FileManager.default.removeItem(at: out) }
    var o = PaperOptions(); o.rules = ["bp"]; o.datasets = [.mnist]
    let context = ArtefactContext(scale: .quick, seedCount: nil, outputRoot: out, packageRoot: out, data: DataLocations(root: out), json: true, options: o)
    let cache = context.runCache("league"), rates = LeagueProtocol.learningRates(.quick)
    try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
    func store(_ r: LeagueRule, lr: Double, test: Double) throws {
      let cell = LeagueProtocol.cell(r, .mnist, lr: lr, scale: .quick, seed: 1)
      var record = run(validation: lr == rates[1] ? 0.95 : 0.9, test: test)
      record.experiment = cell.name; record.key = cell.key
      try canonicalJSON(record).write(to: JobPool.cacheURL(cell, in: cache), atomically: true, encoding: .utf8)
    }
    // Every MLP rule complete on MNIST (BP, the one selected, trains nothing), but FA with one rate missing. "bp" is
    // the MLP's BP alone: the tower's BP ("tower-bp") has no runs and is not selected, so nothing of the tower trains.
    for r in LeagueRule.all { for lr in rates where !(r == .layered(.feedbackAlignment) && lr == rates[2]) {
      try store(r, lr: lr, test: r == .layered(.backprop) ? 0.98 : 0.96)
    } }
    func mnistTable(_ context: ArtefactContext = context) throws -> TableResult {
      _ = try LeagueTable.run(context)
      return try suiteJSONDecoder().decode(TableResult.self, from: Data(contentsOf: out.appendingPathComponent("Results/league/mnist.json")))
    }
    func cell(_ t: TableResult, _ rule: String, _ column: String) -> TableRow? { t.rows.first { $0.method == rule && $0.column == column } }
    var t = try mnistTable()
    XCTAssertEqual(cell(t, "BP", "test accuracy (%)")?.reproduced?.mean ?? .nan, 98, accuracy: 1e-9)
    XCTAssertEqual(cell(t, "KP", "test accuracy (%)")?.reproduced?.mean ?? .nan, 96, accuracy: 1e-9, "complete in the cache: shown")
    XCTAssertEqual(cell(t, "KP", "lr (chosen on validation)")?.reproduced?.mean, rates[1])
    XCTAssertNil(cell(t, "FA", "test accuracy (%)")?.reproduced, "incomplete: not shown")
    XCTAssertEqual(cell(t, "FA", "test accuracy (%)")?.verdict, "not run")
    XCTAssertTrue(cell(t, "FA", "test accuracy (%)")?.note?.hasPrefix("2 of 3 runs cached") ?? false, cell(t, "FA", "test accuracy (%)")?.note ?? "no note")
    XCTAssertNil(cell(t, "FA", "rank")?.reproduced)
    let fmnist = try suiteJSONDecoder().decode(TableResult.self, from: Data(contentsOf: out.appendingPathComponent("Results/league/fmnist.json")))
    XCTAssertTrue(fmnist.rows.allSatisfy { $0.reproduced == nil }, "--dataset mnist: F-MNIST has nothing cached and trains nothing")
    // Control: the missing run cached, FA is shown and ranked.
    try store(.layered(.feedbackAlignment), lr: rates[2], test: 0.96)
    t = try mnistTable()
    XCTAssertEqual(cell(t, "FA", "test accuracy (%)")?.reproduced?.mean ?? .nan, 96, accuracy: 1e-9)
    XCTAssertNotNil(cell(t, "FA", "rank")?.reproduced)
    // --rules none trains nothing (F-MNIST and the tower's other rules have no runs): the tables from the cache alone.
    var none = o; none.rules = ["none"]; none.datasets = nil
    t = try mnistTable(ArtefactContext(scale: .quick, seedCount: nil, outputRoot: out, packageRoot: out, data: DataLocations(root: out), json: true, options: none))
    XCTAssertEqual(cell(t, "BP", "test accuracy (%)")?.reproduced?.mean ?? .nan, 98, accuracy: 1e-9)
  }

  /// A rule not run at full scale prints the CPU time its runs would take, projected from its quick runs: the wall time
  /// outside the epochs as measured, the epochs scaled from 5 to 50, all of it scaled by the run's CPU over wall time.
  /// The control: with no quick run cached there is no projection (nothing guessed).
  func testTheFullCostOfARuleNotRunIsProjectedFromItsQuickRuns() throws {
    let cache = FileManager.default.temporaryDirectory.appendingPathComponent("league-projection-\(UUID())")
    defer { try? FileManager.default.removeItem(at: cache) }
    try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
    let rule = LeagueRule.dfc(.dfcSSA)
    XCTAssertNil(try LeagueTable.projectedSeconds(rule, .mnist, cache: cache), "nothing cached: no projection")
    // Two quick rates: 5 epochs of 10 s and 20 s each, 30 s outside them, CPU half and all of the wall time.
    let rates = LeagueProtocol.learningRates(.quick)
    for (lr, (perEpoch, cpuFraction)) in zip(rates.prefix(2), [(10.0, 0.5), (20.0, 1.0)]) {
      let cell = LeagueProtocol.cell(rule, .mnist, lr: lr, scale: .quick, seed: 1)
      var record = run(validation: 0.9, test: 0.9)
      record.experiment = cell.name; record.key = cell.key
      record.epochs = (1...5).map { EpochRecord(epoch: $0, trainLoss: 0.1, validationLoss: 0.1, validationAccuracy: 0.9, testLoss: 0.1, testAccuracy: 0.9, seconds: perEpoch) }
      record.wallSeconds = 30 + 5 * perEpoch; record.cpuSeconds = cpuFraction * record.wallSeconds
      try canonicalJSON(record).write(to: JobPool.cacheURL(cell, in: cache), atomically: true, encoding: .utf8)
    }
    // (30 + 50·10)·0.5 = 265 and (30 + 50·20)·1 = 1030: mean 647.5 s per full run.
    XCTAssertEqual(try LeagueTable.projectedSeconds(rule, .mnist, cache: cache) ?? .nan, 647.5, accuracy: 1e-9)
    XCTAssertNil(try LeagueTable.projectedSeconds(rule, .fashionMNIST, cache: cache), "another data set's runs are not used")
  }
}
