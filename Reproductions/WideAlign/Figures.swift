import Datasets
import Experiments
import Foundation
import Learning
import Numerics

/// Suite table 7 (`time`): the seconds of one training step per rule and width on synthetic-32 data through cifar7,
/// measured here (no real data needed), with the ratio to BP; and the figures drawn from tables 1, 2 and 4.
enum AlignTime {
  static func run(_ context: ArtefactContext) throws -> [URL] {
    let start = Clock.wall
    let smoke = context.scale == .smoke
    let widths = context.options.widths ?? (smoke ? [8] : context.scale == .quick ? [8, 16, 32, 64, 128] : [8, 16, 32, 64, 128, 256, 512])
    let rules = try AlignGrid.rules(context, [.backprop, .alignAda, .alignZero, .feedbackAlignment, .directFeedbackAlignment, .alignProp], target: "align --table time")
    let warmup = smoke ? 1 : 2, timed = smoke ? 2 : 5, B = 100
    let data = SyntheticImages.make(size: 32, channels: 3, trainCount: B, testCount: 10)
    var x = [Float](repeating: 0, count: B * 3072), y = [Float](repeating: -0.1, count: B * 10)
    for b in 0..<B {
      for c in 0..<3 { for q in 0..<1024 { x[(b * 1024 + q) * 3 + c] = (Float(data.trainImages[b * 3072 + c * 1024 + q]) / 255 - 0.5) + 0.5 } }
      y[b * 10 + Int(data.trainLabels[b])] = 0.9
    }
    var seconds: [String: Double] = [:]
    for w in widths {
      for r in rules {
        var rng = NumpyRandom(seed: 99)
        let net0 = ConvNetwork<Float>.initial(.cifar7(width: w), feedback: r.feedbackDraw, normals: &rng)
        var net = net0
        let ws = ConvWorkspace<Float>(.cifar7(width: w), capacity: B)
        var times: [Double] = []
        for k in 0..<warmup + timed {
          let t0 = Clock.wall
          ws.gradient(r, net, initial: net0, x, y, rows: B)
          net.parameters.withUnsafeMutableBufferPointer { Float.axpy($0.count, -2, ws.gradientBuffer, $0.baseAddress!) }
          if k >= warmup { times.append(Clock.wall - t0) }
        }
        seconds["\(r.rawValue)|\(w)"] = times.sorted()[times.count / 2]
        Progress.note("time: \(r.label) n = \(w): \(String(format: "%.3f", seconds["\(r.rawValue)|\(w)"]!)) s per step")
      }
    }
    var rows: [TableRow] = []
    for r in rules {
      for w in widths {
        let s = seconds["\(r.rawValue)|\(w)"]!, bp = seconds["\(ConvRule.backprop.rawValue)|\(w)"]
        rows.append(TableRow(method: r.label, column: "n = \(w): s/step", reference: nil, values: [s], tolerance: 0))
        rows.append(TableRow(method: r.label, column: "n = \(w): s/epoch (450 steps)", reference: nil, values: [450 * s], tolerance: 0))
        rows.append(TableRow(method: r.label, column: "n = \(w): ratio to BP", reference: nil, values: bp.map { [s / $0] }, tolerance: 0))
      }
    }
    var checks: [Check] = []
    for r in [ConvRule.alignAda, .alignZero] where rules.contains(r) && rules.contains(.backprop) {
      let wide = widths.filter { $0 >= 32 }
      if wide.isEmpty { continue }
      let ratios = wide.map { seconds["\(r.rawValue)|\($0)"]! / seconds["bp|\($0)"]! }
      checks.append(Check(name: "\(r.label)/BP step time ≤ 2 at widths ≥ 32 (FLOP model ≈ 1.33)", holds: ratios.allSatisfy { $0 <= 2 },
                          detail: zip(wide, ratios).map { "n = \($0): \(String(format: "%.2f", $1))" }.joined(separator: ", ")))
    }
    let notes = ["Median seconds of a training step (forward, the rule's backward, the SGD update) over \(timed) steps after \(warmup) warm-up steps, batch 100 of "
                 + "synthetic-32 images through cifar7, one BLAS thread, this machine; s/epoch extrapolates to the official 45 000 training images (450 steps). "
                 + "The official TF code's own timings (README \"Reference numbers\") are another implementation's and are not compared here. Wall times of whole runs are in every run record."]
    let result = TableResult(paper: "align", target: context.fileName("time"), title: "training time per step vs width (suite table 7)", scale: context.scale,
                             provenance: Provenance.current(packageRoot: context.packageRoot), seeds: [99], wallSeconds: Clock.wall - start,
                             unit: "seconds", tolerance: 0, rows: rows, checks: checks, notes: notes, runs: [])
    return try result.publish(context)
  }
}

enum AlignFigures {
  static let colours: [ConvRule: String] = [.backprop: "#000000", .alignAda: "#d62728", .alignZero: "#ff7f0e", .feedbackAlignment: "#1f77b4",
                                            .directFeedbackAlignment: "#2ca02c", .lastLayer: "#7f7f7f", .alignProp: "#9467bd"]

