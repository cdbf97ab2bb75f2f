import Datasets
import Learning
import Numerics

/// How much of a paper's protocol runs: CI seconds, minutes with meaningful numbers, or the published protocol.
public enum Scale: String, Sendable, Codable, CaseIterable, Comparable {
  case smoke, quick, full
  public static func < (a: Scale, b: Scale) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

public enum Precision: String, Sendable, Codable, CaseIterable { case float, double }

/// The learning rules the runner can build. An enum with payloads, not strings; the command line maps
/// names onto it (`RuleSpec.names`).
public enum RuleSpec: Sendable, Codable, Equatable, CustomStringConvertible {
  case backprop

  public static let names: [String: RuleSpec] = ["bp": .backprop]
  public var description: String {
    switch self { case .backprop: return "bp" }
  }

  /// Builds the rule for `net` and hands it, with its concrete type, to `body` (so that the training loop
  /// is specialised for each rule instead of dispatching through an existential).
  func with<T: BLASScalar, Result>(_ net: Network<T>, rng: inout Random,
                                   _ body: (inout Backprop<T>) throws -> Result) rethrows -> Result {
    switch self {
    case .backprop: var rule = Backprop<T>(); return try body(&rule)
    }
  }
}

/// Which data, split and preprocessing.
public struct DataSpec: Sendable, Codable, Equatable {
  public var dataset: DatasetName
  public var scaling: PixelScaling = .unit
  public var validationCount: Int = 5000     // image sets: rows held out of the official train part
  public var splitSeed: UInt64 = 0
  public var dataSeed: UInt64 = 0            // synthetic sets: the generator's seed
  /// Smoke runs: use only the first N rows of each part (nil = all).
  public var limit: Int? = nil

  public init(dataset: DatasetName, scaling: PixelScaling = .unit, validationCount: Int = 5000, splitSeed: UInt64 = 0,
              dataSeed: UInt64 = 0, limit: Int? = nil) {
    self.dataset = dataset; self.scaling = scaling; self.validationCount = validationCount
    self.splitSeed = splitSeed; self.dataSeed = dataSeed; self.limit = limit
  }
}

/// An experiment is a value: everything needed to train and evaluate, at any seed. Paper targets build these;
/// the runner executes them.
public struct Experiment: Sendable, Codable, Equatable {
  public var name: String
  public var data: DataSpec
  public var hidden: [Int]                   // hidden widths; input and output widths come from the data
  public var activation: Activation          // hidden layers
  public var outputActivation: Activation = .linear
  public var initializer: Initializer
  public var rule: RuleSpec
  public var loss: Loss
  public var optimizer: Optimizer
  public var clipping: Clipping = .none
  public var batchSize: Int
  public var epochs: Int
  public var seeds: [UInt64]
  public var precision: Precision = .float
  public var shuffle: Bool = true            // reshuffle the training set every epoch

  public init(name: String, data: DataSpec, hidden: [Int], activation: Activation, outputActivation: Activation = .linear,
              initializer: Initializer, rule: RuleSpec, loss: Loss, optimizer: Optimizer, clipping: Clipping = .none,
              batchSize: Int, epochs: Int, seeds: [UInt64], precision: Precision = .float, shuffle: Bool = true) {
    self.name = name; self.data = data; self.hidden = hidden; self.activation = activation
    self.outputActivation = outputActivation; self.initializer = initializer; self.rule = rule; self.loss = loss
    self.optimizer = optimizer; self.clipping = clipping; self.batchSize = batchSize; self.epochs = epochs
    self.seeds = seeds; self.precision = precision; self.shuffle = shuffle
  }

  /// A short stable identity of the configuration (for checkpoint names): FNV-1a of its JSON.
  public var key: String {
    let json = (try? canonicalJSON(self)) ?? name
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in json.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    return String(h, radix: 16)
  }
}
