import Datasets
import Experiments
import Foundation
import Learning

/// The Add task (`train_add.py`; README "The Add task"): table `add` (8) and figure `add` from the same runs.
/// Best train and test loss over the epochs per rule and width, beside the official code's values measured on CPU
/// (never in the paper column: no number of the paper is known), with the computed checks A1-A3.
enum AlignAdd {
  static let rules: [RecurrentRule] = [.backprop, .alignAda, .alignZero, .readout]
  static let colours: [RecurrentRule: String] = [.backprop: "#000000", .alignAda: "#d62728", .alignZero: "#ff7f0e", .readout: "#7f7f7f"]

  /// The official code run on CPU (TF 2.15 compat.v1, seed 99, 200 epochs): (best train, best test) per width
  /// (README "Reference numbers"). Only widths 8 and 32 are published to the suite.
  static let officialSource = "official code run on CPU by the spec's authors (TF 2.15 compat.v1, seed 99, 200 epochs)"
  static let official: [RecurrentRule: [Int: (train: Double, test: Double)]] = [
    .backprop: [8: (1.382, 1.364), 32: (0.767, 0.676)],
    .alignAda: [8: (6.652, 6.795), 32: (1.021, 0.952)],
    .alignZero: [8: (5.228, 5.227), 32: (1.329, 1.265)],
    .readout: [8: (3.439, 3.391), 32: (2.355, 2.334)],
  ]

  static func widths(_ context: ArtefactContext) -> [Int] {
    if let w = context.options.widths { return w }
    switch context.scale {
    case .smoke: return [8, 32]
    case .quick: return [8, 32, 128]
    case .full: return [8, 16, 32, 64, 128, 256, 512, 1024]   // 2048 and 4096 with --widths (hours to a day per rule)
    }
  }
  static func epochs(_ scale: Scale) -> Int { scale == .smoke ? 5 : 200 }

  struct Runs {
    var widths: [Int], rules: [RecurrentRule], stream: StreamChoice
    var shiftFix = false, adaReadoutTerm = false
    /// Official-code values are comparable only with the official stream and without quirk fixes.
    var comparable: Bool { stream == .numpyLegacy && !shiftFix && !adaReadoutTerm }
    var records: [String: RunRecord] = [:]
    var wallSeconds = 0.0
    func get(_ r: RecurrentRule, _ n: Int) -> RunRecord? { records["\(r.rawValue)|\(n)"] }
    var all: [RunRecord] { rules.flatMap { r in widths.compactMap { get(r, $0) } } }
  }

  static func load(_ context: ArtefactContext) throws -> Runs {
    let selected = try context.options.rules(validIn: rules.map(\.rawValue), target: "align add")
    let chosen = rules.filter { selected?.contains($0.rawValue) ?? true }
    var runs = Runs(widths: widths(context), rules: chosen, stream: try context.options.stream(allowed: [.numpyLegacy, .suite], target: "align"),
                    shiftFix: context.options.addShiftFix, adaReadoutTerm: context.options.rnnAdaReadoutTerm)
    if context.seedCount.map({ $0 != 1 }) == true {
      throw InvalidOption("align add: one seed (99, as the official code); --seeds \(context.seedCount!) is not offered")
    }
    var keys: [String] = [], cells: [Cell] = []
    for r in chosen {
      for n in runs.widths {
        var e = AddTaskExperiment(name: "align-add-\(r.rawValue)-n\(n)", width: n, rule: r, epochs: epochs(context.scale))
        e.stream = runs.stream
        e.shiftFix = context.options.addShiftFix; e.adaReadoutTerm = context.options.rnnAdaReadoutTerm
        e.stopOnNonFinite = !context.options.noEarlyStopOnNaN
        keys.append("\(r.rawValue)|\(n)"); cells.append(Cell(e, seed: 99))
      }
    }
    let (records, wall) = try context.runs(cells, paper: "align")
    runs.wallSeconds = wall
    for (k, r) in zip(keys, records) { runs.records[k] = r }
    return runs
  }

