import Experiments
import Foundation

/// `reproduce dfc --table official`: the official code's Fig. 3 runs (6208695, PyTorch, the Fig. 3 configs, their
/// first epochs; official-runs.md) beside the suite's seeds 1–5 of the same runs, on the official teacher: its inputs
/// (numpy) and weights (torch) are replayed (`SyntheticRegression.dfcTeacherOfficial`, tested to 1e-12), so losses
/// compare directly. Not replayed: the student's initial weights, the batch order and the noise (the seeds vary them).
enum DFCOfficial {
  static let source = "DFC @ 6208695 (PyTorch), Fig. 3 configs, first epochs, run on a 2-core CPU (official-runs.md)"

  /// One official run: the Fig. 3 tag, its epochs, its epoch-1 train loss and its last-epoch values (nil: not logged).
  struct Run {
    var tag: String, label: String, epochs: Int
    var firstTrainLoss: Double, trainLoss: Double, testLoss: Double, mn: Double, gn: Double
    var ssa: Double?, conditionTwo: Double?, conditionOne: Double?, lambdaMax: Double?
  }
  /// official-runs.md, "DFC": first log → last epoch; the last-epoch values here, and the first train loss. DFC-SSA's
  /// angle to itself (0 by definition there) is left out.
  static let runs: [Run] = [
    Run(tag: "dfa", label: "DFA", epochs: 10, firstTrainLoss: 71.44, trainLoss: 44.57, testLoss: 41.28, mn: 31.47, gn: 36.98),
    Run(tag: "ssa_fx", label: "DFC-SSA (fixed)", epochs: 10, firstTrainLoss: 72.02, trainLoss: 57.14, testLoss: 55.39, mn: 10.03, gn: 15.44,
        conditionTwo: 0.9420, conditionOne: 0.2445, lambdaMax: -0.4616),
    Run(tag: "ssa_tr", label: "DFC-SSA (trained)", epochs: 10, firstTrainLoss: 71.70, trainLoss: 57.80, testLoss: 55.99, mn: 17.29, gn: 22.76,
        conditionTwo: 0.9609, conditionOne: 0.2866, lambdaMax: -0.5268),
    Run(tag: "ss_fx", label: "DFC-SS (fixed)", epochs: 5, firstTrainLoss: 72.03, trainLoss: 65.67, testLoss: 63.28, mn: 4.87, gn: 6.38,
        ssa: 0.50, conditionTwo: 0.9571, conditionOne: 0.3088, lambdaMax: -0.4567),
    Run(tag: "ss_tr", label: "DFC-SS (trained)", epochs: 5, firstTrainLoss: 71.71, trainLoss: 65.08, testLoss: 63.44, mn: 10.28, gn: 14.88,
        ssa: 0.20, conditionTwo: 0.9723, conditionOne: 0.2980, lambdaMax: -0.5228),
    Run(tag: "dfc_fx", label: "DFC (fixed)", epochs: 5, firstTrainLoss: 72.08, trainLoss: 66.26, testLoss: 63.95, mn: 5.52, gn: 6.63,
        ssa: 2.10, conditionTwo: 0.9574, conditionOne: 0.3106, lambdaMax: -0.4558),
    Run(tag: "dfc_tr", label: "DFC (trained)", epochs: 5, firstTrainLoss: 71.74, trainLoss: 65.47, testLoss: 63.87, mn: 9.58, gn: 14.26,
        ssa: 1.01, conditionTwo: 0.9726, conditionOne: 0.2985, lambdaMax: -0.5225),
  ]

  /// The suite's run of an official one: the Fig. 3 experiment on the official teacher for the official epochs, with
  /// the student's initial weights from the run's seed (Fig. 3 itself pins them to 42).
  static func experiment(_ o: Run) -> DFCExperiment {
    var e = DFCToyProtocol.figure3Runs(.quick, linear: false).first { $0.tag == o.tag }!.experiment
    e.name = "dfc-official-\(o.tag)"
    e.data = .officialTeacher(inputs: DFCToyProtocol.sizes[0], outputs: 5)
    e.epochs = o.epochs
    e.initSeed = nil
    return e
  }

