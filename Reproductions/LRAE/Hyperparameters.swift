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
