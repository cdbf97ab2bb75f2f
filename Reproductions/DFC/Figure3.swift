import Datasets
import Experiments
import Foundation
import Learning

/// Figure 3 (DFC README): seven runs on the toy task, one point per epoch (minibatch 0 of each forward
/// epoch): Condition 2 (A), Condition 1 (C), λ_max(A_PI) (E), and the angle of the (clipped) update with the damped
/// MN update (B), the damped GN update (D) and the DFC-SSA update (F). Trailing rolling means (30 points) with a
/// ± rolling-std band, the paper's fixed y-ranges, the paper's column-wise lettering.
enum DFCFigure3 {
  static let colours = ["dfc": "#4169E1", "ss": "#2ca02c", "ssa": "#8a2be2", "dfa": "#d62728"]
  static let metrics = ["cond2", "cond1", "lmax_PI", "mn", "gn", "ssa"]
  /// Panel letters and ranges (nonlinear; `--linear`).
  static func range(_ metric: String, linear: Bool) -> (Double, Double) {
    switch metric {
    case "cond2": return linear ? (0.5, 1) : (0.7, 1)
    case "cond1": return linear ? (0, 1) : (0, 0.45)
    case "lmax_PI": return linear ? (-0.7, -0.4) : (-0.6, -0.4)
    case "mn", "gn": return linear ? (0, 75) : (0, 70)
    default: return linear ? (0, 20) : (0, 8)
    }
  }

  struct Runs {
    var records: [String: RunRecord] = [:]     // tag → run
    var wallSeconds = 0.0
    var all: [RunRecord] { records.keys.sorted().map { records[$0]! } }
  }

  static func load(_ context: ArtefactContext, linear: Bool) throws -> Runs {
    let plan = DFCToyProtocol.figure3Runs(context.scale, linear: linear)
    let (records, wall) = try context.runs(plan.map { Cell($0.experiment, seed: 1) }, paper: "dfc")
    var runs = Runs(wallSeconds: wall)
    for (p, r) in zip(plan, records) { runs.records[p.tag] = r }
    return runs
  }

  /// The series of a metric for one run, one value per forward epoch (nan where it does not apply).
  static func series(_ r: RunRecord, _ metric: String) -> [Double] {
    let log = r.controlled?.forward ?? []
    switch metric {
    case "cond2":
      // Trained feedback: from the first feedback pass of each epoch, after its step; fixed: the forward log.
      let fb = (r.controlled?.feedback ?? []).filter { $0.epoch >= 1 }
      return fb.isEmpty ? log.map { $0.conditionTwo ?? .nan } : fb.map { $0.conditionTwo ?? .nan }
    case "cond1": return log.map { $0.conditionOne ?? .nan }
    case "lmax_PI": return log.map { $0.lambdaMax?[3] ?? .nan }
    case "mn": return log.map { $0.mnAngle ?? .nan }
    case "gn": return log.map { $0.gnAngle ?? .nan }
    default: return log.map { $0.ssaAngle ?? .nan }
    }
  }

  /// Trailing rolling mean over `window` points (min 1) and the rolling sample std (ddof 1; 0 where undefined).
  static func rolling(_ x: [Double], _ window: Int) -> (mean: [Double], std: [Double]) {
    var m: [Double] = [], s: [Double] = []
    for i in x.indices {
      let w = x[max(0, i - window + 1)...i].filter(\.isFinite)
      guard !w.isEmpty else { m.append(.nan); s.append(.nan); continue }
      let mean = w.reduce(0, +) / Double(w.count)
      m.append(mean)
      s.append(w.count > 1 ? (w.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(w.count - 1)).squareRoot() : 0)
    }
    return (m, s)
  }