  static func checks(_ runs: Runs, _ scale: Scale) -> [Check] {
    func best(_ r: RecurrentRule, _ n: Int) -> Double? { runs.get(r, n)?.bestTestLoss?.loss }
    let informational = scale == .smoke ? " (smoke: informational)" : ""
    var checks: [Check] = []
    var probe = AddTaskExperiment(name: "chance", width: 1, rule: .backprop)
    probe.shiftFix = runs.shiftFix
    let task = AddTaskRunner.data(probe, seed: 99)
    if runs.stream == .numpyLegacy && !runs.shiftFix {
      let train = AddTask.chance(task.trainTargets, steps: task.steps), test = AddTask.chance(task.testTargets, steps: task.steps)
      checks.append(Check(name: "P27 data: the official chance losses", holds: abs(train - 9.358541666666667) < 1e-12 && abs(test - 9.311875) < 1e-12,
                          detail: "train \(train), test \(test) (official script: 9.358541666666667, 9.311875)"))
    }
    // A1: the ordering at every width ≥ 32 run.
    let wide = runs.widths.filter { $0 >= 32 }
    if runs.rules == rules && !wide.isEmpty {
      var holds = true, parts: [String] = []
      for n in wide {
        guard let bp = best(.backprop, n), let ada = best(.alignAda, n), let zero = best(.alignZero, n), let ro = best(.readout, n) else { continue }
        let ok = bp < min(ada, zero) && max(ada, zero) < ro
        holds = holds && ok
        parts.append("n=\(n): BP \(f(bp)), Align-ada \(f(ada)), Align-zero \(f(zero)), readout \(f(ro))\(ok ? "" : " ✗")")
      }
      checks.append(Check(name: "A1 ordering at n ≥ 32: BP < Align rules < readout-only (best test loss)\(informational)",
                          holds: parts.isEmpty ? nil : holds, detail: parts.joined(separator: "; ")))
    }
    // A2: the official-code values, only comparable when the official stream is replayed.
    if runs.stream == .numpyLegacy && !runs.shiftFix && !runs.adaReadoutTerm {
      var holds = true, parts: [String] = [], informationalParts: [String] = []
      for r in runs.rules {
        for n in runs.widths {
          guard let ref = official[r]?[n], let rec = runs.get(r, n), let tr = rec.bestTrainLoss?.loss, let te = rec.bestTestLoss?.loss else { continue }
          let dTrain = abs(tr - ref.train) / ref.train, dTest = abs(te - ref.test) / ref.test
          let text = "\(r.label) n=\(n): \(f(tr)) / \(f(te)) vs \(ref.train) / \(ref.test) (\(pct(dTrain)), \(pct(dTest)))"
          if n >= 32 { holds = holds && max(dTrain, dTest) <= 0.03; parts.append(text) } else { informationalParts.append(text) }
        }
      }
      if epochs(scale) == 200 {
        checks.append(Check(name: "A2 official-code values within 3 % at n ≥ 32 (best train / best test)\(informational)",
                            holds: parts.isEmpty ? nil : holds,
                            detail: (parts.isEmpty ? "no width ≥ 32 with an official value was run" : parts.joined(separator: "; "))
                              + (informationalParts.isEmpty ? "" : "; n = 8, informational: " + informationalParts.joined(separator: "; "))))
      } else {
        checks.append(Check(name: "A2 official-code values", holds: nil, detail: "not comparable: \(epochs(scale)) epochs instead of the official 200"))
      }
    }
    if runs.widths.contains(8), runs.rules == rules, let ada = best(.alignAda, 8), let zero = best(.alignZero, 8), let ro = best(.readout, 8) {
      checks.append(Check(name: "A3 at n = 8 both Align rules are worse than readout-only (best test loss)\(informational)",
                          holds: ada > ro && zero > ro, detail: "Align-ada \(f(ada)), Align-zero \(f(zero)), readout \(f(ro))"))
    }
    return checks
  }

  static func f(_ v: Double) -> String { String(format: "%.4f", v) }
  static func pct(_ v: Double) -> String { String(format: "%.1f %%", 100 * v) }

