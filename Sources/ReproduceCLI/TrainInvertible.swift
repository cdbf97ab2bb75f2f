import Datasets
import Experiments
import Foundation
import GAIT
import Learning

/// `reproduce train --rule gait|tp` (or any rule with `--network`): GAIT-prop's invertible networks and protocol
/// (GAIT README), with the README's hyperparameters as defaults and every quirk's fix as a named option.
extension Commands {
  static let invertibleRules = ["bp", "gait", "tp"]

  static func isInvertible(_ o: Options) -> Bool {
    ["gait", "tp"].contains(o.string("rule")!) || o.values["network"] != nil
  }

  public static func invertibleExperiment(_ o: Options) throws -> InvertibleExperiment {
    let ruleName = o.string("rule")!
    guard invertibleRules.contains(ruleName) else {
      throw UsageError("rule '\(ruleName)' does not run on invertible networks; with --network use: \(invertibleRules.joined(separator: ", "))")
    }
    if let p = o.values["precision"], p != "double" {
      throw UsageError("GAIT-prop's networks run in double precision only: float32 breaks GAIT's targets (GAIT README); drop --precision \(p)")
    }
    let dataset: DatasetName
    do { dataset = try DatasetName(parsing: o.string("dataset")!) } catch { throw UsageError("\(error)") }
    guard [.mnist, .fashionMNIST, .kmnist].contains(dataset) else { throw UsageError("GAIT-prop's networks take 28×28 images: mnist, fashion-mnist or kmnist") }
    let network: InvertibleArchitecture
    switch o.values["network"] ?? "full" {
    case "full", "full-width": network = .fullWidth(hiddenLayers: try o.int("layers")!)
    case "tower": network = .tower
    case let s: throw UsageError("unknown --network '\(s)'; valid: full, tower")
    }
    let form: Bool
    switch o.string("target-form")! {
    case "absolute": form = false
    case "deviation": form = true
    case let s: throw UsageError("unknown --target-form '\(s)'; valid: absolute (published), deviation (cancellation-free fix)")
    }
    let entries = GAITProtocol.entries(gamma: try o.double("gamma") ?? GAITProtocol.gamma, deviationForm: form)
    let entry = entries[invertibleRules.firstIndex(of: ruleName)!]   // README values: bp, gait, tp
    let epochs = try o.int("epochs") ?? 100
    var e = InvertibleExperiment(
      name: o.values["name"] ?? "train-\(ruleName)-\(dataset.rawValue)-\(o.values["network"] ?? "full")", dataset: dataset,
      architecture: network, rule: entry.rule, learningRate: try o.double("lr") ?? entry.learningRate, orthoLambda: try o.double("lambda") ?? entry.lambda,
      batches: try o.int("batches") ?? epochs * 1000,
      evaluation: InvertibleEvaluation(every: try o.int("eval-every")!, trainRows: try o.int("eval-train-subset")! > 0 ? try o.int("eval-train-subset")! : nil))
    if o.values["eval"] == "official" { e.evaluation = .official } else if let v = o.values["eval"] { throw UsageError("unknown --eval '\(v)'; valid: official") }
    if let s = o.values["init"] {
      guard let i = InvertibleInitialisation(rawValue: s) else { throw UsageError("unknown --init '\(s)' for GAIT-prop's networks; valid: orthogonal, gaussian, june2020") }
      e.initialisation = i
    }
    if let s = o.values["ortho-reg"] {
      guard let p = OrthogonalityPenalty(rawValue: s) else { throw UsageError("unknown --ortho-reg '\(s)'; valid: off-diagonal (the code), full (‖WWᵀ − I‖²)") }
      e.penalty = p
    }
    e.beta2 = try o.double("beta2") ?? 0.99
    e.adamBiasCorrection = o.switches.contains("adam-bias-correction")
    e.distinctOutputInit = o.switches.contains("distinct-output-init")
    e.shuffle = o.switches.contains("shuffle")
    e.linear = o.switches.contains("linear")
    e.angleEvery = try o.int("angles")
    return e
  }

  static func trainInvertible(_ o: Options) throws -> Int32 {
    try setThreads(o)
    let e = try invertibleExperiment(o)
    let seeds = try o.seeds() ?? [UInt64(try o.int("seed")!)]
    Progress.note("\(e.name): \(e.rule.label) on \(e.dataset.rawValue), \(e.architecture.label), η \(e.learningRate), λ \(e.orthoLambda), \(e.batches) batches of 60, seeds \(seeds)")
    let (records, url) = try trainSeeds(e, name: e.name, seeds: seeds, o)
    for r in records {
      if let d = r.diverged { print("seed \(r.seed): diverged at epoch \(d.epoch), batch \(d.step)"); continue }
      guard let last = r.invertible?.curve.last else { continue }
      let peak = r.invertible!.curve.map(\.testAccuracy).max()!
      print(String(format: "seed %llu: after %d batches test accuracy %.2f%% (peak %.2f%%), train-subset accuracy %.2f%%, %.1f ms per batch",
                   r.seed, last.batch, 100 * last.testAccuracy, 100 * peak, 100 * last.trainAccuracy, 1000 * r.wallSeconds / Double(max(1, last.batch))))
    }
    print("wrote \(url.path)")
    return 0
  }

  /// Trains `e` at `seeds` as cells (workers, checkpoints under `Checkpoints/` unless --no-checkpoint) and writes
  /// `Results/train/<name>.json` with the configuration, provenance and records: the shared tail of the train paths
  /// of the invertible and conv families.
  static func trainSeeds<C: RunConfiguration>(_ e: C, name: String, seeds: [UInt64], _ o: Options) throws -> (records: [RunRecord], url: URL) {
    let root = outputRoot(o)
    let provenance = Provenance.current(packageRoot: packageRoot)
    var options = RunOptions(checkpointDirectory: o.switches.contains("no-checkpoint") ? nil : root.appendingPathComponent("Checkpoints"),
                             progress: !o.switches.contains("no-progress"))
    options.provenance = provenance
    let start = Clock.wall
    let records = try JobPool.run(seeds.map { Cell(e, seed: $0) }, data: locations(o), options: options)
    let url = root.appendingPathComponent("Results/train/\(name).json")
    try writeAtomically(try canonicalJSON(TrainSeedsSummary(experiment: e, commit: provenance.commit, dirty: provenance.dirty,
                                                  wall_seconds: Clock.wall - start, runs: records)), to: url)
    return (records, url)
  }
}

/// What `Results/train/<name>.json` holds for the invertible and conv train paths.
struct TrainSeedsSummary<C: Encodable>: Encodable { var experiment: C; var commit: String; var dirty: Bool; var wall_seconds: Double; var runs: [RunRecord] }
