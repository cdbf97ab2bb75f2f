import Datasets
import Experiments
import Foundation
import Learning

/// The alignment figures (README "Figures"): BP's weight change scored against the reference accumulator's
/// (ΔW_ref = −η Σ J₀ᵀ e_BP, one joint run per width at lr 5), per hidden layer, with the shuffled-weights control.
enum AlignmentFigures {
  struct Plan { var title: String; var data: ConvData; var network: (Int) -> ConvArchitecture; var widths: [Int]; var epochs: Int
                var trainLimit: Int?; var validationLimit: Int?; var schedule: AlignmentSchedule; var missing: [String]; var tag: String }

  static func experiment(_ p: Plan, width: Int, stream: StreamChoice) -> ConvExperiment {
    var e = ConvExperiment(name: "align-joint-\(p.tag)-n\(width)", architecture: p.network(width), rule: .backprop, data: p.data, learningRate: 5, epochs: p.epochs)
    e.trainLimit = p.trainLimit; e.validationLimit = p.validationLimit; e.alignment = p.schedule; e.stream = stream; e.officialTest = false
    return e
  }

  /// `--align-iters`, `--align-batch` (Q7) override a plan's probes; `--kmnist-align-net` (Q5) its net on 28×28 data.
  static func overridden(_ p: Plan, _ context: ArtefactContext) -> Plan {
    var p = p
    let net = context.options.kmnistAlignNet ?? (context.scale == .full ? "released" : "3layer")
    if net != "3layer" {
      p.network = { .cifar7at28(width: $0) }
      p.title = p.title.replacingOccurrences(of: "kmnist3 (--kmnist-align-net 3layer)", with: net == "released"
        ? "cifar7@28, first 3 kernels analysed with strides 1, 2, 2 (--kmnist-align-net released, Q5)" : "cifar7@28 (--kmnist-align-net 7layer)")
      p.tag += "-\(net)"
      if net == "released" { p.schedule.analysisStrides = [1, 2, 2] }
    }
    if let n = context.options.alignIterations { p.schedule.iterations = n }
    if let n = context.options.alignSamples { p.schedule.samples = n }
    return p
  }

  static func widthPlan(_ context: ArtefactContext) -> Plan {
    switch context.scale {
    case .smoke:
      return Plan(title: "synthetic-28, kmnist3", data: AlignTables.synthetic28(512), network: ConvArchitecture.kmnist3, widths: context.options.widths ?? [8, 16],
                  epochs: 1, trainLimit: nil, validationLimit: 200,
                  schedule: AlignmentSchedule(everyEpoch: false, iterations: 2, samples: 50, control: true), missing: [], tag: "s28-width")
    case .quick, .full:
      let full = context.scale == .full
      let (k, label, note) = AlignGrid.kmnistData(context)
      return Plan(title: "\(label), kmnist3 (--kmnist-align-net 3layer)", data: .images(k), network: ConvArchitecture.kmnist3,
                  widths: context.options.widths ?? (full ? [8, 16, 32, 64, 128, 256, 512] : [8, 16, 32, 64]), epochs: full ? 100 : 10,
                  trainLimit: full ? nil : 10_000, validationLimit: nil,
                  schedule: AlignmentSchedule(everyEpoch: false, iterations: full ? 100 : 10, samples: 100, control: true),
                  missing: note.map { [$0] } ?? [], tag: "\(k.rawValue)-width")
    }
  }

  static func trainingPlan(_ context: ArtefactContext) -> Plan {
    switch context.scale {
    case .smoke:
      return Plan(title: "synthetic-28, kmnist3", data: AlignTables.synthetic28(2000), network: ConvArchitecture.kmnist3, widths: context.options.widths ?? [8],
                  epochs: 1, trainLimit: nil, validationLimit: 200,
                  schedule: AlignmentSchedule(steps: [5, 10, 15], everyEpoch: true, iterations: 2, samples: 50, control: true), missing: [], tag: "s28-training")
    case .quick, .full:
      let full = context.scale == .full
      let (k, label, note) = AlignGrid.kmnistData(context)
      return Plan(title: "\(label), kmnist3 (--kmnist-align-net 3layer)", data: .images(k), network: ConvArchitecture.kmnist3,
                  widths: context.options.widths ?? [full ? 512 : 64], epochs: full ? 300 : 10, trainLimit: full ? nil : 10_000, validationLimit: nil,
                  schedule: AlignmentSchedule(steps: full ? [] : [25, 50, 75], everyEpoch: true, iterations: full ? 100 : 10, samples: 100, control: true),
                  missing: note.map { [$0] } ?? [], tag: "\(k.rawValue)-training")
    }
  }

  static func load(_ context: ArtefactContext, _ p: Plan) throws -> (records: [RunRecord], wallSeconds: Double) {
    for m in p.missing { Progress.note(m) }
    let stream = try context.options.stream(allowed: [.numpyLegacy, .suite], target: "align")
    return try context.runs(p.widths.map { Cell(experiment(p, width: $0, stream: stream), seed: 99) }, paper: "align")
  }

  static func colour(_ l: Int, of layers: Int) -> String {
    // Input side dark → output side light.
    let t = layers == 1 ? 0 : Double(l - 1) / Double(layers - 1)
    return String(format: "#%02x%02x%02x", Int(20 + 60 * t), Int(40 + 150 * t), Int(120 + 120 * t))
  }

