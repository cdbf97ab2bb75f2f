import Datasets
import DFC
import Experiments
import Foundation
import GAIT
import Learning

/// The league table: every rule of the suite that trains the layered tanh MLP, on the same network, data, batches,
/// epochs and learning-rate grid, the rate chosen on the validation split and the result reported on the test set.
/// Spec: Reproductions/League/README.md. Two sections: the layered MLP (a rule added to `RuleSpec` joins by itself; a
/// DFC variant by a line in `LeagueRule.all`) and the invertible tower (BP, GAIT-prop and TP).
public let league = Paper(
  id: "league", aliases: [], title: "League: every rule on equal terms (784-256-256-256-10 tanh, MNIST and Fashion-MNIST)",
  spec: "Reproductions/League/README.md",
  artefacts: [
    Artefact(.table, "1", title: "test accuracy, train loss, angle to BP per layer, time per epoch and rank of every rule, per section and data set",
             cost: [.smoke: "about 1 min (30 runs, 1 epoch on 2 000 images; 54 s measured)", .quick: "about 9 h on 2 cores (90 runs: 3 lrs, 5 epochs, 1 seed; trained DFC-SSA about 10 CPU-min each, DFC-SS about 35 and DFC about 80 on MNIST at the released T = 1000, a tower run 2–5 CPU-min)",
                    .full: "weeks on 2 cores for every rule (750 runs: 5 lrs, 50 epochs, 5 seeds; trained DFC-SSA about 1 CPU-h each, DFC about 10); resumable; --rules R,R trains part of it (a layered rule about 0.5 CPU-h per data set, measured on MNIST), --slurm DIR"],
             run: { try LeagueTable.run($0) }),
    Artefact(.figure, "curves", title: "test error against training time (log scales), and the angle to BP per layer, of every rule at its chosen rate",
             cost: [.smoke: "shares the table's runs", .quick: "shares the table's runs", .full: "shares the table's runs"],
             run: { try LeagueFigure.run($0) }),
  ], allByDefault: true)

/// A league entrant: a layered rule (`RuleSpec`, trained by `Runner`), a DFC variant on the same MLP (the DFC family:
/// its controlled network and runner, with its released per-data-set values for everything but the learning rate), or
/// a rule of the invertible tower (GAIT-prop's family, which needs invertible layers: the second section).
enum LeagueRule: Hashable, Sendable {
  case layered(RuleSpec)
  case dfc(DFCTable1.Row)
  case tower(InvertibleRule)
  static let all: [LeagueRule] = RuleSpec.allCases.map { .layered($0) } + [.dfc(.dfcSSAFixed), .dfc(.dfcSSA), .dfc(.dfcSS), .dfc(.dfc)]
  /// GAIT-prop's three rules, its γ as released.
  static let tower: [LeagueRule] = [.tower(.backprop), .tower(.gait(gamma: GAITProtocol.gamma, deviationForm: false)), .tower(.targetPropagation)]
  var label: String {
    switch self {
    case .layered(let r): return r.label
    case .dfc(let r): return r.label
    case .tower(let r): return r.label
    }
  }
  var slug: String {
    switch self {
    case .layered(let r): return r.rawValue
    case .dfc(let r): return r.rawValue
    case .tower(let r): return r.name
    }
  }
  var isBackprop: Bool { self == .layered(.backprop) || self == .tower(.backprop) }
  /// The name `--rules` selects it by: its slug, GAIT-prop's as "gait" (the slug carries γ), the tower's BP as
  /// "tower-bp" (one "bp" for both sections made the MLP's BP impossible to train without the tower's, 8 h per data set).
  var option: String {
    switch self {
    case .tower(.gait): return "gait"
    case .tower(.backprop): return "tower-bp"
    default: return slug
    }
  }
  static var options: [String] {
    var seen: Set<String> = [], out: [String] = []
    for r in all + tower where seen.insert(r.option).inserted { out.append(r.option) }
    return out
  }
}

/// The league's two sections: one network each, every rule of the section on it.
enum LeagueSection: String, CaseIterable, Sendable {
  case mlp, tower
  var rules: [LeagueRule] { self == .mlp ? LeagueRule.all : LeagueRule.tower }
  /// The table's base name: `mnist`, `fmnist` (the MLP, as before the tower joined), `tower-mnist`, `tower-fmnist`.
  func stem(_ d: DatasetName) -> String { (self == .mlp ? "" : "tower-") + (d == .mnist ? "mnist" : "fmnist") }
  var network: String { self == .mlp ? "784-256-256-256-10 tanh" : "the invertible tower 784-784-500-200-10, leaky-ReLU 0.1" }
}

