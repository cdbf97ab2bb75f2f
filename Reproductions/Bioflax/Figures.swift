import Datasets
import Experiments
import Foundation
import Numerics

/// Figures 1–10 (Bioflax README): per-epoch metrics of the table runs (mean over seeds, ±1 std shaded), and the
/// sinreg fit. Figures 1–3 are MNIST, 4–6 teacher-student, 7–9 sin regression, 10 the sinreg fit.
enum BioflaxFigures {
  struct Series {
    var name: String
    var panel: Int
    var values: [[Double]]     // epoch × seed
    var dashed = false
    var colour: Int
  }

  static let layerNames = ["layer 0 (input)", "layer 1", "layer 2 (output)"]

  static func task(ofFigure n: Int) -> BioflaxTask { n <= 3 ? .mnist : n <= 6 ? .teacher : .sinreg }

  static func figure(_ n: Int, _ context: ArtefactContext) throws -> [URL] {
    let task = task(ofFigure: n)
    let runs = try TaskRuns.load(task, context)
    if n == 10 { return try fit(runs, context) }
    let kind = (n - 1) % 3
    let tableChecks = BioflaxTables.checks(task, runs, [])
    var series: [Series] = [], panels: [String] = [], yLabels: [String] = []
    var checks: [Check] = []
    let title: String
    switch kind {
    case 0:   // W–B alignment cos(Kᵢ, Bᵢ)
      title = "\(task.rawValue): W–B alignment cos(W, B) per layer (λ = 0: KP's W − B never shrinks, D3)"
      panels = ["FA", "KP"]; yLabels = ["cos(W, B)", "cos(W, B)"]
      for (p, rule) in panels.enumerated() {
        for i in 0..<3 {
          series.append(Series(name: "\(rule) \(i == 0 ? "layer 0 (B unused)" : layerNames[i])", panel: p,
                               values: runs.metric(rule, AlignmentMetrics.weightLayerKey(i)), colour: i + 1))
        }
      }
      checks = tableChecks.filter { $0.name.hasPrefix("P34") }
      let fa0 = runs.metric("FA", AlignmentMetrics.weightLayerKey(0)).flatMap { $0 }.filter(\.isFinite)
      let bound = 5 / Double(784 * 500).squareRoot()
      if task == .mnist {
        checks.append(Check(name: "P33: FA's first-layer |cos(W, B)| stays below 5/√numel", holds: fa0.isEmpty ? nil : fa0.allSatisfy { abs($0) < bound },
                            detail: String(format: "max %.4f, bound %.4f", fa0.map(abs).max() ?? .nan, bound)))
      }
    case 1:   // per-layer gradient alignment
      title = "\(task.rawValue): per-layer gradient alignment with BP (solid: bias + kernel, dashed: bias only; BP ≡ 1)"
      panels = ["FA", "KP", "DFA"]; yLabels = ["cos(g(BP), g(rule))", "", ""]
      for (p, rule) in panels.enumerated() {
        for i in 0..<3 {
          series.append(Series(name: "\(rule) \(layerNames[i])", panel: p, values: runs.metric(rule, AlignmentMetrics.gradientLayerKey(i)), colour: i + 1))
          series.append(Series(name: "\(rule) \(layerNames[i]) bias", panel: p, values: runs.metric(rule, AlignmentMetrics.biasLayerKey(i)), dashed: true, colour: i + 1))
        }
        series.append(Series(name: "\(rule) panel: BP reference", panel: p, values: runs.metric("BP", AlignmentMetrics.totalKey), colour: 8))
      }
      checks = tableChecks.filter { $0.name.hasPrefix("P26") || $0.name.hasPrefix("P35") || $0.name.hasPrefix("KP ≥ FA") }
    default:  // totals, norms, accuracy or validation loss, losses
      title = "\(task.rawValue): total gradient alignment, |g(BP)|/|g(rule)|, \(task == .mnist ? "test accuracy" : "validation loss"), train (solid) and test (dashed) loss"
      panels = ["gradient alignment", "relative norm |g(BP)| / |g(rule)|", task == .mnist ? "test accuracy" : "validation ½-MSE", "loss"]
      yLabels = ["cosine", "ratio", task == .mnist ? "accuracy" : "½-MSE", "loss"]
      for (c, rule) in runs.labels.enumerated() {
        series.append(Series(name: "\(rule) alignment", panel: 0, values: runs.metric(rule, AlignmentMetrics.totalKey), colour: c + 1))
        series.append(Series(name: "\(rule) norm ratio", panel: 1, values: runs.metric(rule, AlignmentMetrics.normKey), colour: c + 1))
        series.append(Series(name: "\(rule) \(task == .mnist ? "test acc" : "val loss")", panel: 2,
                             values: runs.epochValue(rule) { task == .mnist ? $0.testAccuracy : $0.validationLoss }, colour: c + 1))
        series.append(Series(name: "\(rule) train", panel: 3, values: runs.epochValue(rule) { $0.trainLoss }, colour: c + 1))
        series.append(Series(name: "\(rule) test", panel: 3, values: runs.epochValue(rule) { $0.testLoss }, dashed: true, colour: c + 1))
      }
      checks = tableChecks.filter { $0.name.hasPrefix("P25") }
      let firstTotal = ["FA", "KP", "DFA"].map { runs.metric($0, AlignmentMetrics.totalKey).first.map { meanStd($0).mean } ?? .nan }
      checks.append(Check(name: "total alignment > 0 from the first epoch (FA, KP, DFA; the exact output layer contributes)",
                          holds: firstTotal.allSatisfy(\.isFinite) ? firstTotal.allSatisfy { $0 > 0 } : nil,
                          detail: firstTotal.map { String(format: "%.3f", $0) }.joined(separator: ", ")))
      let learned = runs.labels.filter { label in
        let losses = runs.epochValue(label) { $0.trainLoss }.map { meanStd($0).mean }
        return losses.count >= 2 && losses.last! < losses.first!
      }
      checks.append(Check(name: "training loss falls from the first to the last epoch", holds: nil,
                          detail: "falls for: \(learned.joined(separator: ", ")); runs that diverged stop early"))
    }
    return try draw(n, title: title, panels: panels, yLabels: yLabels, series: series, yRange: kind < 2 ? "[-0.1:1.05]" : nil,
                    logPanels: kind == 2 ? (task == .mnist ? [3] : [2, 3]) : [], checks: checks, runs: runs, context)
  }

