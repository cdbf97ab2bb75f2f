import Datasets
import Experiments
import Foundation
import Learning

/// `reproduce gait --table official`: GAIT-prop's own numpy code (9a65fb8, float64, MNIST, --seed=1, the README's
/// full-width hyperparameters, batch 60, batches in file order) run on a 2-core CPU, beside the suite's seeds 1–5 of
/// the same protocol: accuracy on the full 60 000 training and 10 000 test images before training and after 11, 21,
/// 51 and 101 batches (GAIT README, "The official code, run on CPU"). The official initial weights come from scipy's
/// ortho_group stream, the suite's from its own (orthogonal, the same distribution).
enum GAITOfficial {
  static let source = "GAIT-prop @ 9a65fb8 (numpy, float64), MNIST, --seed=1, run on a 2-core CPU (official-runs.md)"
  static let points = [0, 11, 21, 51, 101]
  /// (network, rule, train accuracies, test accuracies) at `points`.
  static let official: [(InvertibleArchitecture, InvertibleRule, [Double], [Double])] = [
    (.fullWidth(hiddenLayers: 4), .backprop, [0.114833, 0.701800, 0.809283, 0.882383, 0.912683], [0.1222, 0.7026, 0.8113, 0.8902, 0.9170]),
    (.fullWidth(hiddenLayers: 4), .gait(gamma: GAITProtocol.gamma, deviationForm: false), [0.114833, 0.678150, 0.771250, 0.854383, 0.872667], [0.1222, 0.6802, 0.7691, 0.8643, 0.8780]),
    (.fullWidth(hiddenLayers: 4), .targetPropagation, [0.114833, 0.117517, 0.118533, 0.121350, 0.128800], [0.1222, 0.1232, 0.1241, 0.1269, 0.1342]),
    (.tower, .gait(gamma: GAITProtocol.gamma, deviationForm: false), [0.065967, 0.264783, 0.416533, 0.608833, 0.751083], [0.0644, 0.2558, 0.4162, 0.6118, 0.7517]),
  ]

  /// The control run of the replayed table: GAIT-prop in its cancellation-free deviation form (GAIT README §2.10),
  /// the same mathematics with other round-off, compared with the official (absolute-form) values.
  static let deviationControl = InvertibleRule.gait(gamma: GAITProtocol.gamma, deviationForm: true)

  static func experiment(_ network: InvertibleArchitecture, _ rule: InvertibleRule, smoke: Bool, replay: Bool) -> InvertibleExperiment {
    var entry = GAITProtocol.entries().first { $0.rule.label == rule.label }!
    entry.rule = rule
    var e = GAITProtocol.experiment(entry, dataset: .mnist, network: network, scale: .quick)
    e.name = "gait-official-" + e.name.dropFirst("gait-".count) + (replay ? "-numpy" : "") + (smoke ? "-smoke" : "")
    if replay { e.stream = .numpyLegacy }
    e.batches = smoke ? 11 : points.last!
    e.evaluation = InvertibleEvaluation(every: 10, trainRows: smoke ? 1000 : nil, testRows: smoke ? 1000 : nil, final: false)
    e.evaluation.points = smoke ? [0, 11] : points
    e.angleEvery = nil
    return e
  }

