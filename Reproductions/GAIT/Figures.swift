import Datasets
import Experiments
import Foundation
import Learning
import Numerics

/// `--figure curves` and `--figure tower` (GAIT README): accuracy during training of the Table 1 runs,
/// one column per data set; rows: train, test, and test zoomed on BP and GAIT-prop. Mean over seeds with a ±1 std
/// band from two seeds on; each series' peak marked. Suite-defined figures: the paper's figure numbers are unverified.
enum GAITCurves {
  static let colours = ["BP": "#000000", "GAIT-prop": "#d62728", "TP": "#1f77b4"]

  static func run(_ context: ArtefactContext, network: InvertibleArchitecture) throws -> [URL] {
    let runs = try GAITTable1.load(context)
    let name = context.fileName(network == .tower ? "tower" : "curves")
    // The data sets and rules that have runs (`--dataset`/`--rules` may select a few).
    let rules = GAITTable1.plan(context.scale).filter { $0.0 == network }.map { $0.1.rule.label }
      .filter { r in GAITProtocol.datasets(context.scale).contains { !runs.get($0, network, r).isEmpty } }
    let datasets = GAITProtocol.datasets(context.scale).filter { d in runs.missing[d] == nil && rules.contains { !runs.get(d, network, $0).isEmpty } }
    // Every run of a scale logs at the same batches: one x column serves all series.
    let batches = Array(Set(datasets.flatMap { d in rules.flatMap { r in runs.get(d, network, r).flatMap { $0.invertible?.curve.map(\.batch) ?? [] } } })).sorted()
    var header = ["epoch"], columns: [[Double]] = []
    var checks: [Check] = []
    for d in datasets {
      for r in rules {
        let rs = runs.get(d, network, r)
        for (what, key) in [("train", \CurvePoint.trainAccuracy), ("test", \CurvePoint.testAccuracy)] {
          let stats = batches.map { b in meanStd(rs.map { run in run.invertible?.curve.first { $0.batch == b }.map { 100 * $0[keyPath: key] } ?? .nan }) }
          let peak = stats.indices.max { (stats[$0].mean.isNaN ? -1 : stats[$0].mean) < (stats[$1].mean.isNaN ? -1 : stats[$1].mean) }
          header += ["\(GAITTable1.label(d)) \(r) \(what) mean", "\(GAITTable1.label(d)) \(r) \(what) std", "\(GAITTable1.label(d)) \(r) \(what) peak"]
          columns.append(stats.map(\.mean)); columns.append(stats.map(\.std))
          columns.append(stats.indices.map { $0 == peak ? stats[$0].mean : .nan })
        }
        let finite = rs.allSatisfy { $0.diverged == nil && ($0.invertible?.curve ?? []).allSatisfy { $0.testAccuracy.isFinite } }
        checks.append(Check(name: "\(GAITTable1.label(d)) \(r): finite, \(rs.count) seed(s)", holds: rs.isEmpty ? nil : finite,
                            detail: rs.map { "seed \($0.seed): \($0.invertible?.curve.count ?? 0) points" + ($0.diverged.map { " (diverged at epoch \($0.epoch), step \($0.step))" } ?? "") }.joined(separator: "; ")))
      }
    }
    // The figure's checks are Table 1's for this network (C1, C2), computed from the same runs.
    checks += GAITTable1.checks(runs, context.scale).filter { $0.name.contains(GAITTable1.netLabel(network)) && !$0.name.hasPrefix("smoke") }
    let rows = batches.indices.map { i in [Double(batches[i]) / 1000] + columns.map { $0[i] } }
    func col(_ h: String) -> Int { header.firstIndex(of: h)! + 1 }
    let seeds = runs.seeds.count
    var script = "set multiplot layout 3,\(max(1, datasets.count)) columnsfirst title '\(network == .tower ? "tower 784-784-500-200-10" : "full width 5 × 784²"), \(context.scale.rawValue) scale, \(seeds) seed(s)'\n"
    script += "set xlabel 'epoch (batches / 1000)'\nset key bottom right font ',9'\nset style fill transparent solid 0.2 noborder\n"
    for d in datasets {
      let tag = GAITTable1.label(d)
      for (what, zoom) in [("train", false), ("test", false), ("test", true)] {
        let shown = zoom ? rules.filter { $0 != "TP" } : rules
        var low = 0.0
        if zoom {
          let finals = shown.compactMap { r in columns[header.firstIndex(of: "\(tag) \(r) \(what) mean")! - 1].last { $0.isFinite } }
          low = max(0, (finals.min() ?? 80) - 6)
        }
        script += "set title '\(tag): \(what) accuracy\(zoom ? " (zoom: BP and GAIT-prop)" : "")'\nset ylabel '\(what) accuracy (%)'\nset yrange [\(zoom ? String(format: "%.0f", low) : "0"):100]\n"
        var parts: [String] = []
        for r in shown {
          let c = colours[r]!, m = col("\(tag) \(r) \(what) mean"), s = col("\(tag) \(r) \(what) std")
          if seeds > 1 { parts.append("'\(name).csv' using 1:($\(m)-$\(s)):($\(m)+$\(s)) with filledcurves lc rgb '\(c)' notitle") }
          parts.append("'\(name).csv' using 1:\(m) with lines lw 2 lc rgb '\(c)' title '\(r)'")
          parts.append("'\(name).csv' using 1:\(col("\(tag) \(r) \(what) peak")) with points pt 7 ps 1.2 lc rgb '\(c)' notitle")
        }
        script += "plot " + parts.joined(separator: ", \\\n     ") + "\n"
      }
    }
    script += "unset multiplot\n"
    return try writeFigure(paper: "gait", name: name, title: "accuracy during training, \(network.label)", context: context,
                           header: header, rows: rows, script: script, checks: checks, runs: runs.all, seeds: runs.seeds,
                           wallSeconds: runs.wallSeconds, size: (500 * max(1, datasets.count) + 200, 1100))
  }
}