  static func draw(_ n: Int, title: String, panels: [String], yLabels: [String], series: [Series], yRange: String?,
                   logPanels: Set<Int>, checks: [Check], runs: TaskRuns, _ context: ArtefactContext) throws -> [URL] {
    let epochs = series.map(\.values.count).max() ?? 0
    var header = ["epoch"]
    for s in series { header += ["\(s.name) mean", "\(s.name) std"] }
    var rows: [[Double]] = []
    for e in 0..<epochs {
      var row = [Double(e + 1)]
      for s in series {
        let ms: (mean: Double, std: Double) = e < s.values.count ? meanStd(s.values[e]) : (.nan, .nan)
        row += [ms.mean, ms.std]
      }
      rows.append(row)
    }
    let name = context.fileName("figure\(n)")
    var script = "set multiplot layout 1,\(panels.count) title \"\(title.replacingOccurrences(of: "\"", with: "'"))\" font ',11'\n"
    script += "set xlabel 'epoch'\nset xtics 1\nset key bottom right font ',8'\n"
    if let yRange { script += "set yrange \(yRange)\n" } else { script += "set autoscale y\n" }
    for (p, panel) in panels.enumerated() {
      script += "set title '\(panel)'\nset ylabel '\(yLabels[p])'\n" + (logPanels.contains(p) ? "set logscale y\n" : "unset logscale y\n")
      var parts: [String] = []
      for (k, s) in series.enumerated() where s.panel == p {
        let m = 2 + 2 * k, sd = m + 1
        parts.append("'\(name).csv' using 1:($\(m)-$\(sd)):($\(m)+$\(sd)) with filledcurves fs transparent solid 0.15 noborder lc \(s.colour) notitle")
        parts.append("'' using 1:\(m) with linespoints lw 2 pt 7 ps 0.6 dt \(s.dashed ? 2 : 1) lc \(s.colour) title '\(s.name.replacingOccurrences(of: "'", with: ""))'")
      }
      script += "plot " + parts.joined(separator: ", \\\n     ") + "\n"
    }
    script += "unset multiplot\n"
    return try writeFigure(paper: "bioflax", name: name, title: title, context: context, header: header, rows: rows,
                               script: script, checks: checks, runs: runs.all, seeds: runs.seeds, wallSeconds: runs.wallSeconds)
  }

  /// Figure 10: the test set's x against each rule's prediction (first seed), with sin(x). FA and DFA come
  /// from the labelled lr-0.005 variant when their default runs diverged (D22).
  static func fit(_ runs: TaskRuns, _ context: ArtefactContext) throws -> [URL] {
    let problem: Problem<Double> = try ProblemLoader.load(runs.task.experiment(.backprop, scale: context.scale).data, context.data)
    let x = problem.test.features.storage
    let order = x.indices.sorted { x[$0] < x[$1] }
    // BP and KP at the defaults; FA and DFA at the defaults where they did not diverge, and always the
    // labelled lr-0.005 variant (D22).
    var labels: [String] = []
    var predictions: [[Double]] = []
    let lr = BioflaxTask.sinregVariantLearningRate
    for label in ["BP", "KP", "FA", "DFA", "FA (lr \(lr))", "DFA (lr \(lr))"] {
      guard let p = runs.byRule[label]?.first?.testPredictions else { continue }
      labels.append(label); predictions.append(p)
    }
    let rows = order.map { i in [x[i], Foundation.sin(x[i])] + predictions.map { $0[i] } }
    var script = "set title 'sin regression: test-set predictions after \(plural(runs.byRule["BP"]?.first?.epochs.count ?? 0, "epoch")) (seed \(runs.seeds[0]))'\n"
    script += "set xlabel 'x'\nset ylabel 'y'\nset key top left\nset xrange [-pi:pi]\n"
    let name = context.fileName("figure10")
    script += "plot '\(name).csv' using 1:2 with lines lw 3 lc rgb '#444444' title 'sin(x)'"
    for (k, l) in labels.enumerated() { script += ", '' using 1:\(3 + k) with points pt 7 ps 0.5 lc \(k + 1) title '\(l)'" }
    script += "\n"
    let mse = predictions.map { p in order.map { i in 0.5 * (p[i] - Foundation.sin(x[i])) * (p[i] - Foundation.sin(x[i])) }.reduce(0, +) / Double(x.count) }
    let expected = ["BP", "KP", "FA (lr \(lr))", "DFA (lr \(lr))"]
    let fits = zip(labels, mse).filter { expected.contains($0.0) }
    let checks = [Check(name: "BP, KP and the lr-\(lr) FA and DFA fit better than the zero predictor (test ½-MSE < 0.25)",
                        holds: fits.count == expected.count ? fits.allSatisfy { $0.1 < 0.25 } : false,
                        detail: zip(labels, mse).map { "\($0): \(String(format: "%.4f", $1))" }.joined(separator: "; "))]
    return try writeFigure(paper: "bioflax", name: name, title: "sin regression fit", context: context,
                               header: ["x", "sin(x)"] + labels, rows: rows, script: script, checks: checks,
                               runs: runs.all, seeds: runs.seeds, wallSeconds: runs.wallSeconds)
  }
}
