import Datasets
import Experiments
import Learning
import Numerics

/// The three tasks of bioflax's `run_train.py` (Bioflax README), each at its defaults:
/// 784-500-500-10 (MNIST) or 1-500-500-d_out (teacher, sinreg) ReLU students, SGD lr 0.02 without momentum or
/// weight decay, batch 32, 5 epochs, LeCun truncated-normal K and B, zero biases, metrics on the first 5
/// batches of every epoch, evaluation as the mean of batch means.
public enum BioflaxTask: String, CaseIterable, Sendable {
  case mnist, teacher, sinreg

  public var title: String {
    switch self {
    case .mnist: return "MNIST, 784-500-500-10 ReLU"
    case .teacher: return "teacher-student regression, 1-500-500-10 ReLU student, 1-64-32-10 sigmoid teacher"
    case .sinreg: return "sin regression, 1-500-500-1 ReLU"
    }
  }

  /// Source: yschimpf/bioflax run_train.py defaults (Bioflax README).
  public static let defaults = (
    hidden: [500, 500], activation: Activation.relu, batchSize: 32, epochs: 5,
    optimizer: Optimizer.sgd(learningRate: 0.02, momentum: 0), weightDecay: WeightDecay.none,
    initializer: Initializer.lecunTruncatedNormal, metricBatches: 5, validationFraction: 0.1)

  /// The learning rate with which FA and DFA train on sinreg (D22): a labelled variant, not the default.
  public static let sinregVariantLearningRate = 0.005

  public static let rules: [RuleSpec] = [.backprop, .feedbackAlignment, .kolenPollack, .directFeedbackAlignment]

  /// Seeds per scale: smoke and quick one seed (quick: tables 2/3 five), full five (Bioflax README).
  public func seeds(_ scale: Scale, override: Int?) -> [UInt64] {
    if let k = override { return (0..<UInt64(max(1, k))).map { $0 } }
    switch (self, scale) {
    case (.mnist, .full), (.teacher, .quick), (.teacher, .full), (.sinreg, .quick), (.sinreg, .full): return [0, 1, 2, 3, 4]
    default: return [0]
    }
  }

  public func experiment(_ rule: RuleSpec, scale: Scale, learningRate: Double? = nil) -> Experiment {
    let d = BioflaxTask.defaults
    var data: DataSpec
    let loss: Loss
    switch self {
    case .mnist:
      // (p/255 − 0.1307)/0.3081; 54 000 / 6 000 split of the training set (seeded, split seed 0).
      data = DataSpec(dataset: .mnist, scaling: .standardize(mean: 0.1307, std: 0.3081), validationCount: 6000)
      loss = .softmaxCrossEntropy
      if scale == .smoke { data.trainLimit = 5000; data.validationLimit = 1000; data.testLimit = 2000 }
    case .teacher:
      data = DataSpec(dataset: .teacher, dataSeed: 0)
      loss = .meanSquaredError(half: true, reduction: .batchAndOutputs)
    case .sinreg:
      data = DataSpec(dataset: .sinreg, dataSeed: 0)
      loss = .meanSquaredError(half: true, reduction: .batchAndOutputs)
    }
    let optimizer: Optimizer = learningRate.map { .sgd(learningRate: $0, momentum: 0) } ?? d.optimizer
    var e = Experiment(
      name: "bioflax-\(rawValue)-\(rule)" + (learningRate.map { "-lr\($0)" } ?? "") + (scale == .smoke && self == .mnist ? "-smoke" : ""),
      data: data, hidden: d.hidden, activation: d.activation, initializer: d.initializer, rule: rule, loss: loss,
      optimizer: optimizer, batchSize: d.batchSize, epochs: self == .mnist && scale == .smoke ? 2 : d.epochs,
      seeds: seeds(scale, override: nil), weightDecay: d.weightDecay, feedbackInitializer: d.initializer,
      metricBatches: d.metricBatches, evaluation: .batchMean(batchSize: d.batchSize))
    e.recordTestPredictions = self == .sinreg
    return e
  }
}
