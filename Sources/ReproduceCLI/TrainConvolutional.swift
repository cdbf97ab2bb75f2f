import Datasets
import Experiments
import Foundation
import Learning

/// `reproduce train --network kmnist3|cifar7|cifar7@28` (or `--rule last-layer`): the wide-network paper's NTK conv nets
/// and protocol (WideAlign README), SGD lr 2 and batch 100 by default.
extension Commands {
  static let convolutionalNetworks = ["kmnist3", "cifar7", "cifar7@28"]

  static func isConvolutional(_ o: Options) -> Bool {
    o.string("rule")! == "last-layer" || convolutionalNetworks.contains(o.values["network"] ?? "")
  }

  public static func convolutionalExperiment(_ o: Options) throws -> ConvExperiment {
    let ruleName = o.string("rule")!
    guard let rule = ConvRule(rawValue: ruleName) else {
      throw UsageError("rule '\(ruleName)' does not run on the conv nets; valid: \(ConvRule.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let width = try o.int("width")!
    guard width > 0 else { throw UsageError("--width must be positive") }
    let name = o.values["network"] ?? "kmnist3"
    var architecture: ConvArchitecture
    switch name {
    case "kmnist3": architecture = .kmnist3(width: width)
    case "cifar7": architecture = .cifar7(width: width)
    case "cifar7@28": architecture = .cifar7at28(width: width)
    default: throw UsageError("unknown --network '\(name)' for the conv rules; valid: \(convolutionalNetworks.joined(separator: ", "))")
    }
    let data: ConvData
    switch o.values["dataset"] ?? (architecture.inputChannels == 3 ? "cifar10" : "fashion-mnist") {
    case "synthetic": data = .synthetic(size: architecture.inputSize, channels: architecture.inputChannels, trainCount: try o.int("limit") ?? 5000)
    case let s:
      do { data = .images(try DatasetName(parsing: s)) } catch { throw UsageError("\(error); or synthetic") }
    }
    guard let p = Parameterisation(rawValue: o.string("parameterisation")!) else { throw UsageError("unknown --parameterisation; valid: ntk, standard") }
    architecture.parameterisation = p
    var e = ConvExperiment(name: o.values["name"] ?? "train-\(ruleName)-\(name)-n\(width)", architecture: architecture, rule: rule, data: data,
                           learningRate: try o.double("lr") ?? 2, epochs: try o.int("epochs") ?? 5)
    switch o.values["optimizer"] ?? "sgd" {
    case "sgd": e.optimizer = .sgd
    case "adam": e.optimizer = .tf1Adam
    case let s: throw UsageError("unknown --optimizer '\(s)' on the conv nets; valid: sgd, adam (TF1's)")
    }
    e.batchSize = try o.int("batch-size") ?? 100
    if case .images = data { e.trainLimit = try o.int("limit") }
    let r = o.string("rng")!
    guard let stream = r == "official" ? .numpyLegacy : StreamChoice(rawValue: r), stream != .jax else {
      throw UsageError("unknown --rng '\(r)' on the conv nets; valid: official (= numpy-legacy), numpy-legacy, suite")
    }
    e.stream = stream
    return e
  }

  static func trainConvolutional(_ o: Options) throws -> Int32 {
    try setThreads(o)
    let e = try convolutionalExperiment(o)
    let seeds = try o.seeds() ?? [UInt64(o.values["seed"].flatMap { UInt64($0) } ?? 99)]
    Progress.note("\(e.name): \(e.rule.label) on \(e.data.label), \(e.architecture.name) n = \(e.architecture.width), lr \(e.learningRate), batch \(e.batchSize), \(plural(e.epochs, "epoch")), seeds \(seeds)")
    let (records, url) = try trainSeeds(e, name: e.name, seeds: seeds, o)
    for r in records {
      var line = "seed \(r.seed): validation accuracy \(r.finalValidationAccuracy.map { String(format: "%.2f%%", $0) } ?? "—")"
      if let t = r.final?.testAccuracy { line += String(format: ", official test %.2f%%", 100 * t) }
      if let d = r.diverged { line += " (non-finite at epoch \(d.epoch), step \(d.step))" }
      if let c = r.convolutional { line += String(format: "; %.1f ms per step, %.1f s per epoch", 1000 * c.medianStepSeconds, r.secondsPerEpoch) }
      print(line)
    }
    print("wrote \(url.path)")
    return 0
  }
}

/// `reproduce train --network lenet --rule bp|fa|usf|brsf|frsf|dfa`: biotorch's LeNet and protocol (Bioflax README,
/// "Table 4"): MNIST or Fashion-MNIST at 32×32, SGD momentum 0.9, coupled weight decay 1e-3, batch 64, the learning
/// rate ÷ 10 at 50 % and 75 % of the epochs; the rule's assumed initial rate unless `--lr`.
extension Commands {
  static func isLeNet(_ o: Options) -> Bool { o.values["network"] == "lenet" }

  public static func leNetExperiment(_ o: Options) throws -> LeNetExperiment {
    let ruleName = o.string("rule")!
    guard let rule = LeNetRule(rawValue: ruleName.lowercased()) else {
      throw UsageError("unknown LeNet rule '\(ruleName)'; valid: \(LeNetRule.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let dataset: DatasetName
    do { dataset = try DatasetName(parsing: o.values["dataset"] ?? "mnist") } catch { throw UsageError("\(error)") }
    guard dataset == .mnist || dataset == .fashionMNIST else { throw UsageError("LeNet trains on mnist or fmnist, not \(dataset.rawValue)") }
    let epochs = try o.int("epochs") ?? 100
    guard epochs > 0 else { throw UsageError("--epochs must be positive") }
    let milestones = [0.5, 0.75].map { Int((Double(epochs) * $0).rounded(.up)) }.filter { $0 < epochs }
    var e = LeNetExperiment(name: o.values["name"] ?? "train-lenet-\(dataset == .mnist ? "mnist" : "fmnist")-\(rule.rawValue)", rule: rule, dataset: dataset,
                            learningRate: try o.double("lr") ?? LeNetExperiment.assumedLearningRate[rule]!, epochs: epochs, milestones: milestones)
    e.batchSize = try o.int("batch-size") ?? 64
    e.trainLimit = try o.int("limit")
    e.holdout = try o.int("holdout")
    if o.switches.contains("biotorch-frsf-metric") { e.frsfStoredMetric = true }
    if let m = try o.double("momentum") { e.momentum = m }
    if let wd = try o.double("weight-decay") { e.weightDecay = wd }
    return e
  }

  static func trainLeNet(_ o: Options) throws -> Int32 {
    try setThreads(o)
    let e = try leNetExperiment(o)
    let seeds = try o.seeds() ?? [UInt64(try o.int("seed") ?? 1)]
    Progress.note("\(e.name): \(e.rule.label) on LeNet, \(e.dataset.rawValue), lr \(e.learningRate) (÷10 after epochs \(e.milestones)), momentum \(e.momentum), weight decay \(e.weightDecay), batch \(e.batchSize), \(plural(e.epochs, "epoch")), seeds \(seeds)")
    let (records, url) = try trainSeeds(e, name: e.name, seeds: seeds, o)
    for r in records {
      var line = "seed \(r.seed): best test error \(r.bestEpoch?.testAccuracy.map { String(format: "%.2f%% (epoch %d)", 100 * (1 - $0), r.bestEpoch!.epoch) } ?? "—")"
      if let d = r.diverged { line += " (non-finite at epoch \(d.epoch), step \(d.step))" }
      line += String(format: "; %.1f s per epoch", r.secondsPerEpoch)
      print(line)
    }
    print("wrote \(url.path)")
    return 0
  }
}
