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
    guard let stream = StreamChoice(rawValue: o.string("rng")!) else { throw UsageError("unknown --rng; valid: numpy-legacy, suite") }
    e.stream = stream
    return e
  }

  static func trainConvolutional(_ o: Options) throws -> Int32 {
    try setThreads(o)
    let e = try convolutionalExperiment(o)
    let seeds = try o.int("seeds").map { (1...UInt64(max(1, $0))).map { $0 } } ?? [UInt64(o.values["seed"].flatMap { UInt64($0) } ?? 99)]
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