/// The protocol, the same for every rule (README "Protocol").
enum LeagueProtocol {
  static let datasets: [DatasetName] = [.mnist, .fashionMNIST]
  static let hidden = [256, 256, 256], batchSize = 128, probeRows = 1000
  /// Weight layers per section's network: the MLP's four, the tower's four (784², 500², 200², 10²).
  static func layers(_ s: LeagueSection) -> Int { s == .mlp ? hidden.count + 1 : InvertibleArchitecture.tower.widths(input: 784).count }
  static func epochs(_ s: Scale) -> Int { [.smoke: 1, .quick: 5, .full: 50][s]! }
  static func learningRates(_ s: Scale) -> [Double] {
    switch s {
    case .smoke: return [1e-3]
    case .quick: return [1e-4, 3e-4, 1e-3]
    case .full: return [3e-5, 1e-4, 3e-4, 1e-3, 3e-3]
    }
  }
  static func seeds(_ s: Scale, _ count: Int?) -> [UInt64] { (1...UInt64(max(1, count ?? (s == .full ? 5 : 1)))).map { $0 } }

  /// Adam at `lr` on the batch-mean cross-entropy, Xavier-uniform weights, Float; LRA-E on batch means too (its TF1
  /// preset sums over the batch, which under Adam would only rescale ε), every other LRA-E value as the preset.
  static func experiment(_ r: RuleSpec, _ d: DatasetName, lr: Double, scale: Scale) -> Experiment {
    var e = Experiment(name: "league-\(d.rawValue)-\(r.rawValue)-lr\(g(lr))" + (scale == .smoke ? "-smoke" : ""),
                       data: DataSpec(dataset: d, limit: scale == .smoke ? 2000 : nil), hidden: hidden, activation: .tanh,
                       initializer: .xavierUniform(gain: 1), rule: r, loss: .softmaxCrossEntropy, optimizer: .adam(learningRate: lr),
                       batchSize: batchSize, epochs: epochs(scale), seeds: [1], precision: .float)
    e.lra.sumOverBatch = false
    e.probeRows = scale == .smoke ? 200 : probeRows
    return e
  }

  /// A DFC variant on the league's protocol: the released config of its data set (DFC README "Table 1": λ, α, the
  /// controller, feedback learning, per-tensor clipping, Xavier-normal weights) with the league's data in [0, 1],
  /// Float, epochs and Adam at lr_eff = `lr` (β 0.9, 0.999, ε 1e-8, as every rule here); a log at minibatch 0 of
  /// every epoch, whose per-layer angle to BP is the table's.
  static func dfcExperiment(_ row: DFCTable1.Row, _ d: DatasetName, lr: Double, scale: Scale) -> DFCExperiment {
    var e = DFCTable1.experiment(row, d == .mnist ? .mnist : .fmnist)
    e.name = "league-\(d.rawValue)-\(row.rawValue)-lr\(g(lr))" + (scale == .smoke ? "-smoke" : "")
    e.pixelScaling = .unit
    e.precision = .float
    e.optimizer = .adam(learningRate: lr * e.lambda)      // lr_eff = lr / λ · λ
    e.epochs = epochs(scale)
    e.logInterval = 1_000_000                            // minibatch 0 of each epoch only
    if scale == .smoke { e.trainLimit = 2000; e.validationLimit = 2000; e.testLimit = 2000; e.pretrainingEpochs = min(e.pretrainingEpochs, 2) }
    return e
  }

  /// A rule of the tower section: GAIT-prop's invertible tower and its rule with its released orthogonality weight λ
  /// (BP 0, GAIT-prop 0.1, TP 1000; GAIT README), in Double (Float breaks GAIT's targets), on the league's split,
  /// batches and Adam (β 0.9, 0.999, ε 1e-8, bias-corrected, as every rule here) at `lr`. Batch 128 in the seed's
  /// data order without the last partial batch (429 per epoch); an evaluation at the end of every epoch (validation and
  /// test sets, the first 10 000 training images); the angle to BP on 10 batches per epoch.
  static func towerExperiment(_ rule: InvertibleRule, _ d: DatasetName, lr: Double, scale: Scale) -> InvertibleExperiment {
    let lambda = GAITProtocol.entries().first { $0.rule == rule }!.lambda
    let data = DataSpec(dataset: d, limit: scale == .smoke ? 2000 : nil)
    let perEpoch = (data.trainLimit ?? 55_000) / batchSize
    var e = InvertibleExperiment(name: "league-tower-\(d.rawValue)-\(rule.name)-lr\(g(lr))" + (scale == .smoke ? "-smoke" : ""), dataset: d,
                                 architecture: .tower, rule: rule, learningRate: lr, orthoLambda: lambda, batches: epochs(scale) * perEpoch,
                                 evaluation: InvertibleEvaluation(every: perEpoch, trainRows: scale == .smoke ? nil : 10_000))
    e.data = data
    e.batchSize = batchSize
    e.shuffle = true
    e.beta2 = 0.999
    e.adamBiasCorrection = true
    e.angleEvery = max(1, perEpoch / 10)
    return e
  }