  static func table(_ context: ArtefactContext) throws -> [URL] {
    let runs = try load(context)
    var rows: [TableRow] = []
    for r in runs.rules {
      for n in runs.widths {
        guard let rec = runs.get(r, n) else { continue }
        let method = "\(r.label), n = \(n)"
        let note = rec.diverged.map { "non-finite after epoch \($0.epoch); its best is the pre-divergence minimum (Q13)" }
        var train = TableRow(method: method, column: "best train loss", reference: nil, values: rec.bestTrainLoss.map { [$0.loss] }, tolerance: 0, note: note)
        var test = TableRow(method: method, column: "best test loss", reference: nil, values: rec.bestTestLoss.map { [$0.loss] }, tolerance: 0)
        if runs.comparable, epochs(context.scale) == 200, let ref = official[r]?[n] {
          train.official = Reference(value: ref.train, source: officialSource); test.official = Reference(value: ref.test, source: officialSource)
        }
        rows += [train, test,
                 TableRow(method: method, column: "epoch of best test", reference: nil, values: rec.bestTestLoss.map { [Double($0.epoch)] }, tolerance: 0),
                 TableRow(method: method, column: "epochs run", reference: nil, values: [Double(rec.epochs.count)], tolerance: 0),
                 TableRow(method: method, column: "seconds", reference: nil, values: [rec.wallSeconds], tolerance: 0)]
      }
    }
    let task = AddTaskRunner.data(AddTaskExperiment(name: "chance", width: 1, rule: .backprop), seed: 99)
    var notes = [
      "Protocol (README \"The Add task\"): ReLU RNN of width n, T = \(task.steps), SGD lr 0.001, batch 50 (S has 50 rows), "
        + "\(epochs(context.scale)) epochs, seed 99, stream \(runs.stream.rawValue). Per epoch: 6 training steps, then the test loss "
        + "(2 batches of 50) and the training loss (6 batches of 50), each the mean of the batch loss Σ_t mean_b (ŷ − y)². "
        + "Reported: the minimum over the epochs (a non-finite epoch never counts; the run stops there, Q13).",
      "Chance (always predicting 0.5): train \(g(AddTask.chance(task.trainTargets, steps: task.steps))), test \(g(AddTask.chance(task.testTargets, steps: task.steps))).",
    ]
    if context.scale != .full { notes.append("\(context.scale.rawValue) scale: widths \(runs.widths.map(String.init).joined(separator: ", ")); the full protocol runs widths 8…4096 (README \"Cost\").") }
    if runs.shiftFix || runs.adaReadoutTerm {
      notes.append("Quirk fixes on: \([runs.shiftFix ? "--add-shift-fix (Q10)" : nil, runs.adaReadoutTerm ? "--rnn-ada-readout-term (Q11)" : nil].compactMap { $0 }.joined(separator: ", ")); the official-code values are not comparable and are not shown.")
    }
    if context.options.noEarlyStopOnNaN { notes.append("--no-early-stop-on-nan: runs continue after a non-finite epoch (Q13); the reported minima are the same.") }
    if runs.stream == .suite { notes.append("--rng suite: initial weights, data and batch order from the suite's streams, so the official-code values are not comparable number for number and are not shown.") }
    let result = TableResult(paper: "align", target: context.fileName("add"), title: "Add task: best loss vs width (suite table 8)",
                             scale: context.scale, provenance: Provenance.current(packageRoot: context.packageRoot), seeds: [99],
                             wallSeconds: runs.wallSeconds, unit: "loss", tolerance: 0, rows: rows, checks: checks(runs, context.scale),
                             notes: notes, runs: runs.all)
    return try result.publish(context)
  }

