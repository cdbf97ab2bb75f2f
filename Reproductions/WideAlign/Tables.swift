import Datasets
import Experiments
import Foundation
import Learning

/// Tables 1-6 and 9 of the suite's numbering (README "Reproduction targets"): which panels each runs at each scale
/// (README "Scales"), and their computed checks. The paper's numbers are unknown: the paper column stays empty.
enum AlignTables {
  static let tableRules: [ConvRule] = [.backprop, .alignAda, .alignZero, .feedbackAlignment, .directFeedbackAlignment, .lastLayer]
  static let seedRules: [ConvRule] = [.backprop, .alignAda, .alignZero, .feedbackAlignment, .directFeedbackAlignment]
  static let lrGrid = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20]

  /// cifar7 on CIFAR-10, or cifar7@28 on its 28×28 substitute.
  static func cifarNetwork(_ cifar: Bool) -> (Int) -> ConvArchitecture { { cifar ? .cifar7(width: $0) : .cifar7at28(width: $0) } }
  static func synthetic28(_ n: Int) -> ConvData { .synthetic(size: 28, channels: 1, trainCount: n) }
  static func synthetic32(_ n: Int) -> ConvData { .synthetic(size: 32, channels: 3, trainCount: n) }

  /// The 28×28 and CIFAR panels of a table at a scale; `missing` collects the "not run: supply the files" notes.
  struct Plan { var panels: [AlignPanel] = []; var missing: [String] = [] }

  static func widthPlan(_ context: ArtefactContext, rules: [ConvRule]) -> Plan {
    var plan = Plan()
    let widths = context.options.widths
    switch context.scale {
    case .smoke:
      plan.panels = [
        AlignPanel(title: "synthetic-28, kmnist3", data: synthetic28(512), network: ConvArchitecture.kmnist3, widths: widths ?? [8, 16], learningRates: [2],
                   rules: rules, epochs: 2, validationLimit: 200, tag: "s28"),
        AlignPanel(title: "synthetic-32, cifar7", data: synthetic32(512), network: ConvArchitecture.cifar7, widths: widths ?? [8, 16], learningRates: [2],
                   rules: rules, epochs: 2, validationLimit: 200, tag: "s32"),
      ]
    case .quick, .full:
      let full = context.scale == .full
      let (k, label, note) = AlignGrid.kmnistData(context)
      plan.missing += note.map { [$0] } ?? []
      plan.panels.append(AlignPanel(title: "\(label), kmnist3", data: .images(k), network: ConvArchitecture.kmnist3,
                                    widths: widths ?? (full ? [8, 16, 32, 64, 128, 256, 512] : [8, 16, 32, 64]), learningRates: full ? [5, 2, 1] : [2],
                                    rules: rules, epochs: full ? 100 : 5, trainLimit: full ? nil : 10_000, tag: k.rawValue))
      if AlignGrid.cifarAvailable(context) {
        plan.panels.append(AlignPanel(title: "CIFAR-10, cifar7", data: .images(.cifar10), network: ConvArchitecture.cifar7,
                                      widths: widths ?? (full ? [8, 16, 32, 64, 128, 256, 512] : [8, 16, 32]), learningRates: full ? [5, 2, 1] : [2],
                                      rules: rules, epochs: full ? 150 : 5, trainLimit: full ? nil : 5000, validationLimit: full ? nil : 2000, tag: "cifar10"))
      } else {
        plan.missing.append(AlignGrid.cifarMissing)
        if full {
          plan.panels.append(AlignPanel(title: "Fashion-MNIST (substitute for CIFAR-10), cifar7@28", data: .images(.fashionMNIST), network: ConvArchitecture.cifar7at28,
                                        widths: widths ?? [8, 16, 32, 64, 128, 256, 512], learningRates: [5, 2, 1], rules: rules, epochs: 150, tag: "fmnist-c7"))
        }
      }
    }
    return plan
  }

  static func width(_ context: ArtefactContext) throws -> [URL] {
    let plan = widthPlan(context, rules: try AlignGrid.rules(context, tableRules, target: "align --table width"))
    let runs = try AlignGrid.load(context, plan.panels)
    let checks = plan.panels.flatMap { AlignGrid.checks($0, runs, scale: context.scale) }
    return try AlignGrid.publish(context, target: "width", title: "final validation accuracy vs width (suite table 1)", panels: plan.panels, runs: runs,
                                 checks: checks, missing: plan.missing)
  }

  static func alignProp(_ context: ArtefactContext) throws -> [URL] {
    let plan = widthPlan(context, rules: try AlignGrid.rules(context, tableRules + [.alignProp], target: "align --table align-prop"))
    let runs = try AlignGrid.load(context, plan.panels)
    let checks = plan.panels.flatMap { AlignGrid.checks($0, runs, scale: context.scale, rules: [.alignProp]).filter { !$0.name.contains(": C2") } }
    return try AlignGrid.publish(context, target: "align-prop", title: "Align-prop beside the table-1 rules vs width (suite table 5)", panels: plan.panels,
                                 runs: runs, checks: checks, missing: plan.missing)
  }

  static func lrPlan(_ context: ArtefactContext, rules: [ConvRule]) -> Plan {
    var plan = Plan()
    switch context.scale {
    case .smoke:
      plan.panels = [AlignPanel(title: "synthetic-28, kmnist3", data: synthetic28(512), network: ConvArchitecture.kmnist3, widths: context.options.widths ?? [8],
                                learningRates: [0.5, 2, 20], rules: rules, epochs: 1, validationLimit: 200, tag: "s28")]
    case .quick, .full:
      let full = context.scale == .full
      let (k, label, note) = AlignGrid.kmnistData(context)
      plan.missing += note.map { [$0] } ?? []
      plan.panels.append(AlignPanel(title: "\(label), kmnist3", data: .images(k), network: ConvArchitecture.kmnist3,
                                    widths: context.options.widths ?? (full ? [8, 256] : [8, 32]), learningRates: lrGrid, rules: rules,
                                    epochs: full ? 100 : 3, trainLimit: full ? nil : 10_000, tag: k.rawValue))
      if AlignGrid.cifarAvailable(context) && full {
        plan.panels.append(AlignPanel(title: "CIFAR-10, cifar7", data: .images(.cifar10), network: ConvArchitecture.cifar7, widths: context.options.widths ?? [8, 256],
                                      learningRates: lrGrid, rules: rules, epochs: 150, tag: "cifar10"))
      } else if !AlignGrid.cifarAvailable(context) { plan.missing.append(AlignGrid.cifarMissing) }
    }
    return plan
  }

  static func lr(_ context: ArtefactContext) throws -> [URL] {
    let plan = lrPlan(context, rules: try AlignGrid.rules(context, tableRules, target: "align --table lr"))
    let runs = try AlignGrid.load(context, plan.panels)
    var checks: [Check] = []
    for p in plan.panels {
      // C1 on the best-over-lr accuracy at the wider width (a panel with one width per check).
      if let wide = p.widths.max() { checks += AlignGrid.checks(AlignPanel(title: p.title, data: p.data, network: p.network, widths: [wide], learningRates: p.learningRates, rules: p.rules, epochs: p.epochs, tag: p.tag), runs, scale: context.scale).filter { $0.name.contains(": C1") } }
    }
    return try AlignGrid.publish(context, target: "lr", title: "final validation accuracy vs learning rate (suite table 2)", panels: plan.panels, runs: runs,
                                 checks: checks, missing: plan.missing)
  }

  static func spAdam(_ context: ArtefactContext) throws -> [URL] {
    let rules = try AlignGrid.rules(context, [.backprop, .alignAda, .alignZero], target: "align --table sp-adam")
    var plan = Plan()
    let cifar = AlignGrid.cifarAvailable(context)
    if !cifar { plan.missing.append(AlignGrid.cifarMissing) }
    let data: ConvData = cifar ? .images(.cifar10) : .images(.fashionMNIST)
    let network = cifarNetwork(cifar)
    let title = cifar ? "CIFAR-10, cifar7" : "Fashion-MNIST (substitute for CIFAR-10), cifar7@28"
    var panel: AlignPanel
    switch context.scale {
    case .smoke:
      panel = AlignPanel(title: "synthetic-32, cifar7", data: synthetic32(512), network: ConvArchitecture.cifar7, widths: context.options.widths ?? [8],
                         learningRates: [1e-3], rules: rules, epochs: 1, validationLimit: 200, tag: "s32-sp")
    case .quick:
      panel = AlignPanel(title: title, data: data, network: network, widths: context.options.widths ?? [8, 16, 32], learningRates: [5e-4, 2e-3, 1e-2, 5e-2],
                         rules: rules, epochs: 2, trainLimit: 5000, validationLimit: 2000, tag: (cifar ? "cifar10" : "fmnist-c7") + "-sp")
    case .full:
      panel = AlignPanel(title: title, data: data, network: network, widths: context.options.widths ?? [8, 16, 32, 64, 128, 256, 512],
                         learningRates: [5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5], rules: rules, epochs: 150, tag: (cifar ? "cifar10" : "fmnist-c7") + "-sp")
    }
    panel.optimizer = .tf1Adam; panel.parameterisation = .standard
    plan.panels = [panel]
    let runs = try AlignGrid.load(context, plan.panels)
    let checks = AlignGrid.checks(panel, runs, scale: context.scale).filter { $0.name.contains(": C1") }
    return try AlignGrid.publish(context, target: "sp-adam", title: "standard parameterisation + Adam (suite table 3)", panels: plan.panels, runs: runs,
                                 checks: checks, missing: plan.missing)
  }

  /// The official small-data batch: N < 100 → N; N not divisible by 100 → gcd(100, N); else 100.
  static func smallDataBatch(_ n: Int) -> Int {
    if n < 100 { return n }
    func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
    return n % 100 == 0 ? 100 : gcd(100, n)
  }

  static func smallDataPlan(_ context: ArtefactContext, rules: [ConvRule]) -> Plan {
    var plan = Plan()
    func panels(_ title: String, _ data: ConvData, _ net: @escaping (Int) -> ConvArchitecture, sizes: [Int], widths: [Int], lrs: [Double], epochs: Int, every: Int, tag: String) -> [AlignPanel] {
      sizes.map { n in
        var p = AlignPanel(title: "\(title), N = \(n)", data: data, network: net, widths: context.options.widths ?? widths, learningRates: lrs, rules: rules,
                           epochs: epochs, trainLimit: n, validationLimit: n, tag: "\(tag)-N\(n)")
        p.batchSize = smallDataBatch(n); p.evaluateEvery = every
        if context.options.smallDataFullEvaluation { p.validationLimit = nil }   // Q15's fix
        return p
      }
    }
    switch context.scale {
    case .smoke:
      plan.panels = panels("synthetic-28, kmnist3", synthetic28(150), ConvArchitecture.kmnist3, sizes: [45, 150], widths: [8], lrs: [2], epochs: 10, every: 5, tag: "s28")
    case .quick:
      let (k, label, note) = AlignGrid.kmnistData(context)
      plan.missing += note.map { [$0] } ?? []
      plan.panels = panels("\(label), kmnist3", .images(k), ConvArchitecture.kmnist3, sizes: [45, 150, 450, 1500], widths: [8, 32], lrs: [2], epochs: 150, every: 10, tag: k.rawValue)
    case .full:
      let cifar = AlignGrid.cifarAvailable(context)
      if !cifar { plan.missing.append(AlignGrid.cifarMissing) }
      plan.panels = panels(cifar ? "CIFAR-10, cifar7" : "Fashion-MNIST (substitute for CIFAR-10), cifar7@28", .images(cifar ? .cifar10 : .fashionMNIST),
                           cifarNetwork(cifar), sizes: [45, 150, 450, 1500, 4500, 15000, 45000],
                           widths: [8, 16, 32, 64, 128, 256, 512], lrs: [5, 2, 1], epochs: 150, every: 1, tag: cifar ? "cifar10" : "fmnist-c7")
    }
    return plan
  }

  static func smallData(_ context: ArtefactContext) throws -> [URL] {
    let plan = smallDataPlan(context, rules: try AlignGrid.rules(context, seedRules, target: "align --table small-data"))
    let runs = try AlignGrid.load(context, plan.panels)
    // C4: the BP−Align gap at the smallest N is at most the gap at the largest N run, per width.
    var checks: [Check] = []
    let suffix = context.scale == .smoke ? " (smoke: informational)" : context.scale == .quick ? " (quick scale: not the paper's protocol)" : ""
    if let small = plan.panels.first, let large = plan.panels.last, plan.panels.count > 1 {
      for w in small.widths {
        for r in [ConvRule.alignAda, .alignZero] where small.rules.contains(r) {
          guard let bs = AlignGrid.accuracy(small, runs, .backprop, w), let rs = AlignGrid.accuracy(small, runs, r, w),
                let bl = AlignGrid.accuracy(large, runs, .backprop, w), let rl = AlignGrid.accuracy(large, runs, r, w) else { continue }
          checks.append(Check(name: "C4 \(r.label)'s gap to BP at n = \(w): \(small.title) ≤ \(large.title)\(suffix)", holds: bs - rs <= bl - rl,
                              detail: String(format: "gap %.2f pp at the smallest N, %.2f pp at the largest", bs - rs, bl - rl)))
        }
      }
    }
    return try AlignGrid.publish(context, target: "small-data", title: "final validation accuracy vs training-set size (suite table 4)", panels: plan.panels,
                                 runs: runs, checks: checks, missing: plan.missing)
  }

  static func seeds(_ context: ArtefactContext) throws -> [URL] {
    let rules = try AlignGrid.rules(context, seedRules, target: "align --table seeds")
    var plan = Plan()
    let count = context.seedCount ?? (context.scale == .smoke ? 2 : 5)
    let seeds = (0..<UInt64(max(1, count))).map { 100 + $0 }
    switch context.scale {
    case .smoke:
      plan.panels = [AlignPanel(title: "synthetic-28, kmnist3", data: synthetic28(512), network: ConvArchitecture.kmnist3, widths: context.options.widths ?? [8],
                                learningRates: [2], rules: rules, epochs: 1, validationLimit: 200, seeds: seeds, tag: "s28")]
    case .quick:
      let (k, label, note) = AlignGrid.kmnistData(context)
      plan.missing += note.map { [$0] } ?? []
      plan.panels = [AlignPanel(title: "\(label), kmnist3", data: .images(k), network: ConvArchitecture.kmnist3, widths: context.options.widths ?? [32],
                                learningRates: [2], rules: rules, epochs: 5, trainLimit: 10_000, seeds: seeds, tag: k.rawValue)]
    case .full:
      let cifar = AlignGrid.cifarAvailable(context)
      if !cifar { plan.missing.append(AlignGrid.cifarMissing) }
      plan.panels = [AlignPanel(title: cifar ? "CIFAR-10, cifar7" : "Fashion-MNIST (substitute for CIFAR-10), cifar7@28", data: .images(cifar ? .cifar10 : .fashionMNIST),
                                network: cifarNetwork(cifar), widths: context.options.widths ?? [256],
                                learningRates: [5, 2, 1], rules: rules, epochs: 150, seeds: seeds, tag: cifar ? "cifar10" : "fmnist-c7")]
    }
    let runs = try AlignGrid.load(context, plan.panels)
    // C1 with the margin max(2 SE, Δ) over seeds.
    var checks: [Check] = []
    let p = plan.panels[0], delta = context.scale == .full ? 2.0 : 5.0
    let suffix = context.scale == .smoke ? " (smoke: informational)" : context.scale == .quick ? " (quick scale: not the paper's protocol)" : ""
    for w in p.widths {
      let lr = p.learningRates.first { !runs.accuracies(p, .backprop, w, $0).isEmpty } ?? p.learningRates[0]
      let bp = runs.accuracies(p, .backprop, w, lr)
      guard bp.count > 0 else { continue }
      for r in [ConvRule.alignAda, .alignZero] where p.rules.contains(r) {
        let acc = runs.accuracies(p, r, w, lr)
        guard acc.count > 0 else { continue }
        let sb = Summary(bp), sr = Summary(acc)
        let se = (sb.std * sb.std / Double(sb.n) + sr.std * sr.std / Double(sr.n)).squareRoot()
        let margin = max(2 * se, delta)
        checks.append(Check(name: "C1 \(r.label) near BP at n = \(w), lr \(g(lr)) over \(plural(sb.n, "seed")) (gap ≤ max(2 SE, \(g(delta)) pp))\(suffix)",
                            holds: sb.mean - sr.mean <= margin,
                            detail: String(format: "BP %.2f ± %.2f %%, %@ %.2f ± %.2f %%, gap %.2f pp, margin %.2f pp", sb.mean, sb.std, r.label, sr.mean, sr.std, sb.mean - sr.mean, margin)))
      }
    }
    return try AlignGrid.publish(context, target: "seeds", title: "mean ± std over seeds (suite table 6)", panels: plan.panels, runs: runs,
                                 checks: checks, missing: plan.missing)
  }

  static func imagenet(_ context: ArtefactContext) throws -> [URL] {
    let reason = "not run (out of scope): about 29 GFLOP per training image at n = 512 (about 10 days per epoch on 2 cores), ImageNet is not available to the suite, and the released DFA path never trains (Q4)"
    let rows = ["BP", "Align-ada", "Align-zero", "FA", "DFA"].map {
      TableRow(method: $0, column: "n = 512", reference: nil, values: nil, tolerance: 0, note: "not run (out of scope)")
    }
    let result = TableResult(paper: "align", target: context.fileName("imagenet"), title: "ImageNet (suite table 9)", scale: context.scale,
                             provenance: Provenance.current(packageRoot: context.packageRoot), seeds: [], wallSeconds: 0, unit: "% accuracy",
                             tolerance: 0, rows: rows, checks: [], notes: [reason + "."], runs: [])
    return try result.publish(context)
  }
}
