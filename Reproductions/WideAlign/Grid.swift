import Datasets
import Experiments
import Foundation
import Learning

/// One block of a feedforward table: a data set on a network, over widths, learning rates, rules and seeds, at one
/// protocol (README "Scales"). Tables 1-6 are built from panels; their runs are cached by cell.
struct AlignPanel {
  var title: String                 // e.g. "Fashion-MNIST (substitute for KMNIST), kmnist3"
  var data: ConvData
  var network: (Int) -> ConvArchitecture
  var widths: [Int]
  var learningRates: [Double]
  var rules: [ConvRule]
  var epochs: Int
  var trainLimit: Int? = nil
  var validationLimit: Int? = nil
  var seeds: [UInt64] = [99]
  var optimizer: ConvOptimizer = .sgd
  var parameterisation: Parameterisation = .ntk
  var batchSize = 100
  var evaluateEvery = 1
  var tag: String                   // in cell names

  func experiment(_ rule: ConvRule, width: Int, lr: Double, stream: StreamChoice) -> ConvExperiment {
    var a = network(width)
    a.parameterisation = parameterisation
    var e = ConvExperiment(name: "align-\(tag)-\(rule.rawValue)-n\(width)-lr\(g(lr))", architecture: a, rule: rule, data: data,
                           learningRate: lr, epochs: epochs)
    e.optimizer = optimizer; e.trainLimit = trainLimit; e.validationLimit = validationLimit; e.batchSize = batchSize
    e.stream = stream; e.evaluateEvery = evaluateEvery
    return e
  }
}

/// The runs of a set of panels, by (panel, rule, width, lr).
struct AlignRuns {
  var records: [String: [RunRecord]] = [:]
  var wallSeconds = 0.0
  static func key(_ p: AlignPanel, _ r: ConvRule, _ w: Int, _ lr: Double) -> String { "\(p.title)|\(r.rawValue)|\(w)|\(lr)" }
  func get(_ p: AlignPanel, _ r: ConvRule, _ w: Int, _ lr: Double) -> [RunRecord] { records[Self.key(p, r, w, lr)] ?? [] }
  /// Final validation accuracies (%) of the seeds; nil where nothing ran.
  func accuracies(_ p: AlignPanel, _ r: ConvRule, _ w: Int, _ lr: Double) -> [Double] {
    get(p, r, w, lr).compactMap { $0.diverged == nil ? $0.finalValidationAccuracy : nil }
  }
  /// The mean accuracy at the best lr (chosen on the same validation split: optimistic), and that lr.
  func best(_ p: AlignPanel, _ r: ConvRule, _ w: Int) -> (accuracy: Double, lr: Double)? {
    p.learningRates.compactMap { lr -> (Double, Double)? in
      let a = accuracies(p, r, w, lr)
      return a.isEmpty ? nil : (a.reduce(0, +) / Double(a.count), lr)
    }.max { $0.0 < $1.0 }
  }
  var all: [RunRecord] { records.keys.sorted().flatMap { records[$0]! } }
}

enum AlignGrid {
  /// The 28×28 data of the KMNIST experiments: KMNIST when supplied, else the labelled substitute (Fashion-MNIST,
  /// or MNIST with --dataset mnist). Returns the data, its label, and the note for a missing KMNIST.
  static func kmnistData(_ context: ArtefactContext) -> (DatasetName, String, String?) {
    if (try? Catalog.load(.kmnist, context.data)) != nil { return (.kmnist, "KMNIST", nil) }
    let substitute: DatasetName = context.options.datasets?.contains(.mnist) == true ? .mnist : .fashionMNIST
    let label = substitute == .mnist ? "MNIST" : "Fashion-MNIST"
    return (substitute, "\(label) (substitute for KMNIST)",
            "KMNIST: not run: supply the files. \(Catalog.kmnistHint) Until then the KMNIST rows run on the labelled substitute \(label) (same shape, same protocol); a substitute number is never a KMNIST number.")
  }
  static func cifarAvailable(_ context: ArtefactContext) -> Bool { (try? Catalog.load(.cifar10, context.data)) != nil }
  static let cifarMissing = "CIFAR-10: not run: supply the files (the binary version: data_batch_1.bin … data_batch_5.bin and test_batch.bin; --cifar10-dir DIR or CIFAR10_DIR). Until then the CIFAR rows run the CIFAR network on 28×28 Fashion-MNIST (cifar7@28), labelled as the substitute."