  static func cell(_ r: LeagueRule, _ d: DatasetName, lr: Double, scale: Scale, seed: UInt64) -> Cell {
    switch r {
    case .layered(let rule): return Cell(experiment(rule, d, lr: lr, scale: scale), seed: seed)
    case .dfc(let row): return Cell(dfcExperiment(row, d, lr: lr, scale: scale), seed: seed)
    case .tower(let rule): return Cell(towerExperiment(rule, d, lr: lr, scale: scale), seed: seed)
    }
  }
}

enum LeagueTable {
  static func label(_ d: DatasetName) -> String { d == .mnist ? "MNIST" : "F-MNIST" }

  /// One rule on one data set at its chosen learning rate; `missing` when it is not chosen (--rules, --dataset)
  /// and the cache lacks some of its runs: (cached, needed, and the seconds the runs still to train would take on one
  /// core of this machine, projected from the rule's runs at the smaller scale when they are cached).
  struct Entry {
    var rule: LeagueRule, lr: Double, runs: [RunRecord]
    var missing: (cached: Int, needed: Int, projectedSeconds: Double?)? = nil
    var finished: [RunRecord] { runs.filter { $0.diverged == nil } }
    var testAccuracies: [Double] { finished.compactMap { LeagueTable.testAccuracy($0).map { 100 * $0 } } }
    var mean: Double? { testAccuracies.isEmpty ? nil : testAccuracies.reduce(0, +) / Double(testAccuracies.count) }
    /// The standard error of the mean test accuracy (0 with one seed: no spread measured).
    var standardError: Double { testAccuracies.count > 1 ? Summary(testAccuracies).std / Double(testAccuracies.count).squareRoot() : 0 }
  }

  // What the table reads from a run, whichever runner trained it: layered and DFC runs log epochs, tower runs a curve
  // evaluated at the end of every epoch.
  static func testAccuracy(_ r: RunRecord) -> Double? {
    if let curve = r.invertible?.curve { return curve.last?.testAccuracy }
    return r.final?.testAccuracy
  }
  static func validationAccuracy(_ r: RunRecord) -> Double? {
    if let curve = r.invertible?.curve { return curve.last?.validationAccuracy }
    return r.final?.validationAccuracy
  }
  /// The mean minibatch loss of the last epoch (tower: the read-out MSE, GAIT-prop's loss).
  static func trainLoss(_ r: RunRecord) -> Double? {
    if let curve = r.invertible?.curve { return curve.last?.batchLoss }
    return r.final?.trainLoss
  }

  /// The selection rule: the learning rate with the highest mean final validation accuracy over seeds, a diverged
  /// seed counting as 0; ties go to the smaller rate.
  static func choose(_ byRate: [(lr: Double, runs: [RunRecord])]) -> (lr: Double, runs: [RunRecord]) {
    func score(_ rs: [RunRecord]) -> Double {
      rs.map { $0.diverged == nil ? (validationAccuracy($0) ?? 0) : 0 }.reduce(0, +) / Double(max(1, rs.count))
    }
    return byRate.max { a, b in score(a.runs) < score(b.runs) || (score(a.runs) == score(b.runs) && a.lr > b.lr) }!
  }

  /// Competition ranking by mean test accuracy. A rule shares the rank of the best rule of the group above it (the
  /// first to hold that rank) when their means differ by less than 2 standard errors of the difference; otherwise it
  /// opens a rank of its own. Against the group's best, not the rule just above: a chain of small steps must not let
  /// two clearly different rules share a rank.
  static func ranks(_ entries: [Entry]) -> [(entry: Entry, rank: Int)] {
    let sorted = entries.filter { $0.mean != nil }.sorted { $0.mean! > $1.mean! }
    var out: [(entry: Entry, rank: Int)] = []
    var leader: (entry: Entry, rank: Int)?
    for (i, e) in sorted.enumerated() {
      if let l = leader {
        let se = (l.entry.standardError * l.entry.standardError + e.standardError * e.standardError).squareRoot()
        if abs(l.entry.mean! - e.mean!) < 2 * se { out.append((e, l.rank)); continue }
      }
      leader = (e, i + 1)
      out.append(leader!)
    }
    return out
  }

