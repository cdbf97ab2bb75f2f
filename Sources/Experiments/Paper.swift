import Datasets
import Foundation
import Learning

/// What a table or figure run is given.
public struct ArtefactContext: Sendable {
  public var scale: Scale
  /// The artefact's default scale: its files carry no scale in their name (`fileName`).
  public var defaultScale: Scale = .quick
  public var seedCount: Int?          // --seeds K (nil: the target's default)
  public var outputRoot: URL          // Figures/ and Results/ are written under it
  public var packageRoot: URL
  public var data: DataLocations
  public var json: Bool
  /// Set by `--slurm DIR`: `runs` collects the cells that are not in the run cache instead of training them.
  public var collector: CellCollector? = nil
  /// The paper flags, parsed and checked by the command line.
  public var options: PaperOptions
  public init(scale: Scale, seedCount: Int?, outputRoot: URL, packageRoot: URL, data: DataLocations, json: Bool,
              options: PaperOptions = PaperOptions()) {
    self.scale = scale; self.seedCount = seedCount; self.outputRoot = outputRoot; self.packageRoot = packageRoot
    self.data = data; self.json = json; self.options = options
  }
}

/// The flags an artefact reads (`reproduce help` lists them), typed.
public struct PaperOptions: Sendable, Equatable {
  /// LRA-E's Figure 1: the depth drawn (3, 5 or 8).
  public var depth: Int = 8
  /// DFC's Figures 3 and S1: identity hidden layers.
  public var linear = false
  /// GAIT-prop: the official evaluation schedule, or the evaluation period and training subset (0 = all).
  public var officialEvaluation = false
  public var evaluateEvery: Int? = nil
  public var evaluationTrainRows: Int? = nil
  /// GAIT-prop's Table 1: train only these data sets, networks ("tower", "full") and rules ("bp", "gait", "tp").
  public var datasets: [DatasetName]? = nil
  public var network: String? = nil
  public var rules: [String]? = nil
  /// Align: the widths to train (nil: the target's own at the scale) and the random stream (`--rng`).
  public var widths: [Int]? = nil
  public var stream: StreamChoice? = nil
  /// Align's quirk fixes (README "Quirks"): Q10, Q11, Q13 on the Add task; Q1's suite extra off.
  public var addShiftFix = false
  public var rnnAdaReadoutTerm = false
  public var noEarlyStopOnNaN = false
  public var noOfficialTest = false
  /// Align's other quirk options: Q2 evaluation batch, Q14 forward weights drawn first, Q15 full evaluation set in the
  /// small-data table, Q3 the released CIFAR last-layer NameError, Q7 the alignment probes.
  public var evaluationBatch: Int? = nil
  public var sharedInit = false
  public var smallDataFullEvaluation = false
  public var lastLayerCifarReleased = false
  public var alignIterations: Int? = nil
  public var alignSamples: Int? = nil
  /// Q5: the KMNIST alignment net: "3layer" (kmnist3, the quick default), "released" (cifar7 trained on 28×28, its
  /// first 3 kernels analysed with strides 1, 2, 2: the full-scale default) or "7layer" (cifar7 with its own strides).
  public var kmnistAlignNet: String? = nil
  /// DFC's Table 1: the rows and columns to run (nil: the scale's own; ["all"]: every one). Checked by the table.
  public var tableRows: [String]? = nil
  public var tableColumns: [String]? = nil
  /// DFC's Figs. S5–S12: the pipeline drawn (mnist, fmnist; nil: mnist). Checked by the figure.
  public var pipeline: String? = nil
  /// Q6's fix: full-scale E.5 runs on the Table 1 configs, not the pipeline configs (`--e5-config table1`).
  public var e5Table1Configs = false
  /// DFC's cost options (§7.4 of the spec; README "Making the simulated rows affordable"), off by default: the
  /// simulation's early-exit tolerance, DFC's extrapolation after it, the precision, and the DFC-SSA solver.
  public var simEarlyExit: Double? = nil
  public var simExtrapolate = false
  public var precision: Precision? = nil
  public var ssaSolver: SSASolver? = nil
  /// DFC's Table 1: log the forward measures (angles to BP, MN and GN; Condition 2 of trained feedback after each
  /// feedback pass's first step) every N minibatches at full scale, which logs nothing by default.
  public var dfcLogInterval: Int? = nil
  /// bioflax's Table 4: initial learning rates per rule name (`--lr fa=0.01,dfa=0.001`), replacing the assumed ones.
  public var learningRates: [String: Double]? = nil
  /// bioflax's Table 4: quirk T4's fix (select the best epoch on the last N training images) and T2's metric.
  public var holdout: Int? = nil
  public var biotorchFrsfMetric = false
  public init() {}

  /// The `--rules` selection, checked against the names a target knows (nil: every rule).
  public func rules(validIn valid: [String], target: String) throws -> [String]? {
    guard let rules else { return nil }
    for r in rules where !valid.contains(r) {
      throw InvalidOption("unknown rule '\(r)' in --rules for \(target); valid: \(valid.joined(separator: ", "))")
    }
    return rules
  }

  /// The `--rng` choice for a target that offers `allowed` (its default first), checked like `--rules`.
  public func stream(allowed: [StreamChoice], target: String) throws -> StreamChoice {
    guard let stream else { return allowed[0] }
    guard allowed.contains(stream) else {
      throw InvalidOption("--rng \(stream.rawValue) is not offered by \(target); valid: \(allowed.map(\.rawValue).joined(separator: ", "))")
    }
    return stream
  }
}

