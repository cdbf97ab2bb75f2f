import Datasets
import Experiments
import Learning
import Numerics

/// LRA-E's Table 1 protocol (LRAE README): 784-256×H-10 tanh networks without biases, H ∈ {3, 5, 8}, on MNIST
/// and Fashion-MNIST; W ~ N(0, 0.1²); batch 50; plain SGD with η = 1e-3 on batch-summed updates; the TF1
/// split (validation = the first 5 000 training images, train = the last 55 000); pixels ÷ 255.
/// LRA-E runs the official TF1 code's preset; BP, FA and DFA are the suite's own baselines under the same
/// protocol (a suite choice: the paper's baseline settings are unknown).
public enum LRAProtocol {
  public static let depths = [3, 5, 8]
  public static let datasets: [DatasetName] = [.mnist, .fashionMNIST]
  public static let rules: [RuleSpec] = [.localRepresentationAlignment, .backprop, .feedbackAlignment, .directFeedbackAlignment]

  /// Source: AnkurMali/LRA-E mnist/mnist.py (official-tf1), LRAE README
  public static let officialTF1 = LRAConfig(beta: 0.1, gamma: 1.0, orientation: .tf1, sumOverBatch: true)
  public static let width = 256, batchSize = 50
  public static let learningRateOnSums = 1e-3     // η on batch sums ≡ 0.05 on batch means at batch 50
  public static let weightStd = 0.1               // W ~ N(0, 0.1²)
  public static let errorWeightStd = 1.0          // E ~ N(0, 1)
  public static let baselineFeedbackStd = 0.1     // FA's B and DFA's D ~ N(0, 0.1²): β·E(0)'s distribution

  /// The official code's two maintained flavours (spec §2.5, §2.8; README "Presets"), each selected whole.
  public enum Preset: String, Sendable, CaseIterable {
    /// TF1 `mnist.py`/`fmnist.py`: the defaults above.
    case tf1
    /// `mnist_torch.py`/`fmnist_torch.py` at the reference commit: 4×256 (Table 1 varies H), persistent AdamW
    /// (η 1e-3, β (0.9, 0.999), ε 1e-8, weight decay 0.01 applied as W ← W(1 − η·0.01) on W and E), batch-mean
    /// updates, consistent E orientation, γ unused (E's gradient is exactly W's transposed: γ = 1 with its own
    /// Adam state), β 0.1, batch 50, 100 epochs, a random 58 000 / 2 000 split (the suite's seeded permutation; torch's
    /// stream is not replayed), pixels in [0, 1]. Initial W and E: N(0, 0.1²) on MNIST, torch.nn.Linear's
    /// U(±1/√fan_in) on Fashion-MNIST.
    case torch
  }
  public static let torch = LRAConfig(beta: 0.1, gamma: 1.0, orientation: .consistent, sumOverBatch: false)
  public static let torchDepth = 4

  /// Sets every value of `preset` on `e` (LRA-E's settings, optimiser, decay, initialisation, split, batch, epochs),
  /// keeping its name, rule, depth and data set.
  public static func apply(_ preset: Preset, to e: inout Experiment, epochs: Int) {
    let d = e.data.dataset
    switch preset {
    case .tf1:
      let name = e.name, limits = (e.data.trainLimit, e.data.validationLimit, e.data.testLimit)
      e = experiment(e.rule, dataset: d, depth: e.hidden.count, scale: .full)
      e.name = name; e.epochs = epochs
      (e.data.trainLimit, e.data.validationLimit, e.data.testLimit) = limits
    case .torch:
      var data = DataSpec(dataset: d, scaling: .unit, validationCount: 2000, splitSeed: 1234)
      data.trainLimit = e.data.trainLimit; data.validationLimit = e.data.validationLimit; data.testLimit = e.data.testLimit
      e.data = data
      e.lra = torch
      e.optimizer = .adam(learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, biasCorrection: true)
      e.weightDecay = .decoupled(1e-3 * 0.01)
      let initial: Initializer = d == .mnist ? .normal(std: 0.1) : .torchLinear
      e.initializer = initial; e.feedbackInitializer = initial
      e.batchSize = batchSize; e.epochs = epochs
      e.trainBiases = false
    }
  }

  public static func epochs(_ scale: Scale) -> Int { scale == .full ? 100 : scale == .quick ? 10 : 2 }

  public static func experiment(_ rule: RuleSpec, dataset: DatasetName, depth: Int, scale: Scale) -> Experiment {
    var data = DataSpec(dataset: dataset, scaling: .unit, validationCount: 5000)
    data.validationFromStart = true
    if scale == .smoke { data.trainLimit = 5000; data.validationLimit = 1000; data.testLimit = 2000 }
    // LRA-E sums over the batch with η = 1e-3 (its own reduction); the baselines use the mean cross-entropy with
    // η·B = 0.05, the same step.
    let lr = rule == .localRepresentationAlignment ? learningRateOnSums : learningRateOnSums * Double(batchSize)
    var e = Experiment(
      name: "lra-\(dataset.rawValue)-h\(depth)-\(rule)", data: data, hidden: Array(repeating: width, count: depth),
      activation: .tanh, initializer: .normal(std: weightStd), rule: rule, loss: .softmaxCrossEntropy,
      optimizer: .sgd(learningRate: lr, momentum: 0), batchSize: batchSize, epochs: epochs(scale), seeds: [1],
      feedbackInitializer: .normal(std: rule == .localRepresentationAlignment ? errorWeightStd : baselineFeedbackStd))
    e.lra = officialTF1
    e.trainBiases = false
    e.trainEvaluationRows = scale == .smoke ? 1000 : 10_000
    e.probeRows = scale == .smoke ? 500 : 1000
    return e
  }
}