  /// Every rule of every section on every data set at its chosen rate, from the run cache (training what is missing).
  struct Runs {
    struct Table: Hashable { var section: LeagueSection, dataset: DatasetName }
    var entries: [Table: [Entry]] = [:]
    var all: [Table: [RunRecord]] = [:]
    var seeds: [UInt64] = [], rates: [Double] = [], wallSeconds = 0.0
  }

  /// `--rules` and `--dataset` choose what trains now (default: every rule on both data sets; `--rules none`: nothing,
  /// the tables from the cache alone). Every other rule shows
  /// its runs from the cache (an earlier run's, a Slurm array's) when all of them are there (every rate and seed: the
  /// rate is chosen on all of them), and "not run" with the count cached otherwise.
  static func load(_ context: ArtefactContext) throws -> Runs {
    let scale = context.scale
    let askedRules = try context.options.rules(validIn: LeagueRule.options + ["all", "none"], target: "league").flatMap { $0.contains("all") ? nil : Set($0) }
    if let bad = context.options.datasets?.first(where: { !LeagueProtocol.datasets.contains($0) }) {
      throw InvalidOption("league runs on mnist and fmnist, not \(bad.rawValue)")
    }
    func selected(_ r: LeagueRule, _ d: DatasetName) -> Bool {
      (askedRules?.contains(r.option) ?? true) && (context.options.datasets?.contains(d) ?? true)
    }
    var runs = Runs(seeds: LeagueProtocol.seeds(scale, context.seedCount), rates: LeagueProtocol.learningRates(scale))
    var keys: [String] = [], cells: [Cell] = [], byKey: [String: [RunRecord]] = [:], missing: [String: (Int, Int, Double?)] = [:]
    for section in LeagueSection.allCases { for d in LeagueProtocol.datasets { for r in section.rules {
      let these = runs.rates.flatMap { lr in runs.seeds.map { ("\(section)|\(d.rawValue)|\(r.slug)|\(lr)", LeagueProtocol.cell(r, d, lr: lr, scale: scale, seed: $0)) } }
      if selected(r, d) {
        keys += these.map(\.0); cells += these.map(\.1)
        continue
      }
      let cached = try these.compactMap { k, c in try JobPool.cachedRecord(c, in: context.runCache("league")).map { (k, $0) } }
      if cached.count == these.count { for (k, record) in cached { byKey[k, default: []].append(record) } }
      else {
        let perRun = scale == .full ? try projectedSeconds(r, d, cache: context.runCache("league")) : nil
        missing["\(section)|\(d.rawValue)|\(r.slug)"] = (cached.count, these.count, perRun.map { $0 * Double(these.count - cached.count) })
      }
    } } }
    let (records, wall) = try context.runs(cells, paper: "league")
    runs.wallSeconds = wall
    for (k, r) in zip(keys, records) { byKey[k, default: []].append(r) }
    for section in LeagueSection.allCases { for d in LeagueProtocol.datasets {
      let table = Runs.Table(section: section, dataset: d)
      runs.entries[table] = section.rules.map { r -> Entry in
        if let m = missing["\(section)|\(d.rawValue)|\(r.slug)"] { return Entry(rule: r, lr: .nan, runs: [], missing: m) }
        let chosen = choose(runs.rates.map { lr in (lr, byKey["\(section)|\(d.rawValue)|\(r.slug)|\(lr)"] ?? []) })
        return Entry(rule: r, lr: chosen.lr, runs: chosen.runs)
      }
      runs.all[table] = section.rules.flatMap { r in runs.rates.flatMap { byKey["\(section)|\(d.rawValue)|\(r.slug)|\($0)"] ?? [] } }
    } }
    return runs
  }