  static func figure(_ context: ArtefactContext) throws -> [URL] {
    let runs = try load(context)
    let name = context.fileName("add")
    let task = AddTaskRunner.data(AddTaskExperiment(name: "chance", width: 1, rule: .backprop), seed: 99)
    let chance = (AddTask.chance(task.trainTargets, steps: task.steps), AddTask.chance(task.testTargets, steps: task.steps))
    // Wide CSV: one row per width; per rule its best losses, their epochs, the divergence epoch, the pre-divergence
    // best again where the run diverged (the cross), the official values and the run's seconds.
    var header = ["width"]
    let fields = ["best_train_loss", "best_test_loss", "best_epoch_train", "best_epoch_test", "diverged_epoch",
                  "diverged_best_train", "diverged_best_test", "ref_train", "ref_test", "wall_s"]
    for r in runs.rules { header += fields.map { "\(r.rawValue) \($0)" } }
    header += ["chance_train", "chance_test"]
    var rows: [[Double]] = []
    for n in runs.widths {
      var row = [Double(n)]
      for r in runs.rules {
        let rec = runs.get(r, n), tr = rec?.bestTrainLoss, te = rec?.bestTestLoss, d = rec?.diverged
        let ref = runs.comparable && epochs(context.scale) == 200 ? official[r]?[n] : nil
        row += [tr?.loss ?? .nan, te?.loss ?? .nan, tr.map { Double($0.epoch) } ?? .nan, te.map { Double($0.epoch) } ?? .nan,
                d.map { Double($0.epoch) } ?? .nan, d != nil ? tr?.loss ?? .nan : .nan, d != nil ? te?.loss ?? .nan : .nan,
                ref?.train ?? .nan, ref?.test ?? .nan, rec?.wallSeconds ?? .nan]
      }
      rows.append(row + [chance.0, chance.1])
    }
    var curves = "width,rule,epoch,train_loss,test_loss\n"
    for r in runs.rules { for n in runs.widths { for ep in runs.get(r, n)?.epochs ?? [] {
      curves += "\(n),\(r.rawValue),\(ep.epoch),\(ep.trainLoss),\(ep.testLoss)\n"
    } } }
    func col(_ h: String) -> Int { header.firstIndex(of: h)! + 1 }
    var script = "set multiplot layout 1,2 title 'Add task: best loss over \(epochs(context.scale)) epochs vs width (\(context.scale.rawValue) scale, seed 99, rng \(runs.stream.rawValue)); open markers: official code on CPU, ×: diverged (pre-divergence best)'\n"
    script += "set logscale x 2\nset logscale y\nset xlabel 'width n'\nset key top right font ',9'\nset grid\n"
    script += "set xrange [\(Double(runs.widths.min()!) / 1.5):\(Double(runs.widths.max()!) * 1.5)]\n"
    for (panel, what) in [("train", "best training loss"), ("test", "best test loss")] {
      script += "set title '\(what)'\nset ylabel '\(what)'\n"
      var parts: [String] = []
      for r in runs.rules {
        let c = colours[r]!
        parts.append("'\(name).csv' using 1:\(col("\(r.rawValue) best_\(panel)_loss")) with linespoints lw 2 pt 7 lc rgb '\(c)' title '\(r.label)'")
        if rows.contains(where: { $0[col("\(r.rawValue) ref_\(panel)") - 1].isFinite }) {
          parts.append("'\(name).csv' using 1:\(col("\(r.rawValue) ref_\(panel)")) with points pt 6 ps 2 lc rgb '\(c)' title '\(r.label) (official code)'")
        }
        if rows.contains(where: { $0[col("\(r.rawValue) diverged_best_\(panel)") - 1].isFinite }) {
          parts.append("'\(name).csv' using 1:\(col("\(r.rawValue) diverged_best_\(panel)")) with points pt 2 ps 2.5 lw 2 lc rgb '\(c)' notitle")
        }
      }
      parts.append("'\(name).csv' using 1:\(col("chance_\(panel)")) with lines dt 2 lc rgb '#555555' title 'chance'")
      script += "plot " + parts.joined(separator: ", \\\n     ") + "\n"
    }
    script += "unset multiplot\n"
    return try writeFigure(paper: "align", name: name, title: "Add task: best loss vs width", context: context, header: header, rows: rows,
                           script: script, checks: checks(runs, context.scale), runs: runs.all, seeds: [99], wallSeconds: runs.wallSeconds,
                           size: (1300, 520), extraFiles: ["\(name)_curves.csv": curves])
  }
}