  /// A figure of panels, each with x values and per-rule series (NaN where nothing ran): CSV (one block per
  /// panel, separated by two blank lines so gnuplot's `index` reads it) and a script with one plot per panel.
  static func draw(_ context: ArtefactContext, name base: String, title: String, xLabel: String, logX: Bool,
                   panels: [(title: String, x: [Double], series: [(ConvRule, [Double])])], checks: [Check], runs: [RunRecord], wall: Double) throws -> [URL] {
    let name = context.fileName(base)
    let rules = panels.first?.series.map(\.0) ?? []
    let header = ["x"] + rules.map(\.rawValue)
    var csvBlocks: [String] = []
    for p in panels {
      csvBlocks.append(p.x.indices.map { i in ([p.x[i]] + p.series.map { $0.1[i] }).map { String(format: "%.10g", $0) }.joined(separator: ",") }.joined(separator: "\n"))
    }
    let csv = "# " + header.joined(separator: ",") + " (one block per panel)\n" + csvBlocks.joined(separator: "\n\n\n") + "\n"
    var script = "set multiplot layout 1,\(panels.count) title '\(title) (\(context.scale.rawValue) scale)'\n"
    script += (logX ? "set logscale x 2\n" : "") + "set key noautotitle\nset xlabel '\(xLabel)'\nset ylabel 'final validation accuracy (%)'\nset yrange [0:100]\nset key outside right top font ',9'\nset offsets graph 0.05, graph 0.05, 0, 0\nset grid\n"
    for (k, p) in panels.enumerated() {
      script += "set title '\(p.title.replacingOccurrences(of: "'", with: ""))' font ',10'\n"
      let parts = p.series.enumerated().filter { $0.element.1.contains { $0.isFinite } }.map { j, s in
        "'\(name)_data.csv' index \(k) using 1:\(j + 2) with linespoints lw 2 pt 7 lc rgb '\(colours[s.0]!)' title '\(s.0.label)'"
      }
      script += parts.isEmpty ? "plot NaN notitle\n" : "plot " + parts.joined(separator: ", \\\n     ") + "\n"
    }
    script += "unset multiplot\n"
    // The CSV for gnuplot holds the panels as blocks; `writeFigure` writes the flat table of every point as <name>.csv.
    let flat = panels.flatMap { p in p.x.indices.map { i in [p.x[i]] + p.series.map { $0.1[i] } } }
    return try writeFigure(paper: "align", name: name, title: title, context: context, header: header, rows: flat, script: script, checks: checks,
                           runs: runs, seeds: Array(Set(runs.map(\.seed))).sorted(), wallSeconds: wall, size: (max(800, 640 * panels.count), 480),
                           extraFiles: ["\(name)_data.csv": csv.replacingOccurrences(of: "nan", with: "NaN")])
  }

  static func accuracy(_ context: ArtefactContext) throws -> [URL] {
    let plan = AlignTables.widthPlan(context, rules: try AlignGrid.rules(context, AlignTables.tableRules, target: "align --figure accuracy"))
    let runs = try AlignGrid.load(context, plan.panels)
    for m in plan.missing { Progress.note(m) }
    let panels = plan.panels.map { p in
      (title: p.title + (p.learningRates.count > 1 ? " (best over lr)" : ", lr \(g(p.learningRates[0]))"), x: p.widths.map(Double.init),
       series: p.rules.map { r in (r, p.widths.map { AlignGrid.accuracy(p, runs, r, $0) ?? .nan }) })
    }
    return try draw(context, name: "accuracy", title: "Final validation accuracy vs width", xLabel: "width n", logX: true, panels: panels,
                    checks: plan.panels.flatMap { AlignGrid.checks($0, runs, scale: context.scale) }, runs: runs.all, wall: runs.wallSeconds)
  }

  static func lr(_ context: ArtefactContext) throws -> [URL] {
    let plan = AlignTables.lrPlan(context, rules: try AlignGrid.rules(context, AlignTables.tableRules, target: "align --figure lr"))
    let runs = try AlignGrid.load(context, plan.panels)
    var panels: [(title: String, x: [Double], series: [(ConvRule, [Double])])] = []
    for p in plan.panels {
      for w in p.widths {
        panels.append((title: "\(p.title), n = \(w)", x: p.learningRates,
                       series: p.rules.map { r in (r, p.learningRates.map { lr in runs.accuracies(p, r, w, lr).first ?? .nan }) }))
      }
    }
    return try draw(context, name: "lr", title: "Final validation accuracy vs learning rate", xLabel: "learning rate", logX: true, panels: panels,
                    checks: [], runs: runs.all, wall: runs.wallSeconds)
  }

  static func smallData(_ context: ArtefactContext) throws -> [URL] {
    let plan = AlignTables.smallDataPlan(context, rules: try AlignGrid.rules(context, AlignTables.seedRules, target: "align --figure small-data"))
    let runs = try AlignGrid.load(context, plan.panels)
    guard let first = plan.panels.first else { return [] }
    let sizes = plan.panels.map { Double($0.trainLimit ?? 0) }
    let base = first.title.components(separatedBy: ", N = ").first ?? first.title
    let panels = first.widths.map { w in
      (title: "\(base), n = \(w)", x: sizes, series: first.rules.map { r in (r, plan.panels.map { AlignGrid.accuracy($0, runs, r, w) ?? .nan }) })
    }
    return try draw(context, name: "small-data", title: "Final validation accuracy vs training-set size", xLabel: "training images N", logX: true,
                    panels: panels, checks: [], runs: runs.all, wall: runs.wallSeconds)
  }
}