  /// The rules a target trains, narrowed by --rules.
  static func rules(_ context: ArtefactContext, _ all: [ConvRule], target: String) throws -> [ConvRule] {
    guard let chosen = try context.options.rules(validIn: ConvRule.allCases.map(\.rawValue), target: target) else { return all }
    return all.filter { chosen.contains($0.rawValue) }
  }

  static func load(_ context: ArtefactContext, _ panels: [AlignPanel]) throws -> AlignRuns {
    let stream = try context.options.stream(allowed: [.numpyLegacy, .suite], target: "align")
    var keys: [String] = [], cells: [Cell] = []
    for p in panels {
      for r in p.rules { for w in p.widths { for lr in p.learningRates { for s in p.seeds {
        if r == .lastLayer && p.data == .images(.cifar10) && context.options.lastLayerCifarReleased { continue }   // Q3: NameError
        var e = p.experiment(r, width: w, lr: lr, stream: stream)
        e.officialTest = !context.options.noOfficialTest
        e.evaluationBatch = context.options.evaluationBatch
        if context.options.sharedInit { e.sharedInit = true }
        keys.append(AlignRuns.key(p, r, w, lr)); cells.append(Cell(e, seed: s))
      } } } }
    }
    var runs = AlignRuns()
    let (records, wall) = try context.runs(cells, paper: "align")
    runs.wallSeconds = wall
    for (k, r) in zip(keys, records) { runs.records[k, default: []].append(r) }
    return runs
  }

  /// Rows: per panel, rule and lr (and "best over lr" when several), one column per width; the cell is the final
  /// validation accuracy (%), mean ± std over seeds.
  static func rows(_ panels: [AlignPanel], _ runs: AlignRuns) -> [TableRow] {
    var rows: [TableRow] = []
    for p in panels {
      let prefix = panels.count > 1 ? "\(p.title): " : ""
      for r in p.rules {
        for lr in p.learningRates {
          for w in p.widths {
            let recs = runs.get(p, r, w, lr)
            let diverged = recs.filter { $0.diverged != nil }.count
            let released = r == .lastLayer && p.data == .images(.cifar10) && recs.isEmpty
            rows.append(TableRow(method: "\(prefix)\(r.label), lr \(g(lr))", column: "n = \(w)", reference: nil,
                                 values: runs.accuracies(p, r, w, lr), tolerance: 0, diverged: diverged,
                                 note: released ? "not run: NameError in the official code (Q3, --lastlayer-cifar released)" : nil))
          }
        }
        if p.learningRates.count > 1 {
          for w in p.widths {
            let b = runs.best(p, r, w)
            rows.append(TableRow(method: "\(prefix)\(r.label), best over lr (optimistic)", column: "n = \(w)", reference: nil,
                                 values: b.map { [$0.accuracy] }, tolerance: 0, note: b.map { "lr \(g($0.lr))" }))
          }
        }
      }
    }
    return rows
  }

  /// The accuracy the checks compare: the mean at the panel's only lr, or the best over lr.
  static func accuracy(_ p: AlignPanel, _ runs: AlignRuns, _ r: ConvRule, _ w: Int) -> Double? {
    if p.learningRates.count == 1 {
      let a = runs.accuracies(p, r, w, p.learningRates[0])
      return a.isEmpty ? nil : a.reduce(0, +) / Double(a.count)
    }
    return runs.best(p, r, w)?.accuracy
  }