  /// The CPU time of one full-scale run of `r` on `d`, projected from its quick runs in the cache (mean over the quick
  /// grid's rates): the wall time outside its epochs (feedback pre-training, evaluation) as measured, plus the full
  /// scale's epochs at the quick run's mean wall time per epoch, scaled by the quick run's CPU over wall time (the
  /// quick runs shared the machine). Nil when no quick run is cached.
  static func projectedSeconds(_ r: LeagueRule, _ d: DatasetName, cache: URL) throws -> Double? {
    let quick = try LeagueProtocol.learningRates(.quick).compactMap { lr in
      try JobPool.cachedRecord(LeagueProtocol.cell(r, d, lr: lr, scale: .quick, seed: 1), in: cache)
    }
    let full = Double(LeagueProtocol.epochs(.full)), short = Double(LeagueProtocol.epochs(.quick))
    let each = quick.map { q -> Double in
      let inEpochs = q.epochs.map(\.seconds).reduce(0, +)
      let wall = inEpochs > 0 ? q.wallSeconds - inEpochs + full / short * inEpochs : q.wallSeconds * full / short
      return wall * min(1, q.cpuSeconds / q.wallSeconds)
    }
    return each.isEmpty ? nil : each.reduce(0, +) / Double(each.count)
  }

  static func run(_ context: ArtefactContext) throws -> [URL] {
    let runs = try load(context)
    return try LeagueSection.allCases.flatMap { section in try LeagueProtocol.datasets.flatMap { d in
      let table = Runs.Table(section: section, dataset: d)
      return try publish(table, runs.entries[table]!, context: context, seeds: runs.seeds, rates: runs.rates, wall: runs.wallSeconds,
                         all: runs.all[table]!)
    } }
  }

  /// The angle between a rule's update and the BP gradient on layer l at the end of a run, in degrees: the probe at
  /// the final weights (layered rules), the last log, minibatch 0 of the last epoch (DFC), or the mean over the last
  /// epoch's sampled batches (tower).
  static func angle(_ r: RunRecord, _ l: Int) -> Double? {
    if let log = r.controlled { return log.forward.last?.layerAngles?[l - 1][3] }
    if let log = r.invertible {
      guard let end = log.curve.last?.batch else { return nil }
      let last = (log.angles ?? []).filter { $0.batch >= end - log.batchesPerEpoch && $0.degrees.count >= l }.map { $0.degrees[l - 1] }
      return last.isEmpty ? nil : last.reduce(0, +) / Double(last.count)
    }
    return r.final?.probe?["probe cos layer \(l)"].map { acos(max(-1, min(1, $0))) * 180 / .pi }
  }

  static func secondsPerEpoch(_ r: RunRecord) -> Double? {
    if let log = r.invertible {
      guard let t = log.trainingSeconds, let done = log.curve.last?.batch, done > 0 else { return nil }
      return t * Double(log.batchesPerEpoch) / Double(done)
    }
    let s = r.epochs.map(\.seconds)
    return s.isEmpty ? nil : s.reduce(0, +) / Double(s.count)
  }

