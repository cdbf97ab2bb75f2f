import Datasets
import DFC
import Experiments
import LRAE
import Foundation
import Learning
import Numerics
import Plotting

/// Executes an invocation. Returns the process exit status.
public enum Commands {
  /// The package root: the nearest directory above the executable (or the working directory) holding Package.swift.
  public static var packageRoot: URL {
    for start in [URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(), URL(fileURLWithPath: FileManager.default.currentDirectoryPath)] {
      var dir = start
      while dir.path != "/" {
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
        dir = dir.deletingLastPathComponent()
      }
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
  }

  static func locations(_ o: Options) -> DataLocations {
    return DataLocations(root: packageRoot.appendingPathComponent(".data"), kmnistDirectory: o.values["kmnist-dir"],
                  cifar10Directory: o.values["cifar10-dir"])
  }

  static func outputRoot(_ o: Options) -> URL {
    o.values["out"].map { URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL } ?? packageRoot
  }

  static func setThreads(_ o: Options) throws {
    BLASThreads.set(try o.int("threads")!)
    if let jobs = try o.int("jobs") {
      guard jobs >= 1 else { throw UsageError("--jobs needs a positive number of worker processes") }
      JobPool.defaultProcesses = jobs
    }
  }

  public static func execute(_ invocation: Invocation) throws -> Int32 {
    switch invocation {
    case .help(let topic): print(Help.text(topic)); return 0
    case .list: print(Help.list(CommandLineSpec.papers)); return 0
    case .paper(let paper, let selection, let o): return try runPaper(paper, selection, o)
    case .train(let o): return try train(o)
    case .bench(let o): return try bench(o)
    case .data(let verb, let o): return try data(verb, o)
    case .smoke(let o): return try smoke(o)
    case .report(let o): return try report(o)
    case .cell(let path, let o): return try cell(path, o)
    case .status(let dir): return try status(dir)
    }
  }

  // MARK: one cell

  /// `reproduce cell FILE`: one training run, exactly as its cell file names it, resumable, its record written into
  /// the run cache. The worker processes of `--jobs` and the tasks of a Slurm array both run this.
  static func cell(_ path: String, _ o: Options) throws -> Int32 {
    BLASThreads.set(1)
    let request = try CellRequest.read(URL(fileURLWithPath: path))
    let worker = o.switches.contains("worker")
    if !worker, try request.cached() != nil {
      print("\(request.cell.id): already in the run cache \(request.cache ?? ""); nothing to do")
      return 0
    }
    let record: RunRecord
    do { record = try request.execute() } catch is Interrupted where worker { return 130 }   // the parent says where the checkpoint is
    if !worker {
      let outcome = record.diverged.map { "diverged at epoch \($0.epoch)" } ?? "finished"
      let origin = request.paper.map { " (\($0)\(request.scale.map { ", \($0.rawValue) scale" } ?? ""))" } ?? ""
      print("\(request.cell.id)\(origin): \(outcome) in \(Progress.format(seconds: record.wallSeconds)) on \(record.host ?? "?"); record in \(request.cache ?? "(no cache)")")
    }
    return 0
  }

  // MARK: Slurm

  /// `--slurm DIR`: the cells of the chosen tables and figures that are not in the run cache, as a job array.
  static func slurm(_ paper: Paper, _ selection: ArtefactSelection, _ path: String, _ o: Options) throws -> Int32 {
    guard SlurmSweep.sbatch() != nil else {
      throw UsageError("--slurm needs Slurm's sbatch on PATH (this machine has none); run it on the cluster's login node")
    }
    let collector = CellCollector()
    var labels: [String] = []
    for a in try chosen(paper, selection) {
      guard let run = a.run else { continue }
      var context = try artefactContext(a, o)
      context.collector = collector
      labels.append("\(a.kind.rawValue) \(a.id)")
      do { _ = try run(context) } catch is CellsCollected {}
    }
    var seen = Set<String>()
    let requests = collector.requests.filter { seen.insert($0.cell.id).inserted }
    let scale = o.values["scale"] ?? "default"
    let label = "\(paper.id) \(labels.joined(separator: ", ")), scale \(scale)"
    if requests.isEmpty {
      print("every run of \(label) is in the run cache: run the same command without --slurm to write the tables and figures")
      return 0
    }
    let dir = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
    let sweep = SlurmSweep(directory: dir, label: label, requests: requests,
                           executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(), packageRoot: packageRoot,
                           partition: o.values["partition"], time: o.string("time")!, memory: o.string("mem")!)
    do { try sweep.write() } catch let e as CellError { throw UsageError(e.description) }
    print("wrote \(requests.count) cells of \(label) to \(dir.path) (cells.tsv, array.sbatch, cells/)")
    print("submit:  sbatch \(dir.path)/array.sbatch")
    print("follow:  reproduce status \(dir.path)")
    print("then:    the same command without --slurm assembles the tables and figures from the run cache")
    return 0
  }

  static func status(_ path: String) throws -> Int32 {
    let rows: [(cell: String, state: String)]
    do { rows = try SlurmSweep.status(URL(fileURLWithPath: path)) } catch let e as CellError { throw UsageError(e.description) }
    for r in rows { print("\(r.state.split(separator: " ").first ?? "")\t\(r.cell)\t\(r.state)") }
    let counts = Dictionary(grouping: rows) { String($0.state.split(separator: " ").first ?? "") }.mapValues(\.count)
    print(counts.keys.sorted().map { "\($0.trimmingCharacters(in: .punctuationCharacters)) \(counts[$0]!)" }.joined(separator: ", ") + " of \(rows.count) cells")
    return 0
  }

  // MARK: papers

  static func chosen(_ paper: Paper, _ selection: ArtefactSelection) throws -> [Artefact] {
    switch selection {
    case .table(let t): return paper.tables.filter { $0.matches(t) }
    case .figure(let f): return paper.figures.filter { $0.matches(f) }
    case .all: return paper.artefacts
    }
  }

  /// The paper flags, checked: a value the artefact cannot take is a usage error here, not a silent default.
  static func paperOptions(_ o: Options) throws -> PaperOptions {
    var p = PaperOptions()
    p.depth = try o.int("depth")!
    guard [3, 5, 8].contains(p.depth) else { throw UsageError("--depth \(p.depth): valid depths are 3, 5, 8") }
    p.linear = o.switches.contains("linear")
    if let e = o.values["eval"] {
      guard e == "official" else { throw UsageError("unknown --eval '\(e)'; valid: official") }
      p.officialEvaluation = true
    }
    p.evaluateEvery = try o.int("eval-every")
    if p.evaluateEvery == 0 { throw UsageError("--eval-every needs a positive number of batches") }
    p.evaluationTrainRows = try o.int("eval-train-subset")
    if let ds = o.values["dataset"] {
      p.datasets = try ds.split(separator: ",").map { s in
        do { return try DatasetName(parsing: String(s)) } catch { throw UsageError("\(error)") }
      }
    }
    if let n = o.values["network"] {
      guard ["tower", "full"].contains(n) else { throw UsageError("unknown --network '\(n)'; valid: tower, full") }
      p.network = n
    }
    if let rs = o.values["rules"] {
      // Checked by the target that reads them (each paper has its own rule names).
      p.rules = rs.split(separator: ",").map { $0.lowercased() == "gait-prop" ? "gait" : $0.lowercased() }
    }
    p.holdout = try o.int("holdout")
    if let h = p.holdout, h <= 0 { throw UsageError("--holdout needs a positive number of training images, e.g. 5000") }
    p.biotorchFrsfMetric = o.switches.contains("biotorch-frsf-metric")
    if let lrs = o.values["lr"] {
      var rates: [String: Double] = [:]
      for item in lrs.split(separator: ",") {
        let parts = item.split(separator: "=")
        guard parts.count == 2, let lr = Double(parts[1]), lr > 0 else {
          throw UsageError("--lr '\(lrs)': give RULE=RATE pairs with positive rates, e.g. fa=0.01,dfa=0.001")
        }
        rates[parts[0].lowercased()] = lr
      }
      p.learningRates = rates
    }
    if let ws = o.values["widths"] {
      p.widths = try ws.split(separator: ",").map { w in
        guard let n = Int(w), n > 0 else { throw UsageError("--widths '\(ws)': give positive integers, e.g. 8,32,128") }
        return n
      }
    }
    p.addShiftFix = o.switches.contains("add-shift-fix")
    p.rnnAdaReadoutTerm = o.switches.contains("rnn-ada-readout-term")
    p.noEarlyStopOnNaN = o.switches.contains("no-early-stop-on-nan")
    p.noOfficialTest = o.switches.contains("no-official-test")
    p.sharedInit = o.switches.contains("shared-init")
    p.smallDataFullEvaluation = o.switches.contains("small-data-full-eval")
    p.evaluationBatch = try o.int("eval-batch")
    p.alignIterations = try o.int("align-iters")
    p.alignSamples = try o.int("align-batch")
    for (flag, v) in [("eval-batch", p.evaluationBatch), ("align-iters", p.alignIterations), ("align-batch", p.alignSamples)] where v.map({ $0 <= 0 }) == true {
      throw UsageError("--\(flag) needs a positive number")
    }
    if let n = o.values["kmnist-align-net"] {
      guard ["3layer", "released", "7layer"].contains(n) else { throw UsageError("unknown --kmnist-align-net '\(n)'; valid: 3layer, released, 7layer") }
      p.kmnistAlignNet = n
    }
    p.pipeline = o.values["pipeline"]
    if let c = o.values["e5-config"] {
      guard ["pipeline", "table1"].contains(c) else { throw UsageError("unknown --e5-config '\(c)'; valid: pipeline (default), table1") }
      p.e5Table1Configs = c == "table1"
    }
    p.tableRows = o.values["rows"].map { $0.split(separator: ",").map { $0.lowercased() } }
    p.tableColumns = o.values["columns"].map { $0.split(separator: ",").map { $0.lowercased() } }
    if let t = o.values["sim-early-exit"] {
      guard let tol = Double(t), tol > 0, tol < 1 else { throw UsageError("--sim-early-exit '\(t)': give a tolerance between 0 and 1, e.g. 1e-8") }
      p.simEarlyExit = tol
    }
    p.simExtrapolate = o.switches.contains("sim-extrapolate")
    if p.simExtrapolate && p.simEarlyExit == nil { throw UsageError("--sim-extrapolate extrapolates after an early exit: give --sim-early-exit TOL too") }
    if o.values["precision"] != nil { p.precision = try o.choice("precision", Precision.self) }
    if o.values["ssa-solver"] != nil { p.ssaSolver = try o.choice("ssa-solver", SSASolver.self) }
    if let n = try o.int("log-every") {
      guard n > 0 else { throw UsageError("--log-every \(n): give a positive number of minibatches, e.g. 430 (once per epoch)") }
      p.dfcLogInterval = n
    }
    if let l = o.values["lastlayer-cifar"] {
      guard ["released", "fixed"].contains(l) else { throw UsageError("unknown --lastlayer-cifar '\(l)'; valid: fixed (default), released") }
      p.lastLayerCifarReleased = l == "released"
    }
    // `--rng official`: the official code's own stream, whichever the target replays (its default).
    if let r = o.values["rng"], r != "official" {
      guard let stream = StreamChoice(rawValue: r) else { throw UsageError("unknown --rng '\(r)'; valid: official, \(StreamChoice.allCases.map(\.rawValue).joined(separator: ", "))") }
      p.stream = stream
    }
    return p
  }

  static func artefactContext(_ a: Artefact, _ o: Options) throws -> ArtefactContext {
    let scale = o.values["scale"].flatMap(Scale.init(rawValue:)) ?? a.defaultScale
    var context = ArtefactContext(scale: scale, seedCount: try o.seedCount(), outputRoot: outputRoot(o),
                                  packageRoot: packageRoot, data: locations(o), json: o.switches.contains("json"),
                                  options: try paperOptions(o))
    context.defaultScale = a.defaultScale
    return context
  }

  static func runPaper(_ paper: Paper, _ selection: ArtefactSelection, _ o: Options) throws -> Int32 {
    try setThreads(o)
    if let dir = o.values["slurm"] { return try slurm(paper, selection, dir, o) }
    for flag in ["partition", "time", "mem"] where o.values[flag] != nil { throw UsageError("--\(flag) goes with --slurm DIR") }
    var missing: [String] = []
    for a in try chosen(paper, selection) {
      guard let run = a.run else { missing.append("\(a.kind.rawValue) \(a.id)"); continue }
      let context = try artefactContext(a, o)
      Progress.preamble = "\(paper.id) \(a.kind.rawValue) \(a.id) at scale \(context.scale.rawValue): estimated \(a.cost[context.scale] ?? "unknown")"
      for url in try run(context) { Progress.note("wrote \(url.path)") }
    }
    if !missing.isEmpty {
      throw NotYetImplemented(paper: paper.id, artefact: missing.joined(separator: ", "))
    }
    return 0
  }

  // MARK: smoke (CI)

  /// Every implemented table and figure at smoke scale, plus a short BP training run through the whole
  /// pipeline (data, runner, result file). Prints one line per item and a closing count.
  static func smoke(_ o: Options) throws -> Int32 {
    try setThreads(o)
    var passed = 0, failed = 0
    func item(_ name: String, _ body: () throws -> Void) {
      let start = Clock.wall
      do { try body(); passed += 1; print(String(format: "ok    %@ (%.1fs)", name, Clock.wall - start)) }
      catch { failed += 1; print("FAIL  \(name): \(error)") }
    }
    item("train bp mnist (2 epochs, 5000 rows)") {
      let args = ["--dataset", "mnist", "--epochs", "2", "--limit", "5000", "--no-progress", "--no-checkpoint", "--name", "smoke-bp-mnist"]
      guard case .train(let t) = try CommandLineSpec.parse(["train"] + args + (o.values["out"].map { ["--out", $0] } ?? [])) else { return }
      _ = try train(t)
    }
    for paper in CommandLineSpec.papers {
      for a in paper.artefacts {
        guard let run = a.run else { continue }
        item("\(paper.id) \(a.kind.rawValue) \(a.id)") {
          var context = ArtefactContext(scale: .smoke, seedCount: nil, outputRoot: outputRoot(o), packageRoot: packageRoot,
                                        data: locations(o), json: false)
          context.defaultScale = a.defaultScale
          _ = try run(context)    // a table prints itself; a figure prints its checks
        }
      }
    }
    let waiting = CommandLineSpec.papers.flatMap(\.artefacts).filter { !$0.isImplemented }.count
    print("(\(waiting) listed tables and figures are not yet implemented; `reproduce list` shows them)")
    print("smoke: \(passed) passed, \(failed) failed")
    return failed == 0 ? 0 : 1
  }

  // MARK: train

  public static func trainExperiment(_ o: Options) throws -> Experiment {
    let ruleName = o.string("rule")!
    guard let rule = RuleSpec.names[ruleName] else {
      throw UsageError("unknown rule '\(ruleName)'; implemented rules: \(RuleSpec.names.keys.sorted().joined(separator: ", ")) on layered networks; gait, tp (and bp with --network full|tower) on GAIT-prop's invertible networks")
    }
    let dataset: DatasetName
    do { dataset = try DatasetName(parsing: o.string("dataset")!) } catch { throw UsageError("\(error)") }
    let hidden = try (o.string("hidden")!).split(separator: ",").map { s -> Int in
      guard let n = Int(s), n > 0 else { throw UsageError("--hidden expects positive widths like 256,256,256, got '\(s)'") }
      return n
    }
    let slope = try o.double("leaky-slope")!
    let actName = o.string("activation")!
    guard let activation = Activation(name: actName, leakySlope: slope) else {
      throw UsageError("unknown activation '\(actName)'; valid: \(Activation.names.joined(separator: ", "))")
    }
    let lr = try o.double("lr") ?? 1e-3
    let optimizer: Optimizer
    switch o.string("optimizer")! {
    case "adam": optimizer = .adam(learningRate: lr, beta1: try o.double("beta1")!, beta2: try o.double("beta2") ?? 0.999,
                                   epsilon: try o.double("eps")!, biasCorrection: true)
    case "adam-no-bias-correction": optimizer = .adam(learningRate: lr, beta1: try o.double("beta1")!,
                                   beta2: try o.double("beta2") ?? 0.999, epsilon: try o.double("eps")!, biasCorrection: false)
    case "sgd": optimizer = .sgd(learningRate: lr, momentum: try o.double("momentum")!)
    case let s: throw UsageError("unknown optimizer '\(s)'; valid: adam, adam-no-bias-correction, sgd")
    }
    let isImage = dataset.isImage
    let loss: Loss
    switch o.values["loss"] ?? (isImage ? "ce" : "half-mse") {
    case "ce": loss = .softmaxCrossEntropy
    case "mse": loss = .meanSquaredError(half: false, reduction: .batchAndOutputs)
    case "half-mse": loss = .meanSquaredError(half: true, reduction: .batchAndOutputs)
    case let s: throw UsageError("unknown loss '\(s)'; valid: ce, mse, half-mse")
    }
    if isImage != loss.isClassification { throw UsageError("--loss \(o.values["loss"] ?? "") does not fit data set \(dataset.rawValue)") }
    let precision = try o.choice("precision", Precision.self)!
    let scaling: PixelScaling
    switch o.string("scaling")! {
    case "unit": scaling = .unit
    case "standardize": scaling = .standardize(mean: 0.1307, std: 0.3081)
    case let s: throw UsageError("unknown scaling '\(s)'; valid: unit, standardize")
    }
    func initializer(_ flag: String, scale: String) throws -> Initializer? {
      guard let name = o.values[flag] else { return nil }
      let sc = try o.double(scale)!
      switch name {
      case "xavier-uniform": return .xavierUniform(gain: 1)
      case "xavier-normal": return .xavierNormal(gain: 1)
      case "lecun": return .lecunTruncatedNormal
      case "uniform": return .uniform(scale: sc)
      case "variance-scaling": return .varianceScaling(scale: sc)
      case let s: throw UsageError("unknown initializer '\(s)' for --\(flag); valid: xavier-uniform, xavier-normal, lecun, uniform, variance-scaling")
      }
    }
    let weights = try initializer("init", scale: "scale-w") ?? .xavierUniform(gain: 1)
    let feedback = try initializer("init-b", scale: "scale-b")
    let lambda = try o.double("weight-decay")!
    let decay: WeightDecay
    switch (o.string("weight-decay-mode")!, lambda) {
    case (_, 0): decay = .none
    case ("decoupled", let l): decay = .decoupled(l)
    case ("bioflax", let l): decay = .bioflax(l)
    case ("coupled", let l): decay = .coupled(l)
    case (let m, _): throw UsageError("unknown weight-decay mode '\(m)'; valid: decoupled, bioflax, coupled")
    }
    let clipping: Clipping = try o.double("clip").map { .global(maxNorm: $0) } ?? .none
    let seed = UInt64(try o.int("seed")!)
    let seeds = try o.seeds() ?? [seed]
    var e = Experiment(
      name: o.values["name"] ?? "train-\(ruleName)-\(dataset.rawValue)",
      data: DataSpec(dataset: dataset, scaling: scaling, validationCount: try o.int("validation") ?? (isImage ? 5000 : 0),
                     limit: try o.int("limit")),
      hidden: hidden, activation: activation, initializer: weights, rule: rule, loss: loss, optimizer: optimizer,
      clipping: clipping, batchSize: try o.int("batch-size") ?? 128, epochs: try o.int("epochs") ?? 5, seeds: seeds,
      precision: precision, weightDecay: decay, decayFixedFeedback: o.switches.contains("decay-fixed-feedback"),
      feedbackInitializer: feedback, metricBatches: try o.int("metrics")!,
      evaluation: try o.int("eval-batch").map { .batchMean(batchSize: max(1, $0)) } ?? .exact)
    // LRA-E (default: the official TF1 preset).
    e.lra.beta = try o.double("beta")!
    e.lra.gamma = try o.double("gamma") ?? e.lra.gamma
    if let s = o.values["e-orientation"] {
      guard let orientation = ErrorWeightOrientation(rawValue: s) else { throw UsageError("unknown --e-orientation '\(s)'; valid: tf1, consistent") }
      e.lra.orientation = orientation
    }
    if let s = o.values["reduction"] {
      guard ["sum", "mean"].contains(s) else { throw UsageError("unknown --reduction '\(s)'; valid: sum, mean") }
      e.lra.sumOverBatch = s == "sum"
    }
    if rule == .localRepresentationAlignment { e.trainBiases = false }
    if o.values["preset"] != nil {
      guard rule == .localRepresentationAlignment else { throw UsageError("--preset selects an LRA-E preset (tf1, torch): give --rule lra-e") }
      let preset = try o.choice("preset", LRAProtocol.Preset.self)!
      if o.values["hidden"] == nil { e.hidden = Array(repeating: LRAProtocol.width, count: preset == .torch ? LRAProtocol.torchDepth : 3) }
      LRAProtocol.apply(preset, to: &e, epochs: try o.int("epochs") ?? 100)
    }
    return e
  }

  static func train(_ o: Options) throws -> Int32 {
    if isLeNet(o) { return try trainLeNet(o) }
    if isConvolutional(o) { return try trainConvolutional(o) }
    if isInvertible(o) { return try trainInvertible(o) }
    try setThreads(o)
    let e = try trainExperiment(o)
    let root = outputRoot(o)
    var options = RunOptions(checkpointDirectory: o.switches.contains("no-checkpoint") ? nil : root.appendingPathComponent("Checkpoints"),
                             progress: !o.switches.contains("no-progress"))
    options.checkpointEverySeconds = 60
    options.provenance = Provenance.current(packageRoot: packageRoot)
    Progress.note("\(e.name): \(e.rule) on \(e.data.dataset.rawValue), \(e.hidden) \(e.activation), \(e.optimizer), batch \(e.batchSize), \(plural(e.epochs, "epoch")), \(e.precision), seeds \(e.seeds)")
    let start = Clock.wall
    let records = try JobPool.run(e.seeds.map { Cell(e, seed: $0) }, data: locations(o), options: options)
    let provenance = Provenance.current(packageRoot: packageRoot)
    let summary = TrainSummary(records: records, provenance: provenance, experiment: e, wallSeconds: Clock.wall - start)
    let url = root.appendingPathComponent("Results/train/\(e.name).json")
    try writeAtomically(try canonicalJSON(summary), to: url)
    if e.metricBatches > 0 {
      // Per-epoch alignment metrics with bioflax's key names, one row per (seed, epoch).
      let keys = Set(records.flatMap { $0.epochs.flatMap { $0.metrics?.keys.map { $0 } ?? [] } }).sorted()
      let rows = records.flatMap { r in r.epochs.map { ep in [Double(r.seed), Double(ep.epoch)] + keys.map { ep.metrics?[$0] ?? .nan } } }
      let csv = root.appendingPathComponent("Results/train/\(e.name)-metrics.csv")
      try writeCSV(csv, header: ["seed", "epoch"] + keys, rows: rows)
      if !o.switches.contains("json") { print("wrote \(csv.path)") }
    }
    if o.switches.contains("json") {
      print(try canonicalJSON(summary.headline))
    } else {
      for r in records {
        if let d = r.diverged { print("seed \(r.seed): diverged at epoch \(d.epoch), step \(d.step) (loss \(d.loss))"); continue }
        let f = r.final!
        func acc(_ e: EpochRecord) -> String { e.testAccuracy.map { String(format: "test accuracy %.2f%%", 100 * $0) } ?? String(format: "test loss %.4g", e.testLoss) }
        var line = "seed \(r.seed): after epoch \(f.epoch): \(acc(f))"
        if f.testAccuracy != nil { line += String(format: ", test loss %.4f", f.testLoss) }
        if let b = r.bestEpoch, b.epoch != f.epoch { line += "; best validation at epoch \(b.epoch) (\(acc(b)) there)" }
        print(line + String(format: "; %.2f s per epoch", r.secondsPerEpoch))
      }
      print("wrote \(url.path)")
    }
    return 0
  }

  // MARK: report

  /// `reproduce report`: Results/index.html from the result files (`Report`); with --check, rendered in Chromium.
  static func report(_ o: Options) throws -> Int32 {
    var scales = Set<Scale>()
    for name in o.string("scale")!.split(separator: ",") {
      guard let s = Scale(rawValue: String(name)) else { throw UsageError("unknown --scale '\(name)'; valid: smoke, quick, full (comma-separated)") }
      scales.insert(s)
    }
    if scales.contains(.smoke) && scales.count > 1 { throw UsageError("--scale smoke reports the smoke files alone; quick and full go together") }
    let root = outputRoot(o)
    let w = try Report.write(root: root, scales: scales)
    print("report: \(w.url.path): \(w.tables) tables, \(w.figures) figures, \(w.problems.count) files skipped")
    if w.tables + w.figures == 0 {
      let scaleNames = scales.map(\.rawValue).sorted().joined(separator: ",")
      Progress.note("report: warning: no \(scaleNames) table or figure files under \(root.path)/Results and \(root.path)/Figures; the page is empty (run a reproduction into that root first, or drop --out to report the repository's)")
    }
    guard o.switches.contains("check") else { return 0 }
    let shot = w.url.deletingLastPathComponent().appendingPathComponent("index.png")
    let c = try Report.checkInBrowser(w.url, screenshot: shot)
    print("report: in headless Chromium: \(c.tableSections) tables and \(c.figureSections) figures rendered; \(c.imagesLoaded) of \(c.images) images loaded; \(c.errors) script errors; screenshot \(shot.path)")
    let ok = c.tableSections == w.tables && c.figureSections == w.figures && c.imagesLoaded == c.images && c.images == w.figures && c.errors == 0
    if !ok { print("report: FAILED the browser check") }
    return ok ? 0 : 1
  }

  // MARK: bench

  static func bench(_ o: Options) throws -> Int32 {
    let threads = try o.int("threads")!
    BLASThreads.set(threads)
    let epochs = max(1, try o.int("epochs")!)
    if o.switches.contains("dfc") {
      Progress.note("bench --dfc: DFC's forward phase and feedback phase, batch 128, \(threads) BLAS thread(s), CPU time")
      let results = DFCBenchmark.run()
      if o.switches.contains("json") { print(try canonicalJSON(results)); return 0 }
      print("network               precision  µs/step DFC  µs/step SS  µs/step fb  step GEMM bound µs  ms/batch: BP     DFA    SSA    SS(T)     DFC(T)")
      for r in results {
        print(String(format: "%-21@ %-9@  %11.1f  %10.1f  %10.1f  %18.1f  %12.3f %6.3f %6.3f %9.1f %10.1f", r.network, r.precision,
                     r.microsecondsPerStep["DFC"]!, r.microsecondsPerStep["DFC-SS"]!, r.microsecondsPerStep["feedback"]!, r.gemmBoundMicrosecondsPerStep,
                     r.millisecondsPerBatch["BP"]!, r.millisecondsPerBatch["DFA"]!, r.millisecondsPerBatch["DFC-SSA"]!,
                     r.millisecondsPerBatch["DFC-SS"]!, r.millisecondsPerBatch["DFC"]!) + "   (T = \(r.steps))")
      }
      print("\nTable 1 at full scale (§3): projected CPU time per seed, from each cell's measured minibatch costs (forward; feedback)")
      print("row               " + DFCTable1.Column.allCases.map { $0.rawValue.padding(toLength: 30, withPad: " ", startingAt: 0) }.joined())
      for r in DFCTable1.Row.allCases {
        let cells = DFCTable1.Column.allCases.map { c -> String in
          let p = DFCCost.project(DFCTable1.experiment(r, c))
          let h = p.secondsPerSeed / 3600
          return (String(format: h >= 10 ? "%.0f h" : "%.2g h", h) + String(format: " (%.3g s; %.3g s)", p.forwardSecondsPerBatch, p.feedbackSecondsPerBatch))
            .padding(toLength: 30, withPad: " ", startingAt: 0)
        }
        print(r.label.padding(toLength: 18, withPad: " ", startingAt: 0) + cells.joined())
      }
      let t = DFCBenchmark.trainedEpoch(DFCTable1.experiment(.dfcSSA, .mnist))
      print(String(format: "\nDFC-SSA (trained), MNIST: %.0f s per epoch (feedback %.0f s), GEMM bound %.0f s: %.2f× the bound (target ≤ 1.3×); the official PyTorch code ≈ 600 s per epoch on one thread here (spec), %.1f× ours",
                   t.secondsPerEpoch, t.feedbackSecondsPerEpoch, t.gemmBoundSecondsPerEpoch, t.ratio, 600 / t.secondsPerEpoch))
      for r in [DFCTable1.Row.dfcSSA, .dfcSSAFixed] {
        var e = DFCTable1.experiment(r, .ae)
        e.ssaSolver = .krylov
        let p = DFCCost.project(e)
        print(String(format: "%@, autoencoder, --ssa-solver krylov: %.3g h per seed (%.3g s; %.3g s)", r.label, p.secondsPerSeed / 3600,
                     p.forwardSecondsPerBatch, p.feedbackSecondsPerBatch))
      }
      return 0
    }
    if o.switches.contains("align") {
      Progress.note("bench --align: one training step of every conv rule, batch 100, Float, \(threads) BLAS thread(s), CPU time, mean of 5 steps")
      let results = AlignBenchmark.run()
      if o.switches.contains("json") { print(try canonicalJSON(results)); return 0 }
      let rules = ConvRule.allCases.map(\.label)
      func right(_ s: String) -> String { String(repeating: " ", count: max(1, 11 - s.count)) + s }
      print("network     n  " + rules.map(right).joined() + "   BP GEMM bound  bound/BP   (ms per step)")
      for r in results {
        print(r.network.padding(toLength: 9, withPad: " ", startingAt: 0) + String(format: " %4d  ", r.width) + rules.map { String(format: "%11.1f", r.millisecondsPerStep[$0]!) }.joined()
              + String(format: "   %13.1f  %7.0f%%", r.gemmBoundMilliseconds, 100 * r.ratioToGemmBound))
      }
      return 0
    }
    if o.switches.contains("lenet") {
      Progress.note("bench --lenet: training steps of biotorch's LeNet, batch 64, Float, \(threads) BLAS thread(s), CPU time, mean of 150 steps")
      let r = LeNetBenchmark.run()
      if o.switches.contains("json") { print(try canonicalJSON(r)); return 0 }
      print("rule   ms/step  s/epoch (937 steps)  × BP   GEMM bound (ms)  of bound  GEMM MFLOP/step")
      for row in r.rows {
        print(row.rule.padding(toLength: 5, withPad: " ", startingAt: 0) + String(format: "  %7.2f  %19.2f  %4.2f  %15.2f  %7.0f%%  %15.1f", row.millisecondsPerStep, row.secondsPerEpoch, row.ratioToBP,
                     row.gemmBoundMilliseconds, 100 * row.fractionOfGemmBound, row.gemmFLOPsPerStep / 1e6))
      }
      print(String(format: "BP's GEMM calls alone: %.1f GFLOP/s; a 1024³ SGEMM: %.1f GFLOP/s (%.0f%%)", r.smallShapeGFLOPs, r.largeSGEMMGFLOPs,
                   100 * r.smallShapeFractionOfLarge))
      return 0
    }
    // A missing value is a dash right-aligned to the format's width (the digits after "%").
    func f(_ x: Double?, _ format: String) -> String {
      let width = (Int(format.dropFirst().prefix { $0.isNumber }) ?? 1) + (format.hasSuffix("%%") ? 1 : 0)
      return x.map { String(format: format, $0) } ?? String(repeating: " ", count: max(0, width - 1)) + "—"
    }
    if o.switches.contains("rules") {
      let precision = try o.choice("precision", Precision.self)!
      Progress.note("bench --rules: an epoch of every rule, 784-256-256-256-10 tanh, batch 128, 55000 random rows, Adam, \(precision.rawValue), \(threads) BLAS thread(s), CPU time")
      let dfc = [DFCTable1.Row.dfcSSAFixed, .dfcSSA].map { (label: $0.label, experiment: DFCTable1.experiment($0, .mnist)) }
      let rows = RuleBenchmark.run(precision, epochs: epochs, dfc: dfc)
      if o.switches.contains("json") {
        struct Out: Codable { var rows: [RuleBenchmark.Row]; var threads: Int; var provenance: Provenance }
        print(try canonicalJSON(Out(rows: rows, threads: threads, provenance: Provenance.current(packageRoot: packageRoot))))
        return 0
      }
      print("rule                 network               s/epoch (CPU)  × BP   GEMM bound (s)  of bound  of laid-out bound  GEMM work × BP  ≤ 1.3× BP per unit of work  how")
      for r in rows {
        print(r.rule.padding(toLength: 20, withPad: " ", startingAt: 0) + " " + r.network.padding(toLength: 21, withPad: " ", startingAt: 0)
              + String(format: " %13.3f  %5.2f", r.cpuSecondsPerEpoch, r.ratioToBP) + "  " + f(r.gemmBoundSecondsPerEpoch, "%14.3f")
              + "  " + f(r.fractionOfGemmBound.map { 100 * $0 }, "%7.0f%%") + "  " + f(r.fractionOfLaidOutBound.map { 100 * $0 }, "%16.0f%%")
              + "  " + f(r.workToBP, "%14.2f")
              + "  " + (r.withinTarget.map { $0 ? "yes" : "no" } ?? "—").padding(toLength: 26, withPad: " ", startingAt: 0) + "  " + r.how)
      }
      return 0
    }
    if o.switches.contains("gait") {
      Progress.note("bench --gait: one batch of 60 rows of BP, GAIT-prop and TP (README λ), Double, \(threads) BLAS thread(s), mean of 5 batches")
      let results = GAITBenchmark.run()
      if o.switches.contains("json") { print(try canonicalJSON(results)); return 0 }
      print("network              rule       ms/batch  gradient  regulariser  Adam  inverses  BP GEMM bound  bound/(grad+Adam)  h per 100 epochs  GFLOP/batch  work × BP  time × BP")
      for r in results {
        let bp = results.first { $0.network == r.network && $0.rule == InvertibleRule.backprop.label }!
        print(r.network.padding(toLength: 19, withPad: " ", startingAt: 0) + "  " + r.rule.padding(toLength: 9, withPad: " ", startingAt: 0)
              + String(format: "  %8.1f  %8.1f  %11.1f  %4.1f  %8.1f  %13.1f  %@  %16.1f  %11.3f  %9.2f  %9.2f", r.millisecondsPerBatch,
                     r.ruleGradient, r.regulariser, r.optimiser, r.inverses, r.gemmBoundMilliseconds,
                     f(r.ratioToGemmBound.isNaN ? nil : 100 * r.ratioToGemmBound, "%16.0f%%"), r.hoursPer100Epochs,
                     r.flopsPerBatch / 1e9, r.flopsPerBatch / bp.flopsPerBatch, r.millisecondsPerBatch / bp.millisecondsPerBatch))
      }
      print("GFLOP/batch: the FLOP model of the batch's BLAS-3 and LAPACK calls (products, regulariser where λ ≠ 0, inverses for GAIT-prop and TP).")
      return 0
    }
    Progress.note("bench: BP, 784-256-256-256-10 tanh, batch 128, 55000 samples, Adam, \(threads) BLAS thread(s), \(epochs) timed epochs per precision")
    let f = Benchmark.run(.float, epochs: epochs)
    let d = Benchmark.run(.double, epochs: epochs)
    if o.switches.contains("json") {
      struct Out: Codable { var float: Benchmark.Result; var double: Benchmark.Result; var threads: Int }
      print(try canonicalJSON(Out(float: f, double: d, threads: threads)))
    } else {
      print("precision  s/epoch(wall)  s/epoch(CPU)  GFLOP/s  GEMM bound (s)  bound/epoch  laid-out bound (s)  laid-out/epoch  Adam alone (s)  rest (s)")
      for r in [f, d] {
        print(String(format: "%-9@  %13.3f  %12.3f  %7.1f  %14.3f  %10.1f%%  %18.3f  %13.1f%%  %14.3f  %8.3f", r.precision, r.secondsPerEpoch,
                     r.cpuSecondsPerEpoch, r.gflops, r.gemmBoundSeconds, 100 * r.ratioToGemmBound,
                     r.laidOutBoundSeconds, 100 * r.ratioToLaidOutBound, r.optimizerSeconds,
                     r.cpuSecondsPerEpoch - r.laidOutBoundSeconds - r.optimizerSeconds))
      }
      print("GEMM bound: the epoch's GEMM calls replayed on one buffer per operand role (warm in cache: the arithmetic alone).")
      print("Laid-out bound: the same calls on operands laid out as in training (a new input batch per step, one buffer per layer).")
      print("Adam alone: the epoch's optimiser steps by themselves (a square root and a division per parameter: not GEMM work).")
      print("Rest: CPU epoch − laid-out bound − Adam alone: bias, activation and its derivative, softmax, loss (the element-wise passes).")
    }
    return 0
  }

  // MARK: data

  static func data(_ verb: String, _ o: Options) throws -> Int32 {
    let loc = locations(o)
    if verb == "fetch" { try Catalog.fetchMNIST(loc) }
    var failed = false
    for name in DatasetName.allCases where name.isImage {
      do {
        let d = try Catalog.load(name, loc)
        print("\(name.rawValue): ok, \(d.trainCount) train + \(d.testCount) test, sha256 of content \(d.contentChecksum.prefix(16))…")
      } catch {
        let optional = name == .kmnist || name == .cifar10
        print("\(name.rawValue): \(optional ? "not available (optional, user-supplied)" : "MISSING")\n  \(error)".replacingOccurrences(of: "\n", with: "\n  "))
        if !optional { failed = true }
      }
    }
    print("teacher, sinreg: synthetic, generated on demand")
    return failed ? 1 : 0
  }
}

/// The result file of `reproduce train`.
struct TrainSummary: Codable {
  struct Headline: Codable {
    var test_accuracy: Double?
    var best_test_accuracy: Double?
    var test_loss: Double
    var seconds_per_epoch: Double
  }
  var experiment: Experiment
  var commit: String
  var dirty: Bool
  var machine: String
  var date: String
  var wall_seconds: Double
  var headline: Headline
  var runs: [RunRecord]

  init(records: [RunRecord], provenance: Provenance, experiment: Experiment, wallSeconds: Double) {
    self.experiment = experiment; runs = records
    commit = provenance.commit; dirty = provenance.dirty; machine = provenance.machine; date = provenance.date
    wall_seconds = wallSeconds
    let finals = records.compactMap(\.final)
    let accs = finals.compactMap(\.testAccuracy)
    headline = Headline(test_accuracy: accs.isEmpty ? nil : accs.reduce(0, +) / Double(accs.count),
                        best_test_accuracy: records.compactMap(\.bestTestAccuracy).max(),
                        test_loss: finals.map(\.testLoss).reduce(0, +) / Double(max(1, finals.count)),
                        seconds_per_epoch: records.map(\.secondsPerEpoch).reduce(0, +) / Double(max(1, records.count)))
  }
}
