import Datasets
import Experiments
import Foundation

/// Figure 1 (suite-defined diagnostic, not a figure of the paper; LRAE README): learning curves and the
/// per-layer angle between each rule's update and the BP gradient on a fixed probe, during the Table 1 runs
/// at one depth (default 8). Rows: MNIST, Fashion-MNIST; left: test error (solid) and training-subset error
/// (dashed), log scale; right: LRA-E's hidden-layer angles (dark = input side), its top layer (black), and
/// the mean hidden-layer angle of FA (dashed) and DFA (dotted).
enum LRAFigure1 {
  static func run(_ context: ArtefactContext) throws -> [URL] {
    let depth = context.options.depth
    guard LRAProtocol.depths.contains(depth) else { throw InvalidOption("lra --figure 1: no depth \(depth); valid depths: 3, 5, 8") }
    let runs = try LRATable1.load(context, depths: [depth])
    let file = context.fileName(depth == 8 ? "fig1" : "fig1_depth\(depth)")   // the paper's figure is depth 8
    let L = depth + 1
    var header = ["epoch"], columns: [[Double]] = []
    func add(_ name: String, _ values: [Double]) { header.append(name); columns.append(values) }
    var checks: [Check] = []
    for d in LRAProtocol.datasets {
      let tag = LRATable1.label(d)
      for r in LRAProtocol.rules {
        let rec = runs.get(d, depth, r).first
        let epochs = ([rec?.initial].compactMap { $0 } + (rec?.epochs ?? []))
        let name = "\(tag) \(LRATable1.ruleLabel(r))"
        add("\(name) test err %", epochs.map { $0.testAccuracy.map { 100 * (1 - $0) } ?? .nan })
        add("\(name) train-subset err %", epochs.map { $0.trainSubsetAccuracy.map { 100 * (1 - $0) } ?? .nan })
        add("\(name) val err %", epochs.map { $0.validationAccuracy.map { 100 * (1 - $0) } ?? .nan })
        func angle(_ e: EpochRecord, _ l: Int) -> Double {
          guard let c = e.probe?["probe cos layer \(l)"] else { return .nan }
          return acos(max(-1, min(1, c))) * 180 / .pi
        }
        if r == .localRepresentationAlignment {
          for l in 1...L { add("\(tag) LRA-E layer \(l) angle", epochs.map { angle($0, l) }) }
          let first = (1..<L).map { angle(epochs.first!, $0) }, last = (1..<L).map { angle(epochs.last!, $0) }
          let meanFirst = first.reduce(0, +) / Double(first.count), meanLast = last.reduce(0, +) / Double(last.count)
          let topCos = epochs.compactMap { $0.probe?["probe cos layer \(L)"] }.min() ?? .nan
          checks.append(Check(name: "\(tag): LRA-E hidden-layer angles ≈ 90° at epoch 0 (|cos| ≤ 0.2) and top layer at 0°",
                              holds: first.allSatisfy { abs(cos($0 * .pi / 180)) <= 0.2 } && topCos >= 1 - 1e-6,
                              detail: String(format: "epoch-0 mean hidden angle %.1f°, min top-layer cos %.8f", meanFirst, topCos)))
          checks.append(Check(name: "\(tag): LRA-E's mean hidden-layer angle falls below its epoch-0 value",
                              holds: meanLast.isFinite ? meanLast < meanFirst : nil,
                              detail: String(format: "%.1f° → %.1f°", meanFirst, meanLast)))
        } else if r != .backprop {
          add("\(tag) \(r.label) mean hidden angle", epochs.map { e in (1..<L).map { angle(e, $0) }.reduce(0, +) / Double(L - 1) })
        }
      }
    }
    let n = columns.map(\.count).max() ?? 0
    let rows = (0..<n).map { e in [Double(e)] + columns.map { e < $0.count ? $0[e] : .nan } }
    func col(_ name: String) -> Int { header.firstIndex(of: name)! + 1 }
    var script = "set multiplot layout 2,2 title 'LRA-E diagnostic (suite-defined, not a paper figure): 784-256x\(depth)-10 tanh, \(context.scale.rawValue) scale'\n"
    script += "set xlabel 'epoch'\nset key top right font ',8'\n" + (n <= 11 ? "set xtics 1\n" : "set format x '%.0f'\n")
    let colours = ["LRA-E": "#d62728", "BP": "#000000", "FA": "#1f77b4", "DFA": "#2ca02c"]
    for d in LRAProtocol.datasets {
      let tag = LRATable1.label(d)
      script += "set title '\(tag), 784-256x\(depth)-10 tanh'\nset ylabel 'error (%)'\nset logscale y\nset yrange [*:100]\nset key top right\n"
      var parts: [String] = []
      for r in LRAProtocol.rules {
        let name = "\(tag) \(LRATable1.ruleLabel(r))", c = colours[LRATable1.ruleLabel(r)]!
        parts.append("'\(file).csv' using 1:\(col("\(name) test err %")) with linespoints lw 2 pt 7 ps 0.5 lc rgb '\(c)' title '\(LRATable1.ruleLabel(r)) test'")
        parts.append("'' using 1:\(col("\(name) train-subset err %")) with lines dt 2 lc rgb '\(c)' title '\(LRATable1.ruleLabel(r)) train subset'")
      }
      script += "plot " + parts.joined(separator: ", \\\n     ") + "\n"
      script += "unset logscale y\nset yrange [-3:100]\nset key bottom left\nset ylabel 'angle to the BP gradient (degrees)'\nset title '\(tag): update angle per layer (probe: 1 000 validation images)'\n"
      parts = ["90 with lines lc rgb '#aaaaaa' dt 3 notitle"]
      for l in 1..<L {
        // Dark red at the input side to light orange at the output side.
        let f = Double(l - 1) / Double(max(1, L - 2))
        let rgb = String(format: "%02x%02x%02x", Int(90 + 165 * f), Int(20 + 150 * f), Int(10 + 60 * f))
        parts.append("'\(file).csv' using 1:\(col("\(tag) LRA-E layer \(l) angle")) with lines lw 2 lc rgb '#\(rgb)' title 'LRA-E layer \(l)'")
      }
      parts.append("'' using 1:\(col("\(tag) LRA-E layer \(L) angle")) with lines lw 2 lc rgb '#000000' title 'LRA-E top layer (0°)'")
      parts.append("'' using 1:\(col("\(tag) FA mean hidden angle")) with lines lw 2 dt 2 lc rgb '#777777' title 'FA (mean hidden)'")
      parts.append("'' using 1:\(col("\(tag) DFA mean hidden angle")) with lines lw 2 dt 3 lc rgb '#777777' title 'DFA (mean hidden)'")
      script += "plot " + parts.joined(separator: ", \\\n     ") + "\n"
    }
    script += "unset multiplot\n"
    return try writeFigure(paper: "lra", name: file, title: "learning curves and update angles, depth \(depth)", context: context,
                               header: header, rows: rows, script: script, checks: checks, runs: runs.all, seeds: runs.seeds,
                               wallSeconds: runs.wallSeconds, size: (1400, 1000))
  }
}