  static func publish(_ table: Runs.Table, _ entries: [Entry], context: ArtefactContext, seeds: [UInt64], rates: [Double], wall: Double,
                      all: [RunRecord]) throws -> [URL] {
    let d = table.dataset, section = table.section
    let ranked = ranks(entries)
    // BP's mean over its seeds (one seed at quick scale), so that BP's own × BP averages 1 whatever its seeds' spread.
    let bpSeconds = entries.first { $0.rule.isBackprop }.flatMap { e -> Double? in
      let s = e.finished.compactMap(secondsPerEpoch)
      return s.isEmpty ? nil : s.reduce(0, +) / Double(s.count)
    }
    let layers = LeagueProtocol.layers(section)
    var rows: [TableRow] = []
    for e in entries {
      let m = e.rule.label, diverged = e.runs.count - e.finished.count
      let notRun = e.missing.map { m in
        "\(m.cached) of \(m.needed) runs cached (\(plural(rates.count, "rate")) × \(plural(seeds.count, "seed")))"
          + (m.projectedSeconds.map { "; the rest ≈ \(Progress.format(seconds: $0)) of CPU here, projected from its quick runs" } ?? "")
          + "; --rules \(e.rule.option) trains them here, --slurm DIR on a cluster"
      }
      func row(_ column: String, _ values: [Double], note: String? = nil) {
        rows.append(TableRow(method: m, column: column, reference: nil, values: values, tolerance: 0, note: note ?? notRun))
      }
      rows.append(TableRow(method: m, column: "test accuracy (%)", reference: nil, values: e.testAccuracies, tolerance: 0, diverged: diverged, note: notRun))
      row("rank", ranked.first { $0.entry.rule == e.rule }.map { [Double($0.rank)] } ?? [])
      row("lr (chosen on validation)", e.missing == nil ? [e.lr] : [])
      row("final train loss", e.finished.compactMap(trainLoss))
      for l in 1...layers {
        row("angle to BP, layer \(l) (°)", e.finished.compactMap { angle($0, l) })
      }
      let seconds = e.finished.compactMap(secondsPerEpoch)
      row("s per epoch", seconds)
      row("× BP", bpSeconds.map { b in seconds.map { $0 / b } } ?? [], note: notRun ?? (bpSeconds == nil ? "BP not run" : nil))
    }
    let ranking = ranked.map { "\($0.rank). \($0.entry.rule.label) (\(String(format: "%.2f", $0.entry.mean!)))" }.joined(separator: ", ")
    let single = seeds.count == 1, smoke = context.scale == .smoke
    let unranked = entries.filter { $0.mean == nil }.map(\.rule.label)
    let rankingNote = "Ranking by mean test accuracy at the chosen rate (computed): \(ranking.isEmpty ? "none (no rule has all its runs)" : ranking). A rule shares the rank of the best rule of its group when their means differ by less than 2 standard errors of the difference" + (single ? "; with one seed there is no spread, so no rank is shared (quick scale: not a ranking to rely on)." : ".")
      + (unranked.isEmpty ? "" : " Not ranked (not all of its runs cached, or none finished): \(unranked.joined(separator: ", ")).")
    let common = "the same batches in the same order (data-order stream per seed), \(plural(LeagueProtocol.epochs(context.scale), "epoch")), learning rates \(rates.map(g).joined(separator: ", ")), the rate chosen by mean final validation accuracy (5 000 held-out training images; a diverged seed counts as 0), reported on the test set" + (smoke ? "; smoke: 2 000 images per split" : "") + "."
    let timing = "s per epoch: training wall time per epoch (evaluation excluded), one BLAS thread per run, other runs possibly sharing the machine; × BP against BP's in this table."
    let notes: [String]
    switch section {
    case .mlp:
      notes = [
        rankingNote,
        "Protocol (\(context.scale.rawValue)), the same for every rule: 784-256-256-256-10 tanh, Xavier-uniform, softmax cross-entropy on batch means, Adam, batch 128, Float, " + common,
        "Angle to BP: the angle between the rule's update and the BP gradient at the final weights, per layer, on the first \(smoke ? 200 : LeagueProtocol.probeRows) validation images (the probe of LRAE README), mean over seeds. " + timing,
        "LRA-E runs on batch means (its TF1 preset sums over the batch) with the preset's other values; Align-prop, Align-ada and Align-zero in their dense forms (WideAlign README).",
        "DFC family: DFC-SSA (fixed), DFC-SSA, DFC-SS and DFC (trained feedback) on the same MLP and data, DFC and DFC-SS simulating the released T steps per minibatch (1000 on MNIST, 300 on Fashion-MNIST; shorter simulations do not converge: README), Float, Adam at lr_eff from the same grid, with the rest of the released config of the data set (λ, α, per-tensor clipping at 1, Xavier-normal weights, feedback learning; DFC README \"Table 1\"). Its angle to BP is the last log's (minibatch 0 of the last epoch, 128 training images), not the probe. DFC-SSA (fixed) uses the same batches as the layered rules (the same data-order stream); trained DFC-SSA's feedback passes draw their permutations from that stream too, so its forward batches differ.",
        "GAIT-prop and TP need invertible layers: the tower section (tables tower-mnist, tower-fmnist).",
      ]
    case .tower:
      notes = [
        rankingNote,
        "Protocol (\(context.scale.rawValue)), the same for every rule: GAIT-prop's invertible tower 784-784-500-200-10 (square layers on the first units of the layer below; leaky-ReLU 0.1; orthogonal initialisation; read out on units 0–9 with GAIT-prop's loss ½‖h_L − y‖²), Double (Float breaks GAIT's targets), each rule's released orthogonality weight λ (BP 0, GAIT-prop 0.1 with γ = 0.001, TP 1000; GAIT README), Adam (β 0.9, 0.999, ε 1e-8, bias-corrected, as in the MLP section rather than GAIT-prop's β₂ 0.99 without correction), batch 128 without the last partial batch (429 batches per epoch on the full split), " + common,
        "Angle to BP: the angle between the rule's weight update and the BP gradient on the same batch and weights, per layer, mean over 10 sampled batches of the last epoch, mean over seeds. " + timing,
        "The tower rows are not comparable with the MLP section's: another network, loss and precision.",
      ]
    }
    let network = section == .mlp ? "the layered MLP" : "the invertible tower"
    let result = TableResult(
      paper: "league", target: context.fileName(section.stem(d)), title: "every rule on \(network), on equal terms, \(label(d))",
      scale: context.scale, provenance: Provenance.current(packageRoot: context.packageRoot), seeds: seeds, wallSeconds: wall,
      unit: "per column", tolerance: 0, rows: rows, checks: [], notes: notes, runs: all)
    return try result.publish(context)
  }
}