  static func width(_ context: ArtefactContext) throws -> [URL] {
    let p = overridden(widthPlan(context), context)
    let (records, wall) = try load(context, p)
    let layers = p.schedule.analysisStrides?.count ?? p.network(8).hiddenLayers
    var header = ["width", "epoch"]
    for l in 1...layers { header += ["layer \(l) score", "layer \(l) control"] }
    var rows: [[Double]] = []
    for (w, r) in zip(p.widths, records) {
      let last = r.convolutional?.alignment?.last
      var row: [Double] = [Double(w), last?.epoch ?? .nan]
      for l in 0..<layers {
        let score: Double = last?.scores[l] ?? .nan, control: Double = last?.control[l] ?? .nan
        row += [score, control]
      }
      rows.append(row)
    }
    var checks: [Check] = []
    if let first = rows.first, let lastRow = rows.last, rows.count > 1 {
      let rising = (0..<layers).map { lastRow[2 + 2 * $0] > first[2 + 2 * $0] }
      checks.append(Check(name: "score at n = \(p.widths.last!) exceeds n = \(p.widths.first!) for every layer", holds: rising.allSatisfy { $0 },
                          detail: (0..<layers).map { String(format: "layer %d: %.3f → %.3f", $0 + 1, first[2 + 2 * $0], lastRow[2 + 2 * $0]) }.joined(separator: "; ")))
    }
    var margins: [Double] = []
    for row in rows { for l in 0..<layers { let m: Double = row[2 + 2 * l] - row[3 + 2 * l]; if m.isFinite { margins.append(m) } } }
    if !margins.isEmpty {
      let mean = margins.reduce(0, +) / Double(margins.count)
      checks.append(Check(name: "BP-vs-reference score above the shuffled control (mean margin > 0)", holds: mean > 0,
                          detail: String(format: "mean margin %.3f over %d (width, layer) points; minimum %.3f", mean, margins.count, margins.min()!)))
    }
    let name = context.fileName("width")
    var script = "set title \"Alignment of BP's weight change with the reference ΔW_ref vs width\\n\(p.title), \(context.scale.rawValue) scale, lr 5, \(p.epochs) epochs, \(p.schedule.iterations)×\(p.schedule.samples) probes\" font ',10'\n"
    script += "set logscale x 2\nset xlabel 'width n'\nset ylabel 'alignment score'\nset yrange [0:1.05]\nset key noautotitle\nset key outside right top font ',9'\nset offsets graph 0.05, graph 0.05, 0, 0\nset grid\n"
    let parts = (1...layers).flatMap { l -> [String] in
      ["'\(name).csv' using 1:\(2 * l + 1) with linespoints lw 2 pt 7 lc rgb '\(colour(l, of: layers))' title 'layer \(l)'",
       "'\(name).csv' using 1:\(2 * l + 2) with linespoints lw 1 dt 2 pt 6 lc rgb '\(colour(l, of: layers))' title 'layer \(l), shuffled control'"]
    }
    script += "plot " + parts.joined(separator: ", \\\n     ") + "\n"
    return try writeFigure(paper: "align", name: name, title: "alignment score per layer vs width", context: context, header: header, rows: rows,
                           script: script, checks: checks, runs: records, seeds: [99], wallSeconds: wall, size: (1100, 500))
  }

  static func training(_ context: ArtefactContext) throws -> [URL] {
    let p = overridden(trainingPlan(context), context)
    let (records, wall) = try load(context, p)
    guard let r = records.first, let points = r.convolutional?.alignment else { return [] }
    let layers = p.schedule.analysisStrides?.count ?? p.network(8).hiddenLayers
    var header = ["step", "epoch", "validation accuracy (%)"]
    for l in 1...layers { header += ["layer \(l) score", "layer \(l) control"] }
    var rows: [[Double]] = []
    for pt in points {
      var acc = Double.nan
      if pt.epoch == pt.epoch.rounded(), let v = r.epochs.first(where: { $0.epoch == Int(pt.epoch) })?.validationAccuracy { acc = 100 * v }
      var row: [Double] = [Double(pt.step), pt.epoch, acc]
      for l in 0..<layers {
        let score: Double = pt.scores[l] ?? .nan, control: Double = pt.control[l] ?? .nan
        row += [score, control]
      }
      rows.append(row)
    }
    let above = rows.allSatisfy { row in (0..<layers).allSatisfy { !(row[3 + 2 * $0] <= row[4 + 2 * $0]) } }
    let checks = [Check(name: "BP-vs-reference score above the shuffled control at every point and layer", holds: rows.isEmpty ? nil : above,
                        detail: "\(rows.count) points × \(layers) layers, width \(p.widths[0])")]
    let name = context.fileName("training")
    var script = "set title \"Alignment of BP's weight change with ΔW_ref during training\\n\(p.title), n = \(p.widths[0]), \(context.scale.rawValue) scale, lr 5\" font ',10'\n"
    script += "set xlabel 'epoch'\nset ylabel 'alignment score'\nset yrange [0:1.05]\nset key noautotitle\nset key outside right top font ',9'\nset grid\n"
    let parts = (1...layers).flatMap { l -> [String] in
      ["'\(name).csv' using 2:\(2 * l + 2) with linespoints lw 2 pt 7 lc rgb '\(colour(l, of: layers))' title 'layer \(l)'",
       "'\(name).csv' using 2:\(2 * l + 3) with linespoints lw 1 dt 2 pt 6 lc rgb '\(colour(l, of: layers))' title 'layer \(l), shuffled control'"]
    }
    script += "plot " + parts.joined(separator: ", \\\n     ") + "\n"
    return try writeFigure(paper: "align", name: name, title: "alignment score during training", context: context, header: header, rows: rows,
                           script: script, checks: checks, runs: records, seeds: [99], wallSeconds: wall, size: (1100, 500))
  }
}