  /// Smoke (CI): DFA, seed 1 (seconds). Quick and full: the seven runs, seeds 1–5.
  static func table(_ context: ArtefactContext) throws -> [URL] {
    let smoke = context.scale == .smoke
    let seeds: [UInt64] = smoke ? [1] : (1...UInt64(context.seedCount ?? 5)).map { $0 }
    let chosen = smoke ? runs.filter { $0.tag == "dfa" } : runs
    let cells = chosen.flatMap { o in seeds.map { Cell(experiment(o), seed: $0) } }
    let (records, wall) = try context.runs(cells, paper: "dfc")
    var rows: [TableRow] = []
    for (k, o) in chosen.enumerated() {
      let rs = Array(records[(k * seeds.count)..<((k + 1) * seeds.count)])
      let method = "\(o.label) (\(plural(o.epochs, "epoch")))"
      func add(_ column: String, _ official: Double?, _ value: (RunRecord) -> Double?) {
        guard let official else { return }
        rows.append(OfficialComparison.row(method: method, column: column, official: official, values: rs.compactMap(value), source: source))
      }
      // The last logged value of a Fig. 3 series (the forward log's minibatch 0 of the last epoch; Condition 2 of
      // trained feedback from the last feedback pass).
      func last(_ metric: String) -> (RunRecord) -> Double? { { r in DFCFigure3.series(r, metric).last { $0.isFinite } } }
      add("train loss, epoch 1", o.firstTrainLoss) { $0.epochs.first?.trainLoss }
      add("train loss", o.trainLoss) { $0.epochs.last?.trainLoss }
      add("test loss", o.testLoss) { $0.epochs.last?.testLoss }
      add("MN angle (°)", o.mn, last("mn"))
      add("GN angle (°)", o.gn, last("gn"))
      add("SSA angle (°)", o.ssa, last("ssa"))
      add("Condition 2", o.conditionTwo, last("cond2"))
      add("Condition 1", o.conditionOne, last("cond1"))
      add("λ_max(A_PI)", o.lambdaMax, last("lmax_PI"))
    }
    var result = TableResult(paper: "dfc", target: context.fileName("table-official"), title: "the official code's Fig. 3 runs on CPU beside the suite, on the official teacher",
                             scale: context.scale, provenance: Provenance.current(packageRoot: context.packageRoot), seeds: seeds,
                             wallSeconds: wall, unit: "the column's unit", tolerance: 0, rows: rows, checks: OfficialComparison.checks(rows, seeds: seeds.count),
                             notes: [
                               "Official values: the DFC code at 6208695 (PyTorch, patched only for removed torch APIs and a memory leak), the Fig. 3 configs, the first 10 (DFA, DFC-SSA) or 5 epochs, run on a 2-core CPU; the last epoch's values, and the first epoch's train loss. Source: the spec's official-runs.md.",
                               "The suite's runs: the Fig. 3 experiments (README \"Figure 3\") for the same epochs, on the official teacher: its inputs (numpy's legacy stream, seed 42) and its weights (torch's generator, seed 42, forward and unused feedback weights in order) are replayed and tested against the official generate_data_from_teacher to 1e-12 (README \"Random streams\"). Not replayed: the student's initial weights (drawn here from each seed, where Fig. 3 pins them to 42), the batch order and the feedback noise (torch draws them).",
                               "Angles and conditions: the suite's last logged minibatch (minibatch 0 of the last epoch; Condition 2 of trained feedback from the last feedback pass). The official log's exact points are not in the source, so these cells compare the same quantity at nearby points.",
                             ], runs: records)
    result.verdictRule = OfficialComparison.verdictRule
    return try result.publish(context)
  }
}