/// The league's figure, from the tables' runs: per section and data set, test error (100 − accuracy, log axis) against cumulative training time (seed 1,
/// chosen rate; epoch 0 at t = 0 in the CSV, left out of the log-time plot), and the angle to BP per layer at the end of training (mean over seeds).
enum LeagueFigure {
  static let colours: [LeagueRule: String] = [.layered(.backprop): "#000000", .layered(.feedbackAlignment): "#1f77b4",
    .layered(.kolenPollack): "#17becf", .layered(.directFeedbackAlignment): "#2ca02c", .layered(.localRepresentationAlignment): "#d62728",
    .layered(.alignProp): "#9467bd", .layered(.alignAda): "#e377c2", .layered(.alignZero): "#ff7f0e",
    .dfc(.dfcSSAFixed): "#8c564b", .dfc(.dfcSSA): "#bcbd22", .dfc(.dfcSS): "#7f7f7f", .dfc(.dfc): "#393b79",
    .tower(.backprop): "#000000", .tower(.gait(gamma: GAITProtocol.gamma, deviationForm: false)): "#d62728", .tower(.targetPropagation): "#1f77b4"]

  /// Test accuracy (%) against cumulative training time of one run, from 0 at the initial evaluation: layered and DFC
  /// runs by epoch; tower runs by evaluation, at the run's mean training time per batch (it records the total only).
  static func curve(_ r: RunRecord?) -> (time: [Double], accuracy: [Double]) {
    guard let r else { return ([], []) }
    if let log = r.invertible {
      let done = Double(log.curve.last?.batch ?? 0), perBatch = done > 0 ? (log.trainingSeconds ?? .nan) / done : .nan
      return (log.curve.map { Double($0.batch) * perBatch }, log.curve.map { 100 * $0.testAccuracy })
    }
    let epochs = [r.initial].compactMap { $0 } + r.epochs
    var t = 0.0
    return (epochs.map { e in t += e.epoch == 0 ? 0 : e.seconds; return t }, epochs.map { $0.testAccuracy.map { 100 * $0 } ?? .nan })
  }