  static func late(_ x: [Double], _ n: Int) -> Double { let v = x.suffix(n).filter(\.isFinite); return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count) }
  static func early(_ x: [Double], _ n: Int) -> Double { let v = x.prefix(n).filter(\.isFinite); return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count) }
  static func f(_ v: Double) -> String { String(format: "%.3g", v) }

  static func run(_ context: ArtefactContext) throws -> [URL] {
    let linear = context.options.linear
    let runs = try load(context, linear: linear)
    let base = context.fileName(linear ? "fig3_linear" : "fig3")          // --linear writes its own files beside the nonlinear figure
    let window = DFCToyProtocol.window(context.scale)
    let tags = ["dfc_tr", "ss_tr", "ssa_tr", "dfa", "dfc_fx", "ss_fx", "ssa_fx"]
    let length = runs.records.values.map { ($0.controlled?.forward ?? []).count }.max() ?? 0

    // The smoothed wide table the script reads.
    var header = ["log_index"], columns: [[Double]] = []
    var raw: [String: [String: [Double]]] = [:]
    for m in metrics {
      for t in tags {
        guard let r = runs.records[t] else { continue }
        var x = series(r, m)
        if m == "ssa" && t.hasPrefix("ssa") { x = x.map { _ in .nan } }   // its angle to itself, omitted (§5.1)
        raw[t, default: [:]][m] = x
        let (mean, std) = rolling(x, window)
        header += ["\(m)_\(t)_mean", "\(m)_\(t)_std"]
        columns.append(mean + [Double](repeating: .nan, count: max(0, length - mean.count)))
        columns.append(std + [Double](repeating: .nan, count: max(0, length - std.count)))
      }
    }
    let rows = (0..<length).map { i in [Double(i)] + columns.map { i < $0.count ? $0[i] : .nan } }

    // Checks C3.1–C3.6 on the last `window` points ("late") and the first 10 ("early").
    var checks: [Check] = []
    let smoke = context.scale == .smoke
    func lateOf(_ t: String, _ m: String) -> Double { late(raw[t]?[m] ?? [], window) }
    func ordering(_ m: String, _ name: String) -> Check {
      var parts: [String] = [], holds = true
      for v in ["dfc", "ss", "ssa"] {
        let tr = lateOf("\(v)_tr", m), fx = lateOf("\(v)_fx", m)
        holds = holds && tr < fx
        parts.append("\(v): trained \(f(tr))° vs fixed \(f(fx))°")
      }
      let dfa = lateOf("dfa", m), dfcs = ["dfc_tr", "ss_tr", "ssa_tr", "dfc_fx", "ss_fx", "ssa_fx"].map { lateOf($0, m) }
      holds = holds && dfcs.allSatisfy { dfa > $0 }
      parts.append("DFA \(f(dfa))° vs max DFC \(f(dfcs.max() ?? .nan))°")
      return Check(name: name, holds: smoke ? nil : holds, detail: parts.joined(separator: "; ") + (smoke ? "; smoke: informational" : ""))
    }
    checks.append(ordering("mn", "C3.1 late MN angle: trained < fixed per variant, DFA above every DFC run"))
    var c2parts: [String] = [], c2 = true
    for v in ["dfc", "ss", "ssa"] {
      let tr = lateOf("\(v)_tr", "cond2"), fx = lateOf("\(v)_fx", "cond2"), fxEarly = early(raw["\(v)_fx"]?["cond2"] ?? [], 10)
      c2 = c2 && tr > fx && fxEarly > fx
      c2parts.append("\(v): trained \(f(tr)) vs fixed \(f(fx)) (fixed early \(f(fxEarly)))")
    }
    checks.append(Check(name: "C3.2 late Condition 2: trained > fixed per variant; fixed runs decline from their start",
                        holds: smoke ? nil : c2, detail: c2parts.joined(separator: "; ") + (smoke ? "; smoke: informational" : "")))
    checks.append(ordering("gn", "C3.3 late GN angle follows the C3.1 ordering"))
    let dfcTags = ["dfc_tr", "ss_tr", "ssa_tr", "dfc_fx", "ss_fx", "ssa_fx"]
    let lmax = dfcTags.flatMap { raw[$0]?["lmax_PI"] ?? [] }
    checks.append(Check(name: "C3.4 λ_max(A_PI) < 0 at every logged point of every DFC run", holds: lmax.isEmpty ? nil : lmax.allSatisfy { $0 < 0 },
                        detail: "max \(f(lmax.max() ?? .nan)) over \(lmax.count) points"))
    let ssa = ["dfc_tr", "ss_tr", "dfc_fx", "ss_fx"].map { lateOf($0, "ssa") }
    checks.append(Check(name: "C3.5 late SSA angle < 8° for DFC and DFC-SS", holds: smoke ? nil : ssa.allSatisfy { $0 < 8 },
                        detail: zip(["DFC trained", "SS trained", "DFC fixed", "SS fixed"], ssa).map { "\($0) \(f($1))°" }.joined(separator: ", ")))
    let c1 = tags.flatMap { raw[$0]?["cond1"] ?? [] }.filter(\.isFinite)
    checks.append(Check(name: "C3.6 Condition 1 stays within [0, 0.45]", holds: c1.isEmpty ? nil : c1.allSatisfy { $0 >= 0 && $0 <= 0.45 },
                        detail: "range \(f(c1.min() ?? .nan))–\(f(c1.max() ?? .nan))"))
    // Out-of-range data are clipped by the fixed axes: say which.
    var clipped: [String] = []
    for m in metrics { let (lo, hi) = range(m, linear: linear); for t in tags { if let x = raw[t]?[m], x.contains(where: { $0.isFinite && ($0 < lo || $0 > hi) }) { clipped.append("\(t) \(m)") } } }
    if !clipped.isEmpty { Progress.note("fig3: data outside the paper's y-range (clipped in the plot): \(clipped.joined(separator: ", "))") }
    checks.append(Check(name: "all curves inside the paper's y-ranges", holds: nil, detail: clipped.isEmpty ? "yes" : "outside: " + clipped.joined(separator: ", ")))
    let diverged = runs.all.filter { $0.diverged != nil }
    checks.append(Check(name: "every run finished", holds: diverged.isEmpty, detail: diverged.isEmpty ? "7 runs" : diverged.map { "\($0.experiment) diverged" }.joined(separator: ", ")))

    // The script: 2 × 3, lettered column-wise as the paper (A C E / B D F).
    let panels = [("cond2", "A  Condition 2: ‖P Q‖_F / ‖Q‖_F, P the projector on row(J)"), ("cond1", "C  Condition 1"), ("lmax_PI", "E  λ_max(A_PI)"),
                  ("mn", "B  ∠(ΔW, ΔW^MN) [°]"), ("gn", "D  ∠(ΔW, ΔW^GN) [°]"), ("ssa", "F  ∠(ΔW, ΔW^SSA) [°]")]
    func col(_ h: String) -> Int? { header.firstIndex(of: h).map { $0 + 1 } }
    var script = "set multiplot layout 2,3 title 'DFC Fig. 3\(linear ? " (linear hidden layers)" : ""): toy 15-10-10-5, \(context.scale.rawValue) scale, rolling mean over \(window) epochs ± std; grey band: the y-range of the paper where the data leave it' margins 0.05,0.88,0.08,0.90 spacing 0.05,0.14\n"
    script += "set xlabel 'Epoch'\nset style fill transparent solid 0.1 noborder\nunset key\n"
    if length >= 300 { script += "set xtics 100\n" }
    for (m, title) in panels {
      // Front to back: DFC trained, DFC fixed, SS trained, SS fixed, SSA trained, SSA fixed, DFA: drawn back to front.
      let order = ["dfa", "ssa_fx", "ssa_tr", "ss_fx", "ss_tr", "dfc_fx", "dfc_tr"].filter { t in
        (m != "mn" && m != "gn" ? t != "dfa" : true) && !(m == "ssa" && t.hasPrefix("ssa"))
      }
      // The paper's fixed y-range, widened to the data (mean ± std) so that no curve is clipped; where it is
      // widened, the paper's range is drawn as a grey band.
      let (lo, hi) = range(m, linear: linear)
      var dataLo = lo, dataHi = hi
      for t in order {
        guard let mc = col("\(m)_\(t)_mean"), let sc = col("\(m)_\(t)_std") else { continue }
        for (mean, std) in zip(columns[mc - 2], columns[sc - 2]) where mean.isFinite {
          let s = std.isFinite ? std : 0
          dataLo = min(dataLo, mean - s); dataHi = max(dataHi, mean + s)
        }
      }
      let pad = 0.03 * (dataHi - dataLo)
      let yLo = dataLo < lo ? dataLo - pad : lo, yHi = dataHi > hi ? dataHi + pad : hi
      script += "set title '\(title)'\nset yrange [\(String(format: "%.6g", yLo)):\(String(format: "%.6g", yHi))]\nset xrange [0:\(max(1, length - 1))]\n"
      script += yLo < lo || yHi > hi ? "set object 1 rect from graph 0, first \(lo) to graph 1, first \(hi) behind fc rgb '#ececec' fs solid 1.0 noborder\n" : "unset object 1\n"
      // The legend, in the right margin, from panel B, which draws all seven runs, DFA included.
      if m == "mn" { script += "set key at screen 0.995,0.5 right center vertical font ',10' samplen 2 spacing 1.3\n" }
      var parts: [String] = []
      for t in order {
        guard let mc = col("\(m)_\(t)_mean"), let sc = col("\(m)_\(t)_std") else { continue }
        let family = String(t.split(separator: "_").first!), colour = colours[family]!, dashed = t.hasSuffix("_fx")
        let label = (family == "dfa" ? "DFA" : family == "dfc" ? "DFC" : family == "ss" ? "DFC-SS" : "DFC-SSA") + (t.hasSuffix("_tr") ? "" : t.hasSuffix("_fx") ? " (fixed)" : "")
        parts.append("'\(base)_smooth.csv' using 1:($\(mc)-$\(sc)):($\(mc)+$\(sc)) with filledcurves lc rgb '\(colour)' notitle")
        parts.append("'' using 1:\(mc) with lines lw 2 \(dashed ? "dt 2 " : "")lc rgb '\(colour)' title '\(label)'")
      }
      script += "plot " + parts.joined(separator: ", \\\n     ") + "\n"
      if m == "mn" { script += "unset key\n" }
    }
    script += "unset multiplot\n"

    // The other CSVs of §5.1.
    var rawCSV = "run,method,feedback,seed,scale,log_index,epoch,cond2,cond1,lmax_tildeI,lmax_I,lmax_inst,lmax_PI,lmax_PI_std,mn_angle,gn_angle,ssa_angle,bp_angle,batch_loss,converged_frac\n"
    var layerCSV = "run,log_index,layer,mn_angle,gn_angle,ssa_angle,bp_angle\n"
    var epochCSV = "run,epoch,train_loss,val_loss,test_loss,wall_s\n"
    func cell(_ v: Double?) -> String { v.map { $0.isFinite ? String(format: "%.10g", $0) : "" } ?? "" }
    for t in tags {
      guard let r = runs.records[t] else { continue }
      let cond2 = series(r, "cond2")
      for (i, p) in (r.controlled?.forward ?? []).enumerated() {
        let lm = p.lambdaMax ?? []
        rawCSV += "\(t),\(r.rule),\(t.hasSuffix("_tr") ? "trained" : t == "dfa" ? "dfa" : "fixed"),\(r.seed),\(context.scale.rawValue),\(i),\(p.epoch),"
        rawCSV += [i < cond2.count ? cond2[i] : nil, p.conditionOne, lm.count == 4 ? lm[0] : nil, lm.count == 4 ? lm[1] : nil, lm.count == 4 ? lm[2] : nil,
                   lm.count == 4 ? lm[3] : nil, p.lambdaMaxPIStd, p.mnAngle, p.gnAngle, p.ssaAngle, p.bpAngle, p.batchLoss, p.convergedFraction].map(cell).joined(separator: ",") + "\n"
        for (l, a) in (p.layerAngles ?? []).enumerated() { layerCSV += "\(t),\(i),\(l + 1)," + a.map(cell).joined(separator: ",") + "\n" }
      }
      for ep in r.epochs { epochCSV += "\(t),\(ep.epoch),\(cell(ep.trainLoss)),\(cell(ep.validationLoss)),\(cell(ep.testLoss)),\(cell(ep.seconds))\n" }
    }
    return try writeFigure(paper: "dfc", name: base, title: "alignment and stability on the toy task (7 runs)\(linear ? ", linear hidden layers" : "")", context: context,
                           header: header, rows: rows, script: script, checks: checks, runs: runs.all, seeds: [1],
                           wallSeconds: runs.wallSeconds, size: (1500, 650), dataName: "\(base)_smooth",
                           extraFiles: ["\(base)_raw.csv": rawCSV, "\(base)_layers.csv": layerCSV, "\(base)_epochs.csv": epochCSV])
  }
}