  /// Smoke (CI): GAIT on the tower, 11 batches, evaluated on 1 000 images, seed 1 (informational). Quick and full:
  /// the four official runs. `--rng numpy-legacy` (the default): the official initial weights replayed (numpy's
  /// legacy generator and scipy's ortho_group), seed 1 as the official run, compared image for image; `--rng suite`:
  /// the suite's streams, seeds 1–5, compared statistically.
  static func table(_ context: ArtefactContext) throws -> [URL] {
    let smoke = context.scale == .smoke, replay = try context.options.stream(allowed: [.numpyLegacy, .suite], target: "gait --table official") == .numpyLegacy
    let seeds: [UInt64] = smoke || replay ? [1] : (1...UInt64(max(1, context.seedCount ?? 5))).map { $0 }
    var chosen = smoke ? official.filter { $0.0 == .tower } : official
    if replay && !smoke, let gait = official.first(where: { $0.0 != .tower && $0.1.label == "GAIT-prop" }) {
      chosen.append((gait.0, deviationControl, gait.2, gait.3))
    }
    let experiments = chosen.map { experiment($0.0, $0.1, smoke: smoke, replay: replay) }
    let cells = experiments.flatMap { e in seeds.map { Cell(e, seed: $0) } }
    let (records, wall) = try context.runs(cells, paper: "gait")
    var rows: [TableRow] = []
    for (k, (network, rule, train, test)) in chosen.enumerated() {
      let rs = Array(records[(k * seeds.count)..<((k + 1) * seeds.count)])
      let method = "\(rule.label), \(network == .tower ? "tower" : "full width")" + (rule == deviationControl ? ", deviation form (control)" : "")
      for (i, p) in (smoke ? [0, 11] : points).enumerated() {
        let curve = rs.compactMap { $0.invertible?.curve.first { $0.batch == p } }
        for (column, officialValue, value, images) in [("train acc % after \(p)", train[i], { (c: CurvePoint) in c.trainAccuracy }, 60_000.0),
                                                       ("test acc % after \(p)", test[i], { (c: CurvePoint) in c.testAccuracy }, 10_000.0)] {
          let o: Double? = smoke ? nil : OfficialComparison.derived(100 * officialValue, digits: 6)
          var row = OfficialComparison.row(method: method, column: column, official: o, values: curve.map { 100 * value($0) }, source: source)
          if replay, let o, let v = row.reproduced?.mean {
            // The same initial weights and batches: the accuracies should agree image for image, up to round-off flips.
            let differing = Int((abs(v - o) / 100 * images).rounded())
            row.verdict = differing == 0 ? "equal (replayed)" : "differs by \(differing) image\(differing == 1 ? "" : "s") (replayed)"
          }
          rows.append(row)
        }
      }
    }
    var checks = smoke ? [] : OfficialComparison.checks(rows, seeds: seeds.count)
    if replay && !smoke {
      // Per run: equal image for image, or how far off at worst.
      for method in Set(rows.map(\.method)).sorted() {
        let compared = rows.filter { $0.method == method && $0.official != nil && $0.reproduced != nil }
        let worst = compared.map { r in Int((abs(r.reproduced!.mean - r.official!.value) / 100 * (r.column.hasPrefix("train") ? 60_000 : 10_000)).rounded()) }.max() ?? 0
        checks.append(Check(name: "\(method): every accuracy equal to the official code's, image for image (replayed streams)", holds: worst == 0,
                            detail: worst == 0 ? "all \(compared.count) cells equal" : "\(compared.filter { $0.verdict == "equal (replayed)" }.count) of \(compared.count) cells equal; at most \(worst) image\(worst == 1 ? " differs" : "s differ")"))
      }
    }
    var result = TableResult(paper: "gait", target: context.fileName(replay ? "table-official" : "table-official-suite-streams"), title: "GAIT-prop's own code on CPU beside the suite (accuracy after 0–101 batches)",
                             scale: context.scale, provenance: Provenance.current(packageRoot: context.packageRoot), seeds: seeds,
                             wallSeconds: wall, unit: "accuracy %", tolerance: 0, rows: rows,
                             checks: checks,
                             notes: [
                               "Official values: GAIT-prop's numpy code at 9a65fb8 (float64), MNIST, --seed=1, the README's full-width hyperparameters (BP lr 1e-4; GAIT lr 1e-4, λ 0.1; TP lr 1e-5, λ 1000), batch 60 in file order, run on a 2-core CPU; accuracy on all 60 000 training and 10 000 test images; source: the spec's official-runs.md.",
                               replay ? "Streams replayed (--rng numpy-legacy, the default): each layer's initial weights as the official code draws them, np.random.seed(layer seed) then scipy's ortho_group.rvs (QR of a normal matrix, columns signed by R's diagonal; scipy ≥ 1.10), with the suite's LAPACK; seed 1 as the official run; batches in file order in both. Verdicts count the images whose prediction differs; `--rng suite` compares the suite's own streams over seeds 1–5 instead."
                                 : "The official code's initial weights come from scipy's ortho_group stream, not replayed under --rng suite; the suite draws orthogonal matrices from its own stream, seeds \(seeds.map(String.init).joined(separator: ", ")). The batch order is the file order in both.",
                             ] + (smoke ? ["Smoke: the tower's GAIT run, 11 batches, evaluated on the first 1 000 images (informational)."] : []),
                             runs: records)
    result.verdictRule = replay && !smoke
      ? "replayed streams: 'equal (replayed)' iff the accuracy equals the official code's to the image (60 000 training, 10 000 test images); otherwise the number of images whose prediction differs"
      : OfficialComparison.verdictRule
    return try result.publish(context)
  }
}
