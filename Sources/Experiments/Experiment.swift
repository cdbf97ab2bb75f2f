import Datasets
import Learning
import Numerics

/// How much of a paper's protocol runs: CI seconds, minutes with meaningful numbers, or the published protocol.
public enum Scale: String, Sendable, Codable, CaseIterable, Comparable {
  case smoke, quick, full
  public static func < (a: Scale, b: Scale) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

public enum Precision: String, Sendable, Codable, CaseIterable { case float, double }

/// The learning rules the runner can build. An enum, not strings; the command line maps names onto it
/// (`RuleSpec.names`). Adding a rule: a case here, a line in `build`, and its file in Learning/Rules.
public enum RuleSpec: String, Sendable, Codable, Equatable, CaseIterable, CustomStringConvertible {
  case backprop = "bp"
  case feedbackAlignment = "fa"
  case kolenPollack = "kp"
  case directFeedbackAlignment = "dfa"
  case localRepresentationAlignment = "lra-e"
  case alignProp = "align-prop"
  case alignAda = "align-ada"
  case alignZero = "align-zero"

  public static var names: [String: RuleSpec] { Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) }) }
  public var description: String { rawValue }
  public var label: String {
    switch self {
    case .backprop: return "BP"
    case .feedbackAlignment: return "FA"
    case .kolenPollack: return "KP"
    case .directFeedbackAlignment: return "DFA"
    case .localRepresentationAlignment: return "LRA-E"
    case .alignProp: return "Align-prop"
    case .alignAda: return "Align-ada"
    case .alignZero: return "Align-zero"
    }
  }

}

/// LRA-E's settings (LRAE README); used only by the `lra-e` rule. Defaults: the official TF1 preset.
public struct LRAConfig: Sendable, Codable, Equatable {
  public var beta: Double = 0.1
  public var gamma: Double = 1.0
  public var orientation: ErrorWeightOrientation = .tf1
  public var sumOverBatch: Bool = true
  public init(beta: Double = 0.1, gamma: Double = 1.0, orientation: ErrorWeightOrientation = .tf1,
              sumOverBatch: Bool = true) {
    self.beta = beta; self.gamma = gamma; self.orientation = orientation; self.sumOverBatch = sumOverBatch
  }
}

/// How validation and test sets are averaged.
public enum Evaluation: Sendable, Codable, Equatable {
  /// Per-example means.
  case exact
  /// bioflax's `validate`: the mean over batches of batch means; the partial last batch weighs like a full one (D14).
  case batchMean(batchSize: Int)
}

/// Which data, split and preprocessing.
public struct DataSpec: Sendable, Codable, Equatable {
  public var dataset: DatasetName
  public var scaling: PixelScaling = .unit
  public var validationCount: Int = 5000     // image sets: rows held out of the official train part
  public var splitSeed: UInt64 = 0
  /// Validation = the first `validationCount` rows of the official training part, train = the rest in file
  /// order (the TF1 MNIST reader's split), instead of a seeded permutation.
  public var validationFromStart: Bool = false
  public var dataSeed: UInt64 = 0            // synthetic sets: the generator's seed
  /// bioflax's teacher and sin tasks: nil (the suite's streams) or `.jax` (bioflax's JAX keys replayed, with
  /// `dataSeed` as its jax_seed). Optional, so that the keys of runs without it are unchanged.
  public var stream: StreamChoice? = nil
  /// Smoke runs: use only the first rows of each part (nil = all).
  public var trainLimit: Int? = nil
  public var validationLimit: Int? = nil
  public var testLimit: Int? = nil

  public init(dataset: DatasetName, scaling: PixelScaling = .unit, validationCount: Int = 5000, splitSeed: UInt64 = 0,
              dataSeed: UInt64 = 0, limit: Int? = nil) {
    self.dataset = dataset; self.scaling = scaling; self.validationCount = validationCount
    self.splitSeed = splitSeed; self.dataSeed = dataSeed
    trainLimit = limit; validationLimit = limit; testLimit = limit
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
  public var weightDecay: WeightDecay = .none
  public var decayFixedFeedback: Bool = false
  public var feedbackInitializer: Initializer? = nil   // B of FA/KP/DFA (nil: `initializer`)
  /// Alignment metrics (Bioflax README) on the first `metricBatches` batches of every epoch (0: off).
  public var metricBatches: Int = 0
  public var evaluation: Evaluation = .exact
  /// Keep the final network's test-set outputs in the run record (small regression sets, for fit plots).
  public var recordTestPredictions: Bool = false
  /// Train biases (false: bias updates are zeroed, as in LRA-E's bias-free networks).
  public var trainBiases: Bool = true
  public var lra = LRAConfig()
  /// Also evaluate the first N training rows after every epoch (and at epoch 0): the "training subset".
  public var trainEvaluationRows: Int? = nil
  /// The angle probe (LRAE README): at epoch 0 and after every epoch, the rule's update and the BP gradient
  /// on the first N validation rows at the current weights, per layer.
  public var probeRows: Int? = nil

  public init(name: String, data: DataSpec, hidden: [Int], activation: Activation, outputActivation: Activation = .linear,
              initializer: Initializer, rule: RuleSpec, loss: Loss, optimizer: Optimizer, clipping: Clipping = .none,
              batchSize: Int, epochs: Int, seeds: [UInt64], precision: Precision = .float, shuffle: Bool = true,
              weightDecay: WeightDecay = .none, decayFixedFeedback: Bool = false, feedbackInitializer: Initializer? = nil,
              metricBatches: Int = 0, evaluation: Evaluation = .exact) {
    self.name = name; self.data = data; self.hidden = hidden; self.activation = activation
    self.outputActivation = outputActivation; self.initializer = initializer; self.rule = rule; self.loss = loss
    self.optimizer = optimizer; self.clipping = clipping; self.batchSize = batchSize; self.epochs = epochs
    self.seeds = seeds; self.precision = precision; self.shuffle = shuffle
    self.weightDecay = weightDecay; self.decayFixedFeedback = decayFixedFeedback
    self.feedbackInitializer = feedbackInitializer; self.metricBatches = metricBatches; self.evaluation = evaluation
  }

  /// A short stable identity of the configuration, seeds excluded (for checkpoint and run-cache names):
  /// FNV-1a of its JSON.
  public var key: String {
    var config = self
    config.seeds = []
    return fnvKey((try? canonicalJSON(config)) ?? name)
  }

}
