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

  static func experiment(_ network: InvertibleArchitecture, _ rule: InvertibleRule, smoke: Bool) -> InvertibleExperiment {
    let entry = GAITProtocol.entries().first { $0.rule == rule }!
    var e = GAITProtocol.experiment(entry, dataset: .mnist, network: network, scale: .quick)
    e.name = "gait-official-" + e.name.dropFirst("gait-".count) + (smoke ? "-smoke" : "")
    e.batches = smoke ? 11 : points.last!
    e.evaluation = InvertibleEvaluation(every: 10, trainRows: smoke ? 1000 : nil, testRows: smoke ? 1000 : nil, final: false)
    e.evaluation.points = smoke ? [0, 11] : points
    e.angleEvery = nil
    return e
  }

  /// Smoke (CI): GAIT on the tower, 11 batches, evaluated on 1 000 images, seed 1 (informational). Quick and full:
  /// the four official runs, seeds 1–5.
  static func table(_ context: ArtefactContext) throws -> [URL] {
    let smoke = context.scale == .smoke
    let seeds: [UInt64] = smoke ? [1] : (1...UInt64(max(1, context.seedCount ?? 5))).map { $0 }
    let chosen = smoke ? official.filter { $0.0 == .tower } : official
    let experiments = chosen.map { experiment($0.0, $0.1, smoke: smoke) }
    let cells = experiments.flatMap { e in seeds.map { Cell(e, seed: $0) } }
    let (records, wall) = try context.runs(cells, paper: "gait")
    var rows: [TableRow] = []
    for (k, (network, rule, train, test)) in chosen.enumerated() {
      let rs = Array(records[(k * seeds.count)..<((k + 1) * seeds.count)])
      let method = "\(rule.label), \(network == .tower ? "tower" : "full width")"
      for (i, p) in (smoke ? [0, 11] : points).enumerated() {
        let curve = rs.compactMap { $0.invertible?.curve.first { $0.batch == p } }
        for (column, officialValue, value) in [("train acc % after \(p)", train[i], { (c: CurvePoint) in c.trainAccuracy }),
                                               ("test acc % after \(p)", test[i], { (c: CurvePoint) in c.testAccuracy })] {
          rows.append(OfficialComparison.row(method: method, column: column, official: smoke ? nil : OfficialComparison.derived(100 * officialValue, digits: 6),
                                             values: curve.map { 100 * value($0) }, source: source))
        }
      }
    }
    var result = TableResult(paper: "gait", target: context.fileName("table-official"), title: "GAIT-prop's own code on CPU beside the suite (accuracy after 0–101 batches)",
                             scale: context.scale, provenance: Provenance.current(packageRoot: context.packageRoot), seeds: seeds,
                             wallSeconds: wall, unit: "accuracy %", tolerance: 0, rows: rows,
                             checks: smoke ? [] : OfficialComparison.checks(rows, seeds: seeds.count),
                             notes: [
                               "Official values: GAIT-prop's numpy code at 9a65fb8 (float64), MNIST, --seed=1, the README's full-width hyperparameters (BP lr 1e-4; GAIT lr 1e-4, λ 0.1; TP lr 1e-5, λ 1000), batch 60 in file order, run on a 2-core CPU; accuracy on all 60 000 training and 10 000 test images; source: the spec's official-runs.md.",
                               "The official code's initial weights come from scipy's ortho_group stream (not replayed here); the suite draws orthogonal matrices from its own stream, seeds \(seeds.map(String.init).joined(separator: ", ")). The batch order is the file order in both.",
                             ] + (smoke ? ["Smoke: the tower's GAIT run, 11 batches, evaluated on the first 1 000 images (informational)."] : []),
                             runs: records)
    result.verdictRule = OfficialComparison.verdictRule
    return try result.publish(context)
  }
}
