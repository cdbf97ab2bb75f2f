import Datasets
import Experiments
import Foundation
import Learning

/// Figure S1 (DFC README from the official scripts): the two Fig. 3 DFC (continuous) runs, trained
/// and fixed feedback: (1) λ_max of the four system matrices (batch mean) with a line at 0; (2) each layer's
/// relative deviation of ‖r_i‖ from the mean layer norm (input, layers 1…L−1); (3) per-layer MN and GN angles;
/// (4) Condition 2. Shares the Fig. 3 runs.
enum DFCFigureS1 {
  static func run(_ context: ArtefactContext) throws -> [URL] {
    let linear = context.options.linear
    let runs = try DFCFigure3.load(context, linear: linear)
    let base = context.fileName(linear ? "figS1_linear" : "figS1")
    let tags = ["dfc_tr", "dfc_fx"], L = DFCToyProtocol.sizes.count - 1
    var header = ["log_index"], columns: [[Double]] = []
    var long = "run,log_index,key,mean,std\n"
    let matrices = ["A_tildeI", "A_I", "A_I_inst", "A_PI"]
    for t in tags {
      guard let r = runs.records[t] else { continue }
      let log = r.controlled?.forward ?? []
      for (k, m) in matrices.enumerated() {
        header.append("\(t) lmax \(m)"); columns.append(log.map { $0.lambdaMax?[k] ?? .nan })
        for (i, p) in log.enumerated() { long += "\(t),\(i),lmax_\(m),\(p.lambdaMax?[k] ?? .nan),\(k == 3 ? (p.lambdaMaxPIStd ?? .nan) : .nan)\n" }
      }
      for layer in 0..<L {
        header.append("\(t) norm deviation r\(layer)")
        columns.append(log.map { p in
          guard let n = p.layerNorms else { return .nan }
          let m = n.reduce(0, +) / Double(n.count)
          return (n[layer] - m) / m
        })
      }
      for layer in 1...L {
        header.append("\(t) layer \(layer) MN"); columns.append(log.map { $0.layerAngles?[layer - 1][0] ?? .nan })
        header.append("\(t) layer \(layer) GN"); columns.append(log.map { $0.layerAngles?[layer - 1][1] ?? .nan })
      }
      header.append("\(t) cond2"); columns.append(DFCFigure3.series(r, "cond2"))
    }
    let length = columns.map(\.count).max() ?? 0
    let rows = (0..<length).map { i in [Double(i)] + columns.map { i < $0.count ? $0[i] : .nan } }
    func col(_ h: String) -> Int { header.firstIndex(of: h)! + 1 }
    var checks: [Check] = []
    for t in tags {
      let all = matrices.indices.flatMap { k in (runs.records[t]?.controlled?.forward ?? []).compactMap { $0.lambdaMax?[k] } }
      checks.append(Check(name: "\(t): every λ_max < 0 (stable)", holds: all.isEmpty ? nil : all.allSatisfy { $0 < 0 },
                          detail: String(format: "max %.4g over %d values", all.max() ?? .nan, all.count)))
      let inst = (runs.records[t]?.controlled?.forward ?? []).compactMap { $0.lambdaMax }.map { ($0[2] < 0) == ($0[3] < 0) }
      checks.append(Check(name: "\(t): A_I^inst (Condition 3) agrees in sign with A_PI (its proxy)", holds: inst.isEmpty ? nil : inst.allSatisfy { $0 },
                          detail: "\(inst.filter { $0 }.count) of \(inst.count) points"))
    }
    let styles = ["dfc_tr": "", "dfc_fx": "dt 2 "], colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]
    var script = "set multiplot layout 2,2 title 'DFC Fig. S1 (reconstructed): the Fig. 3 DFC runs, solid = trained feedback, dashed = fixed; \(context.scale.rawValue) scale'\n"
    script += "set xlabel 'Epoch'\nset key bottom right font ',8'\n"
    var parts: [String] = ["0 with lines lc rgb '#888888' notitle"]
    for t in tags { for (k, m) in matrices.enumerated() { parts.append("'\(base)_wide.csv' using 1:\(col("\(t) lmax \(m)")) with lines lw 2 \(styles[t]!)lc rgb '\(colours[k])' title '\(m)\(t == "dfc_fx" ? " (fixed)" : "")'") } }
    script += "set title 'λ_max of the system matrices'\nplot " + parts.joined(separator: ", \\\n     ") + "\n"
    parts = ["0 with lines lc rgb '#888888' notitle"]
    for t in tags { for l in 0..<L { parts.append("'\(base)_wide.csv' using 1:\(col("\(t) norm deviation r\(l)")) with lines lw 2 \(styles[t]!)lc rgb '\(colours[l])' title '\(l == 0 ? "input" : "layer \(l)")\(t == "dfc_fx" ? " (fixed)" : "")'") } }
    script += "set title '(‖r_i‖ − mean)/mean per layer (Condition 1)'\nplot " + parts.joined(separator: ", \\\n     ") + "\n"
    parts = []
    for t in tags { for l in 1...L {
      parts.append("'\(base)_wide.csv' using 1:\(col("\(t) layer \(l) MN")) with lines lw 2 \(styles[t]!)lc rgb '\(colours[l - 1])' title 'layer \(l) MN\(t == "dfc_fx" ? " (fixed)" : "")'")
      parts.append("'\(base)_wide.csv' using 1:\(col("\(t) layer \(l) GN")) with lines lw 1 \(styles[t]!)lc rgb '\(colours[l - 1])' notitle")
    } }
    script += "set title 'per-layer angle with MN (thick) and GN (thin) [°]'\nset yrange [0:*]\nplot " + parts.joined(separator: ", \\\n     ") + "\nset yrange [*:*]\n"
    parts = tags.map { t in "'\(base)_wide.csv' using 1:\(col("\(t) cond2")) with lines lw 2 \(styles[t]!)lc rgb '#4169E1' title 'Condition 2\(t == "dfc_fx" ? " (fixed)" : "")'" }
    script += "set title 'Condition 2'\nplot " + parts.joined(separator: ", \\\n     ") + "\nunset multiplot\n"
    return try writeFigure(paper: "dfc", name: base, title: "stability matrices, layer norms, per-layer alignment of the Fig. 3 DFC runs",
                           context: context, header: header, rows: rows, script: script, checks: checks,
                           runs: tags.compactMap { runs.records[$0] }, seeds: [1], wallSeconds: runs.wallSeconds, size: (1400, 900),
                           dataName: "\(base)_wide", extraFiles: ["\(base).csv": long])
  }
}