  /// C1 near-BP, C2 gap shrinks, C3 beats FA/DFA (README "Suite tables and computed checks") for `rules`.
  static func checks(_ p: AlignPanel, _ runs: AlignRuns, scale: Scale, rules: [ConvRule] = [.alignAda, .alignZero]) -> [Check] {
    let suffix = scale == .smoke ? " (smoke: informational)" : scale == .quick ? " (quick scale: not the paper's protocol)" : ""
    let delta = scale == .full ? 2.0 : 5.0
    guard let wide = p.widths.max(), let narrow = p.widths.min(), let bpWide = accuracy(p, runs, .backprop, wide) else { return [] }
    var checks: [Check] = []
    for r in rules where p.rules.contains(r) {
      guard let acc = accuracy(p, runs, r, wide) else { continue }
      checks.append(Check(name: "\(p.title): C1 \(r.label) near BP at n = \(wide) (gap ≤ \(g(delta)) pp)\(suffix)", holds: bpWide - acc <= delta,
                          detail: String(format: "BP %.2f %%, %@ %.2f %%, gap %.2f pp", bpWide, r.label, acc, bpWide - acc)))
      if narrow < wide, let bpNarrow = accuracy(p, runs, .backprop, narrow), let accNarrow = accuracy(p, runs, r, narrow) {
        checks.append(Check(name: "\(p.title): C2 \(r.label)'s gap to BP shrinks from n = \(narrow) to n = \(wide)\(suffix)",
                            holds: bpWide - acc < bpNarrow - accNarrow,
                            detail: String(format: "gap %.2f pp at n = %d, %.2f pp at n = %d", bpNarrow - accNarrow, narrow, bpWide - acc, wide)))
      }
      let baselines = [ConvRule.feedbackAlignment, .directFeedbackAlignment].compactMap { b in accuracy(p, runs, b, wide).map { (b, $0) } }
      if let top = baselines.max(by: { $0.1 < $1.1 }) {
        checks.append(Check(name: "\(p.title): C3 \(r.label) ≥ max(FA, DFA) − 0.5 pp at n = \(wide)\(suffix)", holds: acc >= top.1 - 0.5,
                            detail: String(format: "%@ %.2f %%, %@ %.2f %%", r.label, acc, top.0.label, top.1)))
      }
    }
    return checks
  }

  static func notes(_ panels: [AlignPanel], scale: Scale, stream: StreamChoice, missing: [String]) -> [String] {
    var notes = missing
    for p in panels {
      let optimiser: String
      switch p.optimizer {
      case .sgd: optimiser = "SGD"
      case .adam: optimiser = "TF1 Adam (β₁ 0.9, β₂ 0.999, ε 1e-8)"
      }
      notes.append("\(p.title): \(p.network(8).name) (\(p.parameterisation == .ntk ? "NTK" : "standard") parameterisation), widths \(p.widths.map(String.init).joined(separator: ", ")), "
        + "\(optimiser) lr \(p.learningRates.map { g($0) }.joined(separator: ", ")), batch \(p.batchSize), \(plural(p.epochs, "epoch")), "
        + "training images \(p.trainLimit.map(String.init) ?? "all after the first 5000"), validation images \(p.validationLimit.map(String.init) ?? "the first 5000"), "
        + "seeds \(p.seeds.map(String.init).joined(separator: ", ")), stream \(stream.rawValue). Cell: final accuracy (%) on the validation split, "
        + "which the official scripts print as 'Test set accuracy' (Q1); BN uses each evaluation batch's statistics (Q2).")
    }
    if scale != .full { notes.append("\(scale.rawValue) scale: not the paper's protocol (fewer images, epochs and widths; README \"Scales\"). The paper's numbers are not available to the suite: the paper column is empty by design and every verdict is a computed check.") }
    return notes
  }

  static func publish(_ context: ArtefactContext, target: String, title: String, panels: [AlignPanel], runs: AlignRuns, checks: [Check], missing: [String]) throws -> [URL] {
    let seeds = Array(Set(panels.flatMap(\.seeds))).sorted()
    let result = TableResult(paper: "align", target: context.fileName(target), title: title, scale: context.scale,
                             provenance: Provenance.current(packageRoot: context.packageRoot), seeds: seeds, wallSeconds: runs.wallSeconds,
                             unit: "% validation accuracy", tolerance: 0, rows: rows(panels, runs), checks: checks,
                             notes: notes(panels, scale: context.scale, stream: try context.options.stream(allowed: [.numpyLegacy, .suite], target: "align"), missing: missing), runs: runs.all)
    return try result.publish(context)
  }
}