  static func run(_ context: ArtefactContext) throws -> [URL] {
    let runs = try LeagueTable.load(context)
    let file = context.fileName("curves")
    var header = ["row"], columns: [[Double]] = []
    func add(_ name: String, _ values: [Double]) { header.append(name); columns.append(values) }
    var checks: [Check] = []
    let tables = LeagueSection.allCases.flatMap { s in LeagueProtocol.datasets.map { LeagueTable.Runs.Table(section: s, dataset: $0) } }
    func tag(_ t: LeagueTable.Runs.Table) -> String { (t.section == .mlp ? "MLP " : "tower ") + LeagueTable.label(t.dataset) }
    for t in tables {
      let layers = LeagueProtocol.layers(t.section)
      for e in runs.entries[t]! where !e.runs.isEmpty {
        let (time, accuracy) = curve(e.runs.first)
        add("\(tag(t)) \(e.rule.label) time", time)
        add("\(tag(t)) \(e.rule.label) test acc", accuracy)
        add("\(tag(t)) \(e.rule.label) angle", (1...layers).map { l in
          let a = e.finished.compactMap { LeagueTable.angle($0, l) }
          return a.isEmpty ? .nan : a.reduce(0, +) / Double(a.count)
        })
      }
      // The probe's own consistency: BP's angle to itself is 0 on every layer.
      let bp = runs.entries[t]!.first { $0.rule.isBackprop }
      let bpAngles = (1...layers).compactMap { l in bp?.finished.first.flatMap { LeagueTable.angle($0, l) } }
      checks.append(Check(name: "\(tag(t)): BP's update is at 0° to the BP gradient on every layer (the angle measures what it should)",
                          holds: bpAngles.count == layers ? bpAngles.allSatisfy { $0 < 0.1 } : nil,
                          detail: bpAngles.map { String(format: "%.3g°", $0) }.joined(separator: ", ")))
    }
    let n = columns.map(\.count).max() ?? 0
    let rows = (0..<n).map { i in [Double(i)] + columns.map { i < $0.count ? $0[i] : .nan } }
    func col(_ name: String) -> Int { header.firstIndex(of: name)! + 1 }
    var script = "set multiplot layout \(tables.count),2 title 'League (\(context.scale.rawValue) scale): every rule at its chosen learning rate; MLP 784-256-256-256-10 tanh, and the invertible tower'\n"
    script += "set key font ',8'\n"
    for t in tables {
      let layers = LeagueProtocol.layers(t.section), drawn = runs.entries[t]!.filter { !$0.runs.isEmpty }
      guard !drawn.isEmpty else {
        // Neither panel has a run to draw (--rules chose none of this section and data set, and the cache has none).
        script += "set label 1 'not run' at graph 0.5, 0.5 center\nset xrange [0:1]\nset yrange [0:1]\nunset logscale xy\nunset xtics\nunset ytics\nset xlabel ''\nset ylabel ''\n"
        script += "set title '\(tag(t)): test error against training time (seed 1)'\nplot -1 notitle\n"
        script += "set title '\(tag(t)): angle of the update to the BP gradient at the end'\nplot -1 notitle\n"
        script += "unset label 1\nset xrange [*:*]\nset yrange [*:*]\nset xtics\nset ytics\n"
        continue
      }
      // Log time: the rules' costs per epoch span two orders of magnitude (DFC-SSA's epochs against BP's); the initial
      // evaluation at t = 0 has no place on it and is left out of the plot (it stays in the CSV). Test error on a log
      // axis: the rules that learn end within a few tenths of a percent of each other near 2 %, and a rule that fails
      // (Align-zero's 86 % at full scale) would squash them onto one line on a linear accuracy axis.
      script += "set title '\(tag(t)): test error against training time (seed 1)'\nset xlabel 'training time (s, log scale)'\nset ylabel 'test error (%, log scale)'\nset xtics auto\nset autoscale\nset logscale xy\n"
      // The row's key is drawn once, outside its right panel (inside this one it covered the curves' ends). The error
      // axis spans the data (not the next decades: F-MNIST's 10–20 % sat in the bottom third of 10–100 %), with tics
      // at 1-1.5-2-3-4-5-7 per decade so that a narrow span still has labels.
      script += "unset key\nset autoscale yfix\nset offsets 0, 0, graph 0.05, graph 0.05\nset ytics (0.3, 0.4, 0.5, 0.7, 1, 1.5, 2, 3, 4, 5, 7, 10, 15, 20, 30, 40, 50, 70, 100)\n"
      // One point in all (one rule, one epoch: e.g. --rules bp at smoke scale) is an empty range to gnuplot: widen it.
      let points = drawn.flatMap { e in let c = curve(e.runs.first); return zip(c.time, c.accuracy).filter { $0.0 > 0 } }
      if let p = points.first, points.allSatisfy({ $0 == p }) {
        let error = max(100 - p.1, 0.01)
        script += "set xrange [\(p.0 / 2):\(p.0 * 2)]\nset yrange [\(error / 2):\(error * 2)]\n"
      }
      script += "plot " + drawn.map { e in
        let time = col("\(tag(t)) \(e.rule.label) time")
        return "'\(file).csv' using (column(\(time)) > 0 ? column(\(time)) : NaN):(100 - column(\(col("\(tag(t)) \(e.rule.label) test acc")))) with linespoints lw 2 pt 7 ps 0.5 lc rgb '\(colours[e.rule] ?? "#888888")' title '\(e.rule.label)'"
      }.joined(separator: ", \\\n     ") + "\n"
      script += "set title '\(tag(t)): angle of the update to the BP gradient at the end'\nset xlabel 'layer (\(layers) = output)'\nunset logscale xy\nset ylabel 'angle (degrees)'\nset xtics 1\nset xrange [0.8:\(layers).2]\nset yrange [-3:100]\nset offsets 0, 0, 0, 0\nset ytics auto\nset key outside right top font ',8'\n"
      script += "plot " + drawn.map { e in
        "'\(file).csv' using ($1+1):\(col("\(tag(t)) \(e.rule.label) angle")) with linespoints lw 2 pt 7 lc rgb '\(colours[e.rule] ?? "#888888")' title '\(e.rule.label)'"
      }.joined(separator: ", \\\n     ") + "\n"
      script += "set xrange [*:*]\nset yrange [*:*]\n"
    }
    script += "unset multiplot\n"
    return try writeFigure(paper: "league", name: file, title: "test error against training time and angle to BP per layer, every rule",
                           context: context, header: header, rows: rows, script: script, checks: checks,
                           runs: tables.flatMap { runs.all[$0]! }, seeds: runs.seeds, wallSeconds: runs.wallSeconds, size: (1400, 1900))
  }
}