extension ArtefactContext {
  /// The one naming rule of every table and figure file: `base` at the artefact's default scale, `base-<scale>`
  /// otherwise, so that files of different scales sit side by side and a smoke run (`-smoke`, git-ignored) never
  /// replaces a committed result. `writeFigure` and `TableResult.publish` refuse a name that breaks it.
  public func fileName(_ base: String) -> String {
    scale == defaultScale ? base : "\(base)-\(scale.rawValue)"
  }

  /// Throws unless `name` follows `fileName`'s rule for this context's scale.
  public func checkFileName(_ name: String) throws {
    if scale != defaultScale && !name.hasSuffix("-\(scale.rawValue)") {
      throw ArtefactNameError(name: name, scale: scale)
    }
  }

  /// The run cache of a paper: `Results/<paper>/runs/`, smoke runs in its git-ignored `smoke/` subfolder.
  public func runCache(_ paper: String) -> URL {
    let dir = outputRoot.appendingPathComponent("Results").appendingPathComponent(paper).appendingPathComponent("runs")
    return scale == .smoke ? dir.appendingPathComponent("smoke") : dir
  }

  /// Trains the jobs an artefact needs (or reads them from the paper's run cache), checkpointing under
  /// `Checkpoints/`, and returns their records in order with the wall time this call took.
  public func runs(_ jobs: [Cell], paper: String, progress: Bool = true) throws -> (records: [RunRecord], wallSeconds: Double) {
    var options = RunOptions(checkpointDirectory: outputRoot.appendingPathComponent("Checkpoints"), progress: progress)
    options.provenance = Provenance.current(packageRoot: packageRoot)
    if let collector {
      let cache = runCache(paper)
      let missing = try jobs.filter { try JobPool.cachedRecord($0, in: cache) == nil }
      if !missing.isEmpty {
        collector.requests += missing.map { CellRequest(cell: $0, data: data, cache: cache, options: options, paper: paper, scale: scale) }
        throw CellsCollected()
      }
    }
    let start = Clock.wall
    let records = try JobPool.run(jobs, data: data, options: options, cache: runCache(paper), paper: paper, scale: scale)
    return (records, Clock.wall - start)
  }
}

/// Collects the cells an artefact needs (`--slurm`): a class, so that every copy of the context adds to one list.
public final class CellCollector: @unchecked Sendable {
  public var requests: [CellRequest] = []
  public init() {}
}

/// Thrown by `ArtefactContext.runs` when it collected cells instead of running them: the artefact stops there.
/// An artefact that trains in two stages (the second needs the first's records) is collected stage by stage.
public struct CellsCollected: Error {}

public struct ArtefactNameError: Error, CustomStringConvertible {
  public let name: String, scale: Scale
  public var description: String {
    "internal error: the file name '\(name)' at scale \(scale.rawValue) lacks its '-\(scale.rawValue)' suffix (ArtefactContext.fileName), so it could replace a result of another scale"
  }
}

/// A table or figure of a paper: its id on the command line, what it shows, what it costs at each scale,
/// and the function that produces it (nil: not yet implemented).
public struct Artefact: Sendable {
  public enum Kind: String, Sendable { case table, figure }
  public var kind: Kind
  public var id: String
  public var aliases: [String]
  public var title: String
  public var cost: [Scale: String]
  public var defaultScale: Scale
  public var run: (@Sendable (ArtefactContext) throws -> [URL])?

  public init(_ kind: Kind, _ id: String, aliases: [String] = [], title: String, cost: [Scale: String] = [:],
              defaultScale: Scale = .quick, run: (@Sendable (ArtefactContext) throws -> [URL])? = nil) {
    self.kind = kind; self.id = id; self.aliases = aliases; self.title = title; self.cost = cost
    self.defaultScale = defaultScale; self.run = run
  }

  public var isImplemented: Bool { run != nil }
  public func matches(_ s: String) -> Bool {
    let k = s.lowercased()
    return id.lowercased() == k || aliases.contains { $0.lowercased() == k }
  }
}

/// A paper: one folder under Reproductions/, one value here.
public struct Paper: Sendable {
  public var id: String
  public var aliases: [String]
  public var title: String
  public var spec: String              // the specification it follows
  public var artefacts: [Artefact]
  /// `reproduce <id>` without --table or --figure makes every artefact (the league), instead of a usage error.
  public var allByDefault: Bool
  public init(id: String, aliases: [String] = [], title: String, spec: String, artefacts: [Artefact], allByDefault: Bool = false) {
    self.id = id; self.aliases = aliases; self.title = title; self.spec = spec; self.artefacts = artefacts; self.allByDefault = allByDefault
  }
  public var tables: [Artefact] { artefacts.filter { $0.kind == .table } }
  public var figures: [Artefact] { artefacts.filter { $0.kind == .figure } }
}

/// Said when a paper flag has a value the artefact cannot take (exit status 2, like a usage error).
public struct InvalidOption: Error, CustomStringConvertible {
  public let description: String
  public init(_ message: String) { description = message }
}

/// Said when a listed artefact has no implementation yet.
public struct NotYetImplemented: Error, CustomStringConvertible {
  public let paper: String, artefact: String
  public init(paper: String, artefact: String) { self.paper = paper; self.artefact = artefact }
  public var description: String {
    "\(paper) \(artefact): not yet implemented. `reproduce list` shows what exists; each paper's README in Reproductions/ says what is built."
  }
}
